// CA key rollover (RFC 4210 4.4): OldWithOld, NewWithNew, and the self-issued
// OldWithNew / NewWithOld certificates linking the two keys; CRLs signed by the new key;
// a bridge re-key leaving stale and fresh cross-certificate pairs side by side.
import type { CertDecl, Scenario } from "../model.js";
import { POL, cert, crl, ent, scenario } from "./common.js";

const R = POL.roll;
const { d1, d3, bca: b } = POL;

const rollEntities = [
  ent("root-old", "CN=Root CA,O=Rollover,C=US", { keySeed: "old" }),
  ent("root-new", "CN=Root CA,O=Rollover,C=US", { keySeed: "new" }),
  ent("sub", "CN=Issuing CA,O=Rollover,C=US"),
  ent("grace", "CN=Grace,O=Rollover,C=US"),
];
const rollCerts: CertDecl[] = [
  cert("old-with-old", "root", "root-old", "root-old", { notBefore: -1500, notAfter: 400 }),
  cert("new-with-new", "root", "root-new", "root-new", { notBefore: -30 }),
  // RFC 4210 4.4.1: the new key signed by the old, and the old key signed by the new.
  cert("new-with-old", "rollover", "root-new", "root-old", { notBefore: -30, notAfter: 400, policies: [R.med] }),
  cert("old-with-new", "rollover", "root-old", "root-new", { notBefore: -30, notAfter: 400, policies: [R.med] }),
  cert("sub-by-old", "ca", "sub", "root-old", { policies: [R.med] }),
  cert("sub-by-new", "ca", "sub", "root-new", { policies: [R.med] }),
  cert("grace", "ee", "grace", "sub", { policies: [R.med] }),
];

// A bridge CA re-keyed: the old cross-certificates are stale (expired), the new ones fresh.
const rekeyEntities = [
  ent("pca1", "CN=PCA1,O=Dom1,C=US"),
  ent("bca-old", "CN=Bridge CA,O=Bridge,C=US", { keySeed: "old" }),
  ent("bca-new", "CN=Bridge CA,O=Bridge,C=US", { keySeed: "new" }),
  ent("pca3", "CN=PCA3,O=Dom3,C=US"),
  ent("s3", "CN=Dom3 Issuing CA,O=Dom3,C=US"),
  ent("carol", "CN=Carol,O=Dom3,C=US"),
];
function rekeyCross(id: string, subject: string, issuer: string, stale: boolean, from: { med: string }, to: { med: string }): CertDecl {
  return cert(id, "cross", subject, issuer, {
    policies: [from.med],
    policyMappings: [[from.med, to.med]],
    ...(stale ? { notBefore: -1100, notAfter: -5 } : { notBefore: -5 }),
  });
}
const rekeyCerts: CertDecl[] = [
  cert("r1", "root", "pca1", "pca1"),
  rekeyCross("x1b-stale", "bca-old", "pca1", true, d1, b),
  rekeyCross("xb3-stale", "pca3", "bca-old", true, b, d3),
  rekeyCross("x1b-fresh", "bca-new", "pca1", false, d1, b),
  rekeyCross("xb3-fresh", "pca3", "bca-new", false, b, d3),
  cert("s3", "ca", "s3", "pca3", { policies: [d3.med] }),
  cert("carol", "ee", "carol", "s3", { policies: [d3.med] }),
];
const dom1 = { initialPolicySet: [d1.med], initialExplicitPolicy: true };

const crlCase = (bag: string[]) => ({
  target: "grace",
  bag,
  anchors: ["old-with-old"],
  crls: ["root-crl-by-new", "sub-crl"],
  revocation: "hard" as const,
});
const rollCrls = [crl("root-crl-by-new", "root-old", { signer: "root-new", crlNumber: 7 }), crl("sub-crl", "sub", { crlNumber: 3 })];

