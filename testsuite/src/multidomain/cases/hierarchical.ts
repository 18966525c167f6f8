// Hierarchical PKIs (RFC 5217 3.1): one root, a policy CA, an issuing CA, end entities.
import type { Scenario } from "../model.js";
import { POL, aiaTo, cdpOf, cert, ent, patchCert, scenario } from "./common.js";

const P = POL.hier;

const entities = [
  ent("root", "CN=Root CA,O=Hier,C=US"),
  ent("policy-ca", "CN=Policy CA,O=Hier,C=US"),
  ent("issuing-ca", "CN=Issuing CA,OU=Sub,O=Hier,C=US"),
  ent("alice", "CN=Alice,OU=Sub,O=Hier,C=US"),
  // Same name as the issuing CA, another key (a decoy).
  ent("issuing-ca-decoy", "CN=Issuing CA,OU=Sub,O=Hier,C=US", { keySeed: "decoy" }),
  ent("unrelated", "CN=Unrelated CA,O=Elsewhere,C=US"),
];

const certs = [
  cert("root", "root", "root", "root"),
  cert("policy-ca", "ca", "policy-ca", "root", { policies: [P.med, P.high], aia: aiaTo("root"), crlDistributionPoints: cdpOf("root") }),
  cert("issuing-ca", "ca", "issuing-ca", "policy-ca", { policies: [P.med], aia: aiaTo("policy-ca"), crlDistributionPoints: cdpOf("policy-ca") }),
  cert("alice", "ee", "alice", "issuing-ca", {
    policies: [P.med],
    aia: aiaTo("issuing-ca"),
    crlDistributionPoints: cdpOf("issuing-ca"),
    extKeyUsage: ["clientAuth", "emailProtection"],
    subjectAltName: ["email:alice@hier.example"],
  }),
];

const base = { group: "hierarchical" as const, entities };
const bag = ["policy-ca", "issuing-ca"];
const path = ["alice", "issuing-ca", "policy-ca", "root"];

export const hierarchical: Scenario[] = [
  scenario({
    ...base,
    id: "hier-basic",
    title: "Three-level hierarchy, AIA and CRLDP present",
    topology: "Root -> Policy CA -> Issuing CA -> Alice, anchor Root",
    rationale: "Catalog 1. RFC 5280 6.1: every check passes; the policy set is the EE's policy.",
    certs,
    case: { target: "alice", bag, anchors: ["root"] },
    expect: { valid: true, userConstrainedPolicySet: [P.med], path },
  }),
  scenario({
    ...base,
    id: "hier-pathlen0",
    title: "Policy CA with pathLenConstraint 0 above another CA",
    topology: "Root -> Policy CA (pathLen 0) -> Issuing CA -> Alice, anchor Root",
    rationale: "Catalog 2. RFC 5280 6.1.4 (l): the Issuing CA certificate exceeds max_path_length 0.",
    certs: patchCert(certs, "policy-ca", { pathLen: 0 }),
    case: { target: "alice", bag, anchors: ["root"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "PATH_LENGTH_EXCEEDED" },
  }),
  scenario({
    ...base,
    id: "hier-twin-ca",
    title: "Two certificates for the Policy CA (same name and key), one expired",
    topology: "Root -> Policy CA (twice: live and expired) -> Issuing CA -> Alice, anchor Root",
    rationale: "Catalog 3. RFC 4158 3.5.4: both are candidates; only the live one validates (RFC 5280 6.1.3 (a)(2)).",
    certs: [...certs, cert("policy-ca-expired", "ca", "policy-ca", "root", { policies: [P.med, P.high], notBefore: -800, notAfter: -10 })],
    case: { target: "alice", bag: ["policy-ca-expired", ...bag], anchors: ["root"] },
    expect: { valid: true, userConstrainedPolicySet: [P.med], path },
  }),
  scenario({
    ...base,
    id: "hier-aia-elsewhere-decoy",
    title: "AIA points at an unrelated CA; a same-name issuer with another key is in the bag",
    topology: "Root -> Policy CA -> Issuing CA (+ decoy Issuing CA, other key) -> Alice (AIA -> Unrelated CA), anchor Root",
    rationale: "Catalog 4. AIA is a hint (RFC 5280 4.2.2.1); the decoy's key does not verify Alice (RFC 5280 6.1.3 (a)(1)).",
    certs: [
      ...patchCert(certs, "alice", { aia: aiaTo("unrelated") }),
      cert("issuing-ca-decoy", "ca", "issuing-ca-decoy", "policy-ca", { policies: [P.med] }),
      cert("unrelated", "root", "unrelated", "unrelated"),
    ],
    case: { target: "alice", bag: ["issuing-ca-decoy", "unrelated", ...bag], anchors: ["root"] },
    expect: { valid: true, userConstrainedPolicySet: [P.med], path },
  }),
  scenario({
    ...base,
    id: "hier-expired-intermediate",
    title: "Issuing CA certificate expired",
    topology: "Root -> Policy CA -> Issuing CA (expired) -> Alice, anchor Root",
    rationale: "RFC 5280 6.1.3 (a)(2).",
    certs: patchCert(certs, "issuing-ca", { notBefore: -400, notAfter: -1 }),
    case: { target: "alice", bag, anchors: ["root"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "EXPIRED" },
  }),
  scenario({
    ...base,
    id: "hier-explicit-policy-mismatch",
    title: "Relying party requires the high-assurance policy; Alice asserts medium",
    topology: "Root -> Policy CA -> Issuing CA -> Alice, anchor Root, initial policy high, explicit",
    rationale: "RFC 5280 6.1.5 (g): the user-constrained policy set is empty and explicit policy is required.",
    certs,
    case: { target: "alice", bag, anchors: ["root"], settings: { initialPolicySet: [P.high], initialExplicitPolicy: true } },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "POLICY" },
  }),
];
