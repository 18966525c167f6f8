// A simulation of the Japanese Government PKI as JNSA's Challenge PKI 2002 tested it:
// ministry application CAs and the commercial registration CA cross-certify only with
// the GPKI bridge CA; normal, revoked and expired end entities; a bridge re-key.
import type { CertDecl, DomainDecl, EntityDecl, Scenario } from "../model.js";
import { POL, cert, cdpOf, crl, ent, scenario } from "./common.js";

const { gov, gbca, creg } = POL;
const GOV = "O=Japanese Government,C=JP";

interface GpkiNames {
  mlitCa: string;
  mlitUser: string;
  mlitSubtree: string;
}
const ENGLISH: GpkiNames = {
  mlitCa: `CN=MLIT Application CA,OU=Ministry of Land Infrastructure Transport and Tourism,${GOV}`,
  mlitUser: `CN=Hanako Kokudo,OU=Ministry of Land Infrastructure Transport and Tourism,${GOV}`,
  mlitSubtree: `dn:OU=Ministry of Land Infrastructure Transport and Tourism,${GOV}`,
};
const JAPANESE: GpkiNames = {
  mlitCa: "CN=国土交通省アプリケーション認証局,OU=国土交通省,O=日本国政府,C=JP",
  mlitUser: "CN=国土 花子,OU=国土交通省,O=日本国政府,C=JP",
  mlitSubtree: "dn:OU=国土交通省,O=日本国政府,C=JP",
};

const domains: DomainDecl[] = [
  { id: "mofa", title: "Ministry of Foreign Affairs", policies: { application: gov.med } },
  { id: "mlit", title: "Ministry of Land, Infrastructure, Transport and Tourism", policies: { application: gov.med } },
  { id: "bca", title: "GPKI Bridge CA", policies: { bridge: gbca.med } },
  { id: "creg", title: "Commercial Registration CA (Ministry of Justice)", policies: { registration: creg.med } },
];

function entities(n: GpkiNames): EntityDecl[] {
  return [
    ent("mofa", `CN=MOFA Application CA,OU=Ministry of Foreign Affairs,${GOV}`, { domain: "mofa" }),
    ent("mlit", n.mlitCa, { domain: "mlit", stringEncoding: "utf8" }),
    ent("bca", `CN=GPKI Bridge CA,OU=GPKI,${GOV}`, { domain: "bca" }),
    ent("bca-new", `CN=GPKI Bridge CA,OU=GPKI,${GOV}`, { domain: "bca", keySeed: "2nd generation" }),
    ent("creg", `CN=Commercial Registration CA,OU=Ministry of Justice,${GOV}`, { domain: "creg" }),
    ent("hanako", n.mlitUser, { domain: "mlit", stringEncoding: "utf8" }),
    ent("rep", "CN=Representative Director,O=Example Trading KK,L=Chiyoda-ku,ST=Tokyo,C=JP", { domain: "creg" }),
  ];
}

function x(id: string, subject: string, issuer: string, from: string, to: string, extra: Partial<CertDecl> = {}): CertDecl {
  return cert(id, "cross", subject, issuer, { policies: [from], policyMappings: [[from, to]], crlDistributionPoints: cdpOf(issuer, "arl"), ...extra });
}

function certs(n: GpkiNames): CertDecl[] {
  return [
    cert("mofa-root", "root", "mofa", "mofa"),
    cert("mlit-root", "root", "mlit", "mlit"),
    cert("creg-root", "root", "creg", "creg"),
    cert("bca-root", "root", "bca", "bca"),
    x("x-mofa-bca", "bca", "mofa", gov.med, gbca.med, { policyConstraints: { requireExplicitPolicy: 0 } }),
    x("x-bca-mofa", "mofa", "bca", gbca.med, gov.med, { nameConstraints: { permitted: [`dn:OU=Ministry of Foreign Affairs,${GOV}`] } }),
    x("x-mlit-bca", "bca", "mlit", gov.med, gbca.med, { policyConstraints: { requireExplicitPolicy: 0 } }),
    x("x-bca-mlit", "mlit", "bca", gbca.med, gov.med, { nameConstraints: { permitted: [n.mlitSubtree] }, stringEncoding: "utf8" }),
    x("x-creg-bca", "bca", "creg", creg.med, gbca.med, { policyConstraints: { requireExplicitPolicy: 0 } }),
    x("x-bca-creg", "creg", "bca", gbca.med, creg.med),
    // After the bridge's re-key: the new key certified by the old (NewWithOld), and a fresh cross-certificate from the new key.
    cert("bca-new-with-old", "rollover", "bca-new", "bca", { policies: [gbca.med] }),
    x("x-bcanew-creg", "creg", "bca-new", gbca.med, creg.med, { notBefore: -20 }),
    cert("hanako", "ee", "hanako", "mlit", { policies: [gov.med], keyUsage: ["digitalSignature", "nonRepudiation"], crlDistributionPoints: cdpOf("mlit") }),
    cert("rep", "ee", "rep", "creg", { policies: [creg.med], keyUsage: ["digitalSignature", "nonRepudiation"], crlDistributionPoints: cdpOf("creg") }),
    cert("rep-expired", "ee", "rep", "creg", { policies: [creg.med], keyUsage: ["digitalSignature", "nonRepudiation"], notBefore: -400, notAfter: -35 }),
  ];
}

