// Name and time encodings (Challenge PKI's JNSA-original tests): PrintableString and
// UTF8String mixes, name rollover, RFC 4518 case and space folding, UTCTime and
// GeneralizedTime around their 1950 and 2050 boundaries, inclusive validity bounds.
import type { CertDecl, Scenario } from "../model.js";
import { POL, cert, ent, patchCert, scenario } from "./common.js";

const E = POL.enc;

const entities = [
  ent("root", "CN=Root CA,O=Enc Test,C=US"),
  ent("ca", "CN=Issuing CA,O=Enc Test,C=US"),
  // The same CA after a name rollover to UTF8String, with a new key.
  ent("ca-utf8", "CN=Issuing CA,O=Enc Test,C=US", { stringEncoding: "utf8", keySeed: "utf8 generation" }),
  ent("heidi", "CN=Heidi,O=Enc Test,C=US"),
];
const certs: CertDecl[] = [
  cert("root", "root", "root", "root"),
  cert("ca", "ca", "ca", "root", { policies: [E.med] }),
  cert("heidi", "ee", "heidi", "ca", { policies: [E.med] }),
];
const base = { group: "encoding" as const, entities };
const bag = ["ca"];
const path = ["heidi", "ca", "root"];
const TOPO = "Root CA -> Issuing CA -> Heidi, anchor Root CA";

export const encoding: Scenario[] = [
  scenario({
    ...base,
    id: "enc-issuer-utf8-subject-printable",
    title: "The EE's issuer name is UTF8String, the CA's subject PrintableString",
    topology: TOPO + " (issuer field UTF8String, CA subject PrintableString)",
    rationale: "RFC 5280 7.1: names compare after RFC 4518 preparation, whatever the DirectoryString type.",
    certs: patchCert(certs, "heidi", { issuerName: "CN=Issuing CA,O=Enc Test,C=US", issuerStringEncoding: "utf8" }),
    case: { target: "heidi", bag, anchors: ["root"] },
    expect: { valid: true, userConstrainedPolicySet: [E.med], path },
  }),
  scenario({
    ...base,
    id: "enc-name-rollover-utf8",
    title: "Name rollover: the CA re-issued its name as UTF8String with a new key",
    topology: "Root CA -> Issuing CA (PrintableString, old key) -> rollover -> Issuing CA (UTF8String, new key) -> Heidi, anchor Root CA",
    rationale:
      "Catalog 28 (Challenge PKI UTF8 name rollover). The self-issued rollover certificate has an equal name but another key: not a repeat (RFC 4158 5.4), not counted for path length (RFC 5280 6.1.4 (l)).",
    certs: [
      ...certs.filter((c) => c.id !== "heidi"),
      cert("rollover", "rollover", "ca-utf8", "ca", { policies: [E.med] }),
      cert("heidi", "ee", "heidi", "ca-utf8", { policies: [E.med] }),
    ],
    case: { target: "heidi", bag: ["ca", "rollover"], anchors: ["root"] },
    expect: { valid: true, userConstrainedPolicySet: [E.med], path: ["heidi", "rollover", "ca", "root"] },
  }),
  scenario({
    ...base,
    id: "enc-case-and-space-folding",
    title: "The EE's issuer name differs from the CA's subject in case and inner spaces",
    topology: TOPO + " (issuer written 'ISSUING   CA', 'ENC  TEST')",
    rationale: "RFC 5280 7.1 with RFC 4518: caseIgnoreMatch and insignificant space handling.",
    certs: patchCert(certs, "heidi", { issuerName: "CN=ISSUING   CA,O=ENC  TEST,C=US" }),
    case: { target: "heidi", bag, anchors: ["root"] },
    expect: { valid: true, userConstrainedPolicySet: [E.med], path },
  }),
  scenario({
    ...base,
    id: "enc-utctime-1950",
    title: "notBefore in 1950 (UTCTime '50'), the lower bound of UTCTime",
    topology: TOPO + " (Root and CA notBefore 1950-01-01)",
    rationale: "RFC 5280 4.1.2.5.1: YY >= 50 is 19YY. A reader taking '50' for 2050 would call the path not yet valid.",
    certs: patchCert(patchCert(certs, "root", { notBefore: "1950-01-01T00:00:00Z" }), "ca", { notBefore: "1950-01-01T00:00:00Z" }),
    case: { target: "heidi", bag, anchors: ["root"] },
    expect: { valid: true, userConstrainedPolicySet: [E.med], path },
  }),
  scenario({
    ...base,
    id: "enc-generalizedtime-2050",
    title: "notAfter 2050-01-01 (GeneralizedTime), validated one second before",
    topology: TOPO + " (CA and Heidi notAfter 2050-01-01T00:00:00Z), at 2049-12-31T23:59:59Z",
    rationale: "RFC 5280 4.1.2.5: dates in 2050 or later are GeneralizedTime; validity includes notAfter.",
    referenceTime: "2049-12-31T23:59:59Z",
    certs: patchCert(patchCert(certs, "ca", { notAfter: "2050-01-01T00:00:00Z" }), "heidi", { notAfter: "2050-01-01T00:00:00Z" }),
    case: { target: "heidi", bag, anchors: ["root"] },
    expect: { valid: true, userConstrainedPolicySet: [E.med], path },
  }),
  scenario({
    ...base,
    id: "enc-utctime-2049-expired",
    title: "notAfter 2049-12-31T23:59:59Z (UTCTime '49'), validated at 2050-01-01",
    topology: TOPO + " (Heidi notAfter 491231235959Z), at 2050-01-01T00:00:00Z",
    rationale: "RFC 5280 4.1.2.5.1: YY < 50 is 20YY; one second past notAfter is expired. A reader taking '49' for 1949 agrees; one misreading GeneralizedTime would not.",
    referenceTime: "2050-01-01T00:00:00Z",
    certs: patchCert(certs, "heidi", { notAfter: "2049-12-31T23:59:59Z" }),
    case: { target: "heidi", bag, anchors: ["root"] },
    expect: { valid: false, userConstrainedPolicySet: [], errorCode: "EXPIRED" },
  }),
  scenario({
    ...base,
    id: "enc-generalizedtime-before-2050",
    title: "GeneralizedTime for dates before 2050 (a CA profile violation)",
    topology: TOPO + " (CA and Heidi validity in GeneralizedTime)",
    rationale:
      "RFC 5280 4.1.2.5 binds CAs to UTCTime through 2049; path validation (6.1.3 (a)(2)) only compares instants, so the path is valid.",
    certs: patchCert(patchCert(certs, "ca", { timeEncoding: "generalized" }), "heidi", { timeEncoding: "generalized" }),
    case: { target: "heidi", bag, anchors: ["root"] },
    expect: { valid: true, userConstrainedPolicySet: [E.med], path },
  }),
  scenario({
    ...base,
    id: "enc-validity-inclusive",
    title: "Validated exactly at the EE's notAfter",
    topology: TOPO + " (Heidi notAfter = the validation time)",
    rationale: "RFC 5280 4.1.2.5: the validity period includes both notBefore and notAfter.",
    certs: patchCert(certs, "heidi", { notAfter: 0 }),
    case: { target: "heidi", bag, anchors: ["root"] },
    expect: { valid: true, userConstrainedPolicySet: [E.med], path },
  }),
];