export const rollover: Scenario[] = [
  scenario({
    id: "rollover-old-with-new",
    group: "rollover",
    title: "Anchor is the new key; the issuing CA was certified under the old key (OldWithNew)",
    topology: "NewWithNew (anchor) -> OldWithNew -> Issuing CA (by old key) -> Grace; NewWithOld and OldWithOld also in the bag",
    rationale:
      "Catalog 24, RFC 4210 4.4.1. The self-issued link is not a repeat (RFC 4158 5.4: same name, another key); OldWithOld has the right key but no way to the new anchor.",
    entities: rollEntities,
    certs: rollCerts,
    case: { target: "grace", bag: ["sub-by-old", "old-with-old", "new-with-old", "old-with-new"], anchors: ["new-with-new"] },
    expect: { valid: true, userConstrainedPolicySet: [R.med], path: ["grace", "sub-by-old", "old-with-new", "new-with-new"] },
  }),
  scenario({
    id: "rollover-new-with-old",
    group: "rollover",
    title: "Anchor is the old key; the issuing CA was certified under the new key (NewWithOld)",
    topology: "OldWithOld (anchor) -> NewWithOld -> Issuing CA (by new key) -> Grace; OldWithNew and NewWithNew also in the bag",
    rationale: "Catalog 25, RFC 4210 4.4.1.",
    entities: rollEntities,
    certs: rollCerts,
    case: { target: "grace", bag: ["sub-by-new", "new-with-new", "new-with-old", "old-with-new"], anchors: ["old-with-old"] },
    expect: { valid: true, userConstrainedPolicySet: [R.med], path: ["grace", "sub-by-new", "new-with-old", "old-with-old"] },
  }),
  scenario({
    id: "rollover-crl-by-new-key",
    group: "rollover",
    title: "After the rollover the root signs its CRL with the new key; the path uses the old key",
    topology: "OldWithOld (anchor) -> Issuing CA (by old key) -> Grace; root CRL signed by the new key, NewWithOld in the bag; hard-fail revocation",
    rationale:
      "Catalog 26, RFC 5280 6.3.3 (f): the CRL's signer (NewWithOld) is validated to the same anchor, so the Issuing CA's status is known.",
    entities: rollEntities,
    certs: rollCerts,
    crls: rollCrls,
    case: crlCase(["sub-by-old", "new-with-old"]),
    expect: { valid: true, userConstrainedPolicySet: [R.med], path: ["grace", "sub-by-old", "old-with-old"] },
  }),
  scenario({
    id: "rollover-crl-by-new-key-no-link",
    group: "rollover",
    title: "Root CRL signed by the new key, but no NewWithOld certificate to validate that key",
    topology: "OldWithOld (anchor) -> Issuing CA (by old key) -> Grace; root CRL signed by the new key; hard-fail revocation",
    rationale: "RFC 5280 6.3.3 (f), (k): no validated signer for the root's CRL, so the Issuing CA's status is undetermined.",
    entities: rollEntities,
    certs: rollCerts,
    crls: rollCrls,
    case: crlCase(["sub-by-old"]),
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "REVOCATION_UNKNOWN" },
  }),
  scenario({
    id: "bridge-rekey-stale-and-fresh",
    group: "rollover",
    title: "Bridge CA re-keyed: stale (expired) and fresh cross-certificate pairs side by side",
    topology: "PCA1 -> BCA (old key, expired pair) / BCA (new key, fresh pair) -> PCA3 -> Dom3 Issuing CA -> Carol, anchor PCA1",
    rationale:
      "Catalog 27 (GPKI BCA re-key). Same names on both pairs: only the fresh pair validates (RFC 5280 6.1.3 (a)(2)); mixing an old-key and a new-key certificate fails the signature.",
    entities: rekeyEntities,
    certs: rekeyCerts,
    case: { target: "carol", bag: ["x1b-stale", "xb3-stale", "x1b-fresh", "xb3-fresh", "s3"], anchors: ["r1"], settings: dom1 },
    expect: { valid: true, userConstrainedPolicySet: [d1.med], path: ["carol", "s3", "xb3-fresh", "x1b-fresh", "r1"] },
  }),
  scenario({
    id: "bridge-rekey-stale-only",
    group: "rollover",
    title: "Only the stale cross-certificate pair of the re-keyed bridge",
    topology: "PCA1 -> BCA (old key, expired pair) -> PCA3 -> Dom3 Issuing CA -> Carol, anchor PCA1",
    rationale: "RFC 5280 6.1.3 (a)(2): the stale pair has expired.",
    entities: rekeyEntities,
    certs: rekeyCerts,
    case: { target: "carol", bag: ["x1b-stale", "xb3-stale", "s3"], anchors: ["r1"], settings: dom1 },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "EXPIRED" },
  }),
];
