// A two-bridge PKI for the graph tests, declared as plain data (the generator's Scenario):
//
//   PCA1 (anchor) <-> Bridge CA 1 <-> Bridge CA 2 <-> PCA2 -> Dom2 Issuing CA -> Bob
//
// plus three certificates that lead the search into candidate paths that fail, each at a
// known certificate for a known reason (RFC 5280 6.1.3 / 6.1.4, 6.3), and one decoy:
//   - x12exp:  PCA1 -> PCA2, expired 30 days ago: the shortest candidate, EXPIRED at it;
//   - xb12ku:  Bridge CA 1 -> PCA2 without keyCertSign, yet PCA2 signed the next
//              certificate: KEY_USAGE at it (RFC 5280 6.1.4 (n));
//   - xb12rev: Bridge CA 1 -> PCA2, listed on Bridge CA 1's CRL: REVOKED at it;
//   - s2decoy: a CA named like Dom2 Issuing CA with another key: Bob's signature does not
//              verify with it (a dead end, not a candidate).
// The path that validates: Bob, s2, xb22, xb1b2, x1b1, anchor r1.
import type { Scenario } from "../../testsuite/src/multidomain/model.js";

export const TWO_BRIDGE: Scenario = {
  id: "graph-two-bridges",
  title: "Two bridges, three failing shortcuts and a decoy",
  group: "bridge-of-bridges",
  topology: "PCA1 <-> BCA1 <-> BCA2 <-> PCA2 -> S2 -> Bob; PCA1 -> PCA2 (expired), BCA1 -> PCA2 (no keyCertSign), BCA1 -> PCA2 (revoked)",
  referenceTime: "2025-01-01T00:00:00Z",
  entities: [
    { id: "pca1", name: "CN=PCA1,O=Dom1,C=US" },
    { id: "bca1", name: "CN=Bridge CA 1,O=Bridge1,C=US" },
    { id: "bca2", name: "CN=Bridge CA 2,O=Bridge2,C=US" },
    { id: "pca2", name: "CN=PCA2,O=Dom2,C=US" },
    { id: "s2", name: "CN=Dom2 Issuing CA,O=Dom2,C=US" },
    { id: "s2decoy", name: "CN=Dom2 Issuing CA,O=Dom2,C=US", keySeed: "decoy" },
    { id: "bob", name: "CN=Bob,O=Dom2,C=US" },
  ],
  certs: [
    { id: "r1", kind: "root", subject: "pca1", issuer: "pca1" },
    { id: "rb1", kind: "root", subject: "bca1", issuer: "bca1" },
    { id: "rb2", kind: "root", subject: "bca2", issuer: "bca2" },
    { id: "x1b1", kind: "cross", subject: "bca1", issuer: "pca1" },
    { id: "xb11", kind: "cross", subject: "pca1", issuer: "bca1" },
    { id: "xb1b2", kind: "cross", subject: "bca2", issuer: "bca1" },
    { id: "xb2b1", kind: "cross", subject: "bca1", issuer: "bca2" },
    { id: "xb22", kind: "cross", subject: "pca2", issuer: "bca2", nameConstraints: { permitted: ["dn:O=Dom2,C=US"] } },
    { id: "x2b2", kind: "cross", subject: "bca2", issuer: "pca2" },
    { id: "s2", kind: "ca", subject: "s2", issuer: "pca2" },
    { id: "s2decoy", kind: "ca", subject: "s2decoy", issuer: "pca2" },
    { id: "bob", kind: "ee", subject: "bob", issuer: "s2" },
    { id: "x12exp", kind: "cross", subject: "pca2", issuer: "pca1", notBefore: -900, notAfter: -30 },
    { id: "xb12ku", kind: "cross", subject: "pca2", issuer: "bca1", keyUsage: ["digitalSignature"] },
    { id: "xb12rev", kind: "cross", subject: "pca2", issuer: "bca1" },
  ],
  crls: [{ id: "crlb1", issuer: "bca1", entries: [{ cert: "xb12rev", reason: "keyCompromise" }] }],
  case: {
    target: "bob",
    bag: ["rb1", "rb2", "x1b1", "xb11", "xb1b2", "xb2b1", "xb22", "x2b2", "s2", "s2decoy", "x12exp", "xb12ku", "xb12rev"],
    anchors: ["r1"],
    crls: ["crlb1"],
    revocation: "soft",
  },
  expect: { valid: true, userConstrainedPolicySet: ["2.5.29.32.0"], path: ["bob", "s2", "xb22", "xb1b2", "x1b1", "r1"] },
};

/** Where each failing candidate fails, as the RFC rules above say: certificate id -> error code. */
export const FIRST_FAILURES: Readonly<Record<string, string>> = { x12exp: "EXPIRED", xb12ku: "KEY_USAGE", xb12rev: "REVOKED" };