const bag = ["bca-root", "mlit-root", "creg-root", "x-mofa-bca", "x-bca-mofa", "x-mlit-bca", "x-bca-mlit", "x-creg-bca", "x-bca-creg"];
const settings = { initialPolicySet: [gov.med], initialExplicitPolicy: true };
const base = { group: "gpki" as const, domains, entities: entities(ENGLISH), certs: certs(ENGLISH) };
const TOPO = "MOFA CA, MLIT CA, Commercial Registration CA <-> GPKI Bridge CA";

export const gpki: Scenario[] = [
  scenario({
    ...base,
    id: "gpki-ministry-to-ministry",
    title: "A MOFA relying party validates an MLIT official's certificate through the GPKI bridge",
    topology: `${TOPO}, anchor MOFA CA, EE under MLIT CA`,
    rationale: "GPKI simulation (Challenge PKI 2002): government application policy mapped through the bridge policy and back.",
    case: { target: "hanako", bag, anchors: ["mofa-root"], settings },
    expect: { valid: true, userConstrainedPolicySet: [gov.med], path: ["hanako", "x-bca-mlit", "x-mofa-bca", "mofa-root"] },
  }),
  scenario({
    ...base,
    id: "gpki-ministry-commercial",
    title: "A MOFA relying party validates a company representative's commercial registration certificate",
    topology: `${TOPO}, anchor MOFA CA, EE under the Commercial Registration CA`,
    rationale: "Catalog 16: ministry CA <-> BCA <-> commercial registration CA; the registration policy maps to the government policy via the bridge.",
    case: { target: "rep", bag, anchors: ["mofa-root"], settings },
    expect: { valid: true, userConstrainedPolicySet: [gov.med], path: ["rep", "x-bca-creg", "x-mofa-bca", "mofa-root"] },
  }),
  scenario({
    ...base,
    id: "gpki-commercial-revoked",
    title: "The representative's certificate is on the Commercial Registration CA's CRL",
    topology: `${TOPO}, anchor MOFA CA, EE revoked; ARLs for the cross-certificates, hard-fail revocation`,
    rationale: "Challenge PKI GPKI 'revoked EE' cases; RFC 5280 6.3.3.",
    crls: [
      crl("mofa-arl", "mofa", { issuingDistributionPoint: { onlyContainsCACerts: true, fullName: cdpOf("mofa", "arl") } }),
      crl("bca-arl", "bca", { issuingDistributionPoint: { onlyContainsCACerts: true, fullName: cdpOf("bca", "arl") } }),
      crl("creg-crl", "creg", { entries: [{ cert: "rep", reason: "affiliationChanged" }] }),
    ],
    case: { target: "rep", bag, anchors: ["mofa-root"], settings, crls: ["mofa-arl", "bca-arl", "creg-crl"], revocation: "hard" },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "REVOKED" },
  }),
  scenario({
    ...base,
    id: "gpki-commercial-expired",
    title: "The representative's certificate has expired",
    topology: `${TOPO}, anchor MOFA CA, EE expired`,
    rationale: "Challenge PKI GPKI 'expired EE' cases; RFC 5280 6.1.3 (a)(2).",
    case: { target: "rep-expired", bag, anchors: ["mofa-root"], settings },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "EXPIRED" },
  }),
  scenario({
    ...base,
    id: "gpki-bca-rekey-new-with-old",
    title: "Bridge re-keyed: MOFA certified the old key, the registration CA's certificate is from the new key",
    topology: "MOFA CA -> GPKI BCA (old key) -> NewWithOld -> GPKI BCA (new key) -> Commercial Registration CA -> representative, anchor MOFA CA",
    rationale: "GPKI verification experiment (BCA NewWithOld on re-key); RFC 4210 4.4.1, the self-issued link keeps the bridge policy.",
    case: {
      target: "rep",
      bag: ["bca-root", "x-mofa-bca", "x-bca-mofa", "bca-new-with-old", "x-bcanew-creg", "x-creg-bca"],
      anchors: ["mofa-root"],
      settings,
    },
    expect: { valid: true, userConstrainedPolicySet: [gov.med], path: ["rep", "x-bcanew-creg", "bca-new-with-old", "x-mofa-bca", "mofa-root"] },
  }),
  scenario({
    ...base,
    id: "gpki-japanese-names",
    title: "MLIT names in Japanese (UTF8String), constrained by a Japanese dirName subtree",
    topology: `${TOPO} (MLIT names in Japanese), anchor MOFA CA, EE under MLIT CA`,
    rationale: "Challenge PKI 'DN encoding' cases: UTF8String names, RFC 5280 7.1 comparison, dirName constraint matching.",
    entities: entities(JAPANESE),
    certs: certs(JAPANESE),
    case: { target: "hanako", bag, anchors: ["mofa-root"], settings },
    expect: { valid: true, userConstrainedPolicySet: [gov.med], path: ["hanako", "x-bca-mlit", "x-mofa-bca", "mofa-root"] },
  }),
];
