// Revocation across domains (RFC 5280 6.3): complete and delta CRLs, an indirect CRL
// from another domain, issuingDistributionPoint scopes and partitions, OCSP for end
// entities with CRLs for CAs, and a bridge's ARL revoking a cross-certificate.
import type { CertDecl, CrlDecl, Scenario } from "../model.js";
import { POL, cert, cdpOf, crl, ent, patchCert, scenario, url } from "./common.js";
import { bridgeBag, bridgeCerts, bridgeDomains, bridgeEntities, bridgePath } from "./bridge.js";

const V = POL.rev;
const { d1 } = POL;

const entities = [
  ent("root", "CN=Root CA,O=Rev,C=US"),
  ent("ca", "CN=Issuing CA,O=Rev,C=US"),
  ent("dave", "CN=Dave,O=Rev,C=US"),
  ent("other", "CN=Olivia,O=Rev,C=US"),
  ent("responder", "CN=Issuing CA OCSP Responder,O=Rev,C=US"),
];
const certs: CertDecl[] = [
  cert("root", "root", "root", "root"),
  cert("ca", "ca", "ca", "root", { policies: [V.med], crlDistributionPoints: cdpOf("root") }),
  cert("dave", "ee", "dave", "ca", {
    policies: [V.med],
    crlDistributionPoints: cdpOf("ca"),
    freshestCrl: cdpOf("ca", "delta"),
    aia: { ocsp: [url("ocsp/ca")], caIssuers: [url("certs/ca.p7c")] },
  }),
  cert("other", "ee", "other", "ca", { policies: [V.med], crlDistributionPoints: cdpOf("ca") }),
  cert("responder", "ocsp-responder", "responder", "ca"),
];
const rootCrl = crl("root-crl", "root", { crlNumber: 12 });
const hierCase = { target: "dave", bag: ["ca"], anchors: ["root"], revocation: "hard" as const };
const hierPath = ["dave", "ca", "root"];
const base = { group: "revocation" as const, entities, certs };
const HTOPO = "Root CA -> Issuing CA -> Dave, anchor Root CA, hard-fail revocation";

// An indirect CRL issued in another domain (domain 2's revocation service), reached
// through the cross-certificate Root 1 -> Root 2 (RFC 5280 5.3.3, 6.3.3 (f)).
const indEntities = [
  ent("root1", "CN=Root CA,O=Dom1,C=US"),
  ent("ca1", "CN=Issuing CA,O=Dom1,C=US"),
  ent("dave", "CN=Dave,O=Dom1,C=US"),
  ent("other", "CN=Olivia,O=Dom1,C=US"),
  ent("root2", "CN=Root CA,O=Dom2,C=US"),
  ent("crl-service", "CN=Revocation Service,O=Dom2,C=US"),
];
const IND_DP = url("dom2/indirect.crl");
const indCerts: CertDecl[] = [
  cert("root1", "root", "root1", "root1"),
  cert("root2", "root", "root2", "root2"),
  cert("x12", "cross", "root2", "root1"),
  cert("ca1", "ca", "ca1", "root1", { policies: [V.med] }),
  cert("crl-service", "crl-signer", "crl-service", "root2"),
  cert("dave", "ee", "dave", "ca1", {
    policies: [V.med],
    crlDistributionPoints: [{ fullName: [`uri:${IND_DP}`], crlIssuer: ["dn:CN=Revocation Service,O=Dom2,C=US"] }],
  }),
  cert("other", "ee", "other", "ca1", { policies: [V.med] }),
];
function indirectCrl(revoke: string): CrlDecl {
  return crl("indirect", "crl-service", {
    crlNumber: 40,
    issuingDistributionPoint: { fullName: [`uri:${IND_DP}`], indirectCRL: true },
    entries: [{ cert: revoke, reason: "keyCompromise", certificateIssuer: "ca1" }],
  });
}
const indCrls = (revoke: string) => [crl("root1-crl", "root1"), crl("root2-crl", "root2"), indirectCrl(revoke)];
const indCase = (bag: string[]) => ({
  target: "dave",
  bag,
  anchors: ["root1"],
  crls: ["root1-crl", "root2-crl", "indirect"],
  revocation: "hard" as const,
});
const ITOPO = "Root 1 -> Issuing CA 1 -> Dave; Root 1 -> Root 2 -> Revocation Service (indirect CRL for Issuing CA 1); anchor Root 1, hard-fail";

// The bridge PKI with ARLs (CA-only CRLs) from each CA that issues CA certificates.
const arl = (id: string, issuer: string, revoked: string[] = []): CrlDecl =>
  crl(id, issuer, { issuingDistributionPoint: { onlyContainsCACerts: true }, entries: revoked.map((c) => ({ cert: c, reason: "cACompromise" })) });
const bridgeCrls = (revoked: string[]) => [arl("pca1-arl", "pca1"), arl("bca-arl", "bca", revoked), crl("pca3-crl", "pca3"), crl("s3-crl", "s3")];
const bridgeRevCase = {
  target: "carol",
  bag: bridgeBag,
  anchors: ["r1"],
  settings: { initialPolicySet: [d1.med], initialExplicitPolicy: true },
  crls: ["pca1-arl", "bca-arl", "pca3-crl", "s3-crl"],
  revocation: "hard" as const,
};

export const revocation: Scenario[] = [
  scenario({
    ...base,
    id: "crl-revoked-ee",
    title: "The end entity is on its issuer's CRL",
    topology: HTOPO,
    rationale: "Catalog 29. RFC 5280 6.3.3 (j).",
    crls: [rootCrl, crl("ca-crl", "ca", { crlNumber: 5, entries: [{ cert: "dave", reason: "keyCompromise" }] })],
    case: { ...hierCase, crls: ["root-crl", "ca-crl"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "REVOKED" },
  }),
  scenario({
    ...base,
    id: "crl-delta-revokes",
    title: "The complete CRL does not list the EE; its delta CRL does",
    topology: HTOPO + "; complete CRL 5 and delta CRL 6 (base 5)",
    rationale: "Catalog 30. RFC 5280 5.2.4, 6.3.3 (c), (i).",
    crls: [
      rootCrl,
      crl("ca-crl", "ca", { crlNumber: 5, entries: [{ cert: "other", reason: "superseded" }], freshestCrl: cdpOf("ca", "delta") }),
      crl("ca-delta", "ca", { crlNumber: 6, deltaBase: 5, thisUpdate: -0.25, nextUpdate: 1, entries: [{ cert: "dave", reason: "keyCompromise", date: -0.5 }] }),
    ],
    case: { ...hierCase, crls: ["root-crl", "ca-crl", "ca-delta"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "REVOKED" },
  }),
  scenario({
    ...base,
    id: "crl-delta-remove-from-crl",
    title: "The complete CRL puts the EE on hold; the delta CRL releases it (removeFromCRL)",
    topology: HTOPO + "; complete CRL 5 (certificateHold) and delta CRL 6 (removeFromCRL)",
    rationale: "RFC 5280 5.3.1 removeFromCRL, 6.3.3 (i), (k).",
    crls: [
      rootCrl,
      crl("ca-crl", "ca", { crlNumber: 5, entries: [{ cert: "dave", reason: "certificateHold", date: -3 }], freshestCrl: cdpOf("ca", "delta") }),
      crl("ca-delta", "ca", { crlNumber: 6, deltaBase: 5, thisUpdate: -0.25, nextUpdate: 1, entries: [{ cert: "dave", reason: "removeFromCRL", date: -0.5 }] }),
    ],
    case: { ...hierCase, crls: ["root-crl", "ca-crl", "ca-delta"] },
    expect: { valid: true, userConstrainedPolicySet: [V.med], path: hierPath },
  }),
  scenario({
    ...base,
    id: "crl-idp-scope-mismatch",
    title: "The issuer's only CRL covers CA certificates only (onlyContainsCACerts)",
    topology: HTOPO + "; the Issuing CA's CRL has onlyContainsCACerts",
    rationale: "Catalog 32. RFC 5280 6.3.3 (b)(2)(iii): the CRL does not cover an EE; status undetermined under hard-fail (6.3.3 (k)).",
    crls: [rootCrl, crl("ca-crl", "ca", { crlNumber: 5, issuingDistributionPoint: { onlyContainsCACerts: true } })],
    case: { ...hierCase, crls: ["root-crl", "ca-crl"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "REVOCATION_UNKNOWN" },
  }),
  scenario({
    ...base,
    id: "crl-partitioned",
    title: "Partitioned CRLs: the EE's partition is clean, the other partition lists its serial",
    topology: HTOPO + "; CRL partitions part1 (lists Dave's serial) and part2 (Dave's CRLDP)",
    rationale:
      "Catalog 33. RFC 5280 6.3.3 (b)(2)(i): only a CRL whose issuingDistributionPoint matches the certificate's distribution point applies.",
    certs: patchCert(certs, "dave", { crlDistributionPoints: cdpOf("ca", "part2"), freshestCrl: undefined }),
    crls: [
      rootCrl,
      crl("ca-part1", "ca", { crlNumber: 8, issuingDistributionPoint: { fullName: cdpOf("ca", "part1") }, entries: [{ cert: "dave" }] }),
      crl("ca-part2", "ca", { crlNumber: 9, issuingDistributionPoint: { fullName: cdpOf("ca", "part2") } }),
    ],
    case: { ...hierCase, crls: ["root-crl", "ca-part1", "ca-part2"] },
    expect: { valid: true, userConstrainedPolicySet: [V.med], path: hierPath },
  }),
  scenario({
    ...base,
    id: "ocsp-ee-crl-ca",
    title: "OCSP from a delegated responder for the EE, a CRL for the CA",
    topology: HTOPO + "; OCSP (delegated responder, id-pkix-ocsp-nocheck) for Dave, root CRL for the Issuing CA",
    rationale: "Catalog 34 (Challenge PKI OCSP+CRL mix). RFC 6960 4.2.2.2 delegated responder; RFC 5280 6.3 for the CA.",
    ocsp: [{ id: "dave-good", cert: "dave", signer: "responder", include: ["responder"], status: "good" }],
    crls: [rootCrl],
    case: { ...hierCase, crls: ["root-crl"], ocsp: ["dave-good"] },
    expect: { valid: true, userConstrainedPolicySet: [V.med], path: hierPath },
  }),
  scenario({
    ...base,
    id: "ocsp-revoked-ee",
    title: "The issuing CA's own OCSP response says the EE is revoked",
    topology: HTOPO + "; OCSP signed by the Issuing CA (revoked) for Dave, root CRL for the Issuing CA",
    rationale: "RFC 6960 2.2, 4.2.2.2 (the CA signs its own responses).",
    ocsp: [{ id: "dave-revoked", cert: "dave", signer: "ca", status: "revoked", revokedAt: -2, reason: "keyCompromise" }],
    crls: [rootCrl],
    case: { ...hierCase, crls: ["root-crl"], ocsp: ["dave-revoked"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "REVOKED" },
  }),
  scenario({
    group: "revocation",
    id: "indirect-crl-other-domain",
    title: "An indirect CRL issued by another domain's revocation service",
    topology: ITOPO,
    rationale:
      "Catalog 31. RFC 5280 5.3.3 and 6.3.3 (b)(1), (f): the cRLIssuer's certificate validates to the same anchor through the cross-certificate; the CRL lists only another EE.",
    entities: indEntities,
    certs: indCerts,
    crls: indCrls("other"),
    case: indCase(["ca1", "x12", "crl-service"]),
    expect: { valid: true, userConstrainedPolicySet: [V.med], path: ["dave", "ca1", "root1"] },
  }),
  scenario({
    group: "revocation",
    id: "indirect-crl-revoked",
    title: "The other domain's indirect CRL revokes the EE (certificateIssuer entry)",
    topology: ITOPO,
    rationale: "RFC 5280 5.3.3: the entry's certificateIssuer names Issuing CA 1.",
    entities: indEntities,
    certs: indCerts,
    crls: indCrls("dave"),
    case: indCase(["ca1", "x12", "crl-service"]),
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "REVOKED" },
  }),
  scenario({
    group: "revocation",
    id: "indirect-crl-signer-untrusted",
    title: "The indirect CRL's issuer cannot be validated to the relying party's anchor",
    topology: ITOPO.replace("Root 1 -> Root 2 -> ", "Root 2 (not cross-certified) -> "),
    rationale: "Catalog 31 variant. RFC 5280 6.3.3 (f): no path for the CRL issuer to the same anchor, so the status is undetermined (hard-fail).",
    entities: indEntities,
    certs: indCerts,
    crls: indCrls("other"),
    case: indCase(["ca1", "crl-service", "root2"]),
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "REVOCATION_UNKNOWN" },
  }),
  scenario({
    group: "revocation",
    id: "arl-revoked-cross-certificate",
    title: "The bridge's ARL revokes its cross-certificate for PCA3",
    topology: "PCA1 <-> BCA <-> PCA3 -> Dom3 Issuing CA -> Carol, anchor PCA1; ARLs from PCA1 and the BCA, CRLs from PCA3 and the Issuing CA; hard-fail",
    rationale: "Catalog 35. RFC 5280 6.3.3 with onlyContainsCACerts: the cross-certificate is a CA certificate in the ARL's scope.",
    domains: bridgeDomains,
    entities: bridgeEntities(),
    certs: bridgeCerts(),
    crls: bridgeCrls(["xb3"]),
    case: bridgeRevCase,
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "REVOKED" },
  }),
  scenario({
    group: "revocation",
    id: "arl-bridge-all-good",
    title: "Control: the same bridge PKI with every ARL and CRL clean",
    topology: "PCA1 <-> BCA <-> PCA3 -> Dom3 Issuing CA -> Carol, anchor PCA1; ARLs and CRLs, none revoking; hard-fail",
    rationale: "Every certificate's status is known and good; the path is the bridge route.",
    domains: bridgeDomains,
    entities: bridgeEntities(),
    certs: bridgeCerts(),
    crls: bridgeCrls([]),
    case: bridgeRevCase,
    expect: { valid: true, userConstrainedPolicySet: [d1.med], path: bridgePath },
  }),
];
