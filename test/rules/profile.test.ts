// The two profiles (README "Profiles"): each rule of src/validate/profile.ts broken by one
// certificate built here. A "strict" rule fails the path with PROFILE and its section in
// the strict profile, and in the default profile the path is valid with the rule listed
// in `deviations`. An "rfc5280" rule fails in both profiles.
import { describe, expect, it } from "vitest";
import { ia5, oid, seq, tlv, integer } from "../../testsuite/src/generate/der.js";
import type { CertOptions, Entity } from "../../testsuite/src/generate/pki.js";
import type { Profile } from "../../src/index.js";
import { expectError, expectValid, pki, run } from "./helpers.js";

const p = pki("profiles");
const root = p.root("CN=Profile Root");
const ca = p.ca("CN=Profile CA", root);
const EMPTY_NAME = new Uint8Array([0x30, 0x00]);

const go = (ee: Entity, cas: Entity[], profile?: Profile, extra = {}) =>
  run(ee, { intermediates: cas, anchors: [root], options: { ...(profile ? { profile } : {}), ...extra } });

interface StrictCase {
  rule: string;
  section: string;
  /** The path, target first, anchor (root) excluded; `at` is the index of the breaking certificate. */
  build: () => { ee: Entity; cas: Entity[]; at: number };
}

/** An EE under `ca` with these options. */
const eeWith = (name: string, o: CertOptions) => ({ ee: p.ee(name, ca, o), cas: [ca], at: 0 });
/** A CA under root with these options, and an EE under it. */
const caWith = (name: string, o: CertOptions, eo: CertOptions = {}) => {
  const c = p.ca(name, root, o);
  return { ee: p.ee(`CN=EE of ${name.slice(3)}`, c, eo), cas: [c], at: 1 };
};

// SubjectInfoAccess with one caRepository URI (RFC 5280 4.2.2.2), for the criticality rule.
const sia = seq(seq(oid("1.3.6.1.5.5.7.48.5"), tlv(0x86, ia5("http://127.0.0.1/repo").subarray(2))));
// NameConstraints excluding dNSName "x.example" with maximum 5 (RFC 5280 4.2.1.10 says absent).
const ncWithMaximum = seq(tlv(0xa1, seq(tlv(0x82, new TextEncoder().encode("x.example")), tlv(0x81, new Uint8Array([5])))));

const STRICT: StrictCase[] = [
  { rule: "version-3-with-extensions", section: "RFC 5280 4.1.2.1", build: () => eeWith("CN=P v2", { version: 2 }) },
  { rule: "serialNumber-positive", section: "RFC 5280 4.1.2.2", build: () => eeWith("CN=P Serial Zero", { serial: 0 }) },
  { rule: "serialNumber-length", section: "RFC 5280 4.1.2.2", build: () => eeWith("CN=P Serial Long", { serial: 2n ** 168n }) },
  { rule: "validity-encoding", section: "RFC 5280 4.1.2.5", build: () => eeWith("CN=P GeneralizedTime 2025", { timeEncoding: "GeneralizedTime" }) },
  // notBefore UTCTime 241201000000Z, notAfter GeneralizedTime 20500101000000.5Z (the year 2050 form is right; the fraction is not).
  { rule: "validity-whole-seconds", section: "RFC 5280 4.1.2.5", build: () => eeWith("CN=P Fractional Second", { validityDer: seq(tlv(0x17, new TextEncoder().encode("241201000000Z")), tlv(0x18, new TextEncoder().encode("20500101000000.5Z"))) }) },
  { rule: "CA-subject-not-empty", section: "RFC 5280 4.1.2.6", build: () => caWith("CN=P Empty CA", {}) },
  { rule: "uniqueIdentifiers-absent", section: "RFC 5280 4.1.2.8", build: () => eeWith("CN=P Unique ID", { subjectUniqueId: new Uint8Array([1, 2, 3]) }) },
  { rule: "authorityKeyIdentifier-present", section: "RFC 5280 4.2.1.1", build: () => eeWith("CN=P No AKI", { extensions: { authorityKeyIdentifier: false } }) },
  { rule: "authorityKeyIdentifier-keyIdentifier", section: "RFC 5280 4.2.1.1", build: () => eeWith("CN=P AKI Issuer Serial", { extensions: { authorityKeyIdentifier: { keyId: false, issuer: ["dn:CN=Profile CA"], serial: 1 } } }) },
  { rule: "authorityKeyIdentifier-non-critical", section: "RFC 5280 4.2.1.1", build: () => eeWith("CN=P Crit AKI", { extensions: { critical: { authorityKeyIdentifier: true } } }) },
  { rule: "subjectKeyIdentifier-present-in-CA", section: "RFC 5280 4.2.1.2", build: () => caWith("CN=P No SKI CA", { extensions: { subjectKeyIdentifier: false } }, { extensions: { authorityKeyIdentifier: false } }) },
  { rule: "subjectKeyIdentifier-non-critical", section: "RFC 5280 4.2.1.2", build: () => caWith("CN=P Crit SKI CA", { extensions: { critical: { subjectKeyIdentifier: true } } }) },
  { rule: "keyUsage-present-in-CA", section: "RFC 5280 4.2.1.3", build: () => caWith("CN=P No KU CA", { extensions: { keyUsage: null } }) },
  { rule: "keyUsage-some-bit", section: "RFC 5280 4.2.1.3", build: () => eeWith("CN=P No KU Bit", { extensions: { keyUsage: [] } }) },
  { rule: "keyCertSign-requires-cA", section: "RFC 5280 4.2.1.3", build: () => eeWith("CN=P KCS EE", { extensions: { keyUsage: ["digitalSignature", "keyCertSign"] } }) },
  { rule: "policyMappings-critical", section: "RFC 5280 4.2.1.5", build: () => caWith("CN=P Map CA", { extensions: { certificatePolicies: ["1.2.3.1"], policyMappings: [["1.2.3.1", "1.2.3.2"]], critical: { policyMappings: false } } }) },
  { rule: "subjectAltName-critical-when-subject-empty", section: "RFC 5280 4.2.1.6", build: () => ({ ee: p.ee(EMPTY_NAME, ca, { keySeed: "empty-ee", extensions: { subjectAltName: ["dns:a.example"] } }), cas: [ca], at: 0 }) },
  { rule: "subjectAltName-dNSName-syntax", section: "RFC 5280 4.2.1.6", build: () => eeWith("CN=P Bad DNS", { extensions: { subjectAltName: ["dns:exa mple.com"] } }) },
  { rule: "subjectAltName-iPAddress-syntax", section: "RFC 5280 4.2.1.6", build: () => eeWith("CN=P Bad IP", { extensions: { custom: [{ oid: "2.5.29.17", valueDer: seq(tlv(0x87, new Uint8Array([10, 0, 0, 1, 9]))) }] } }) },
  { rule: "subjectAltName-rfc822Name-syntax", section: "RFC 5280 4.2.1.6", build: () => eeWith("CN=P Bad Mailbox", { extensions: { subjectAltName: ["email:a@@example.com"] } }) },
  { rule: "subjectAltName-URI-syntax", section: "RFC 5280 4.2.1.6", build: () => eeWith("CN=P Relative URI", { extensions: { subjectAltName: ["uri:relative/path"] } }) },
  { rule: "basicConstraints-critical-in-CA", section: "RFC 5280 4.2.1.9", build: () => caWith("CN=P BC CA", { extensions: { basicConstraints: { cA: true, critical: false } } }) },
  { rule: "pathLenConstraint-requires-cA-and-keyCertSign", section: "RFC 5280 4.2.1.9", build: () => eeWith("CN=P EE PathLen", { extensions: { basicConstraints: { cA: false, pathLen: 0 } } }) },
  { rule: "nameConstraints-critical", section: "RFC 5280 4.2.1.10", build: () => caWith("CN=P NC CA", { extensions: { nameConstraints: { permitted: ["dns:example.com"] }, critical: { nameConstraints: false } } }, { extensions: { subjectAltName: ["dns:www.example.com"] } }) },
  { rule: "nameConstraints-minimum-maximum", section: "RFC 5280 4.2.1.10", build: () => caWith("CN=P NC Max CA", { extensions: { custom: [{ oid: "2.5.29.30", critical: true, valueDer: ncWithMaximum }] } }) },
  { rule: "nameConstraints-dNSName-syntax", section: "RFC 5280 4.2.1.10", build: () => caWith("CN=P NC Dot CA", { extensions: { nameConstraints: { permitted: ["dns:.example.com"] } } }, { extensions: { subjectAltName: ["dns:www.example.com"] } }) },
  { rule: "policyConstraints-critical", section: "RFC 5280 4.2.1.11", build: () => caWith("CN=P PC CA", { extensions: { policyConstraints: { requireExplicitPolicy: 4 }, critical: { policyConstraints: false } } }) },
  { rule: "inhibitAnyPolicy-critical", section: "RFC 5280 4.2.1.14", build: () => caWith("CN=P IAP CA", { extensions: { inhibitAnyPolicy: 4, critical: { inhibitAnyPolicy: false } } }) },
  // A DistributionPoint holding only reasons (keyCompromise): ReasonFlags [1] IMPLICIT BIT STRING.
  { rule: "crlDistributionPoints-point-or-issuer", section: "RFC 5280 4.2.1.13", build: () => eeWith("CN=P Reasons DP", { extensions: { custom: [{ oid: "2.5.29.31", valueDer: seq(seq(tlv(0x81, new Uint8Array([0x06, 0x40])))) }] } }) },
  { rule: "authorityInfoAccess-non-critical", section: "RFC 5280 4.2.2.1", build: () => eeWith("CN=P Crit AIA", { extensions: { authorityInfoAccess: { caIssuers: ["http://127.0.0.1/ca.cer"] }, critical: { authorityInfoAccess: true } } }) },
  { rule: "subjectInfoAccess-non-critical", section: "RFC 5280 4.2.2.2", build: () => caWith("CN=P Crit SIA CA", { extensions: { custom: [{ oid: "1.3.6.1.5.5.7.1.11", critical: true, valueDer: sia }] } }) },
];

// The CA with an empty subject: its subject is written as an empty Name.
STRICT.find((c) => c.rule === "CA-subject-not-empty")!.build = () => {
  const c = p.ca(EMPTY_NAME, root, { keySeed: "empty-ca", extensions: { subjectAltName: ["dns:ca.example"], critical: { subjectAltName: true } } });
  return { ee: p.ee("CN=EE of Empty CA", c), cas: [c], at: 1 };
};

describe("strict-profile rules: PROFILE in strict, a deviation in the default profile", () => {
  it("a clean generated path has no deviations", async () => {
    const r = await go(p.ee("CN=P Clean", ca), [ca]);
    expectValid(r);
    expect(r.deviations).toEqual([]);
  });

  for (const c of STRICT) {
    describe(`${c.rule} (${c.section})`, () => {
      const built = c.build();
      it("default profile: valid, the rule listed as a deviation of that certificate", async () => {
        const r = await go(built.ee, built.cas);
        expectValid(r);
        expect(r.deviations).toContainEqual({ certIndex: built.at, rule: c.rule, section: c.section });
      });
      it("strict profile: PROFILE at that certificate, citing the section", async () => {
        const r = await go(built.ee, built.cas, "strict");
        expectError(r, "PROFILE", built.at, undefined, c.section);
        expect(r.error!.message).toContain(c.rule);
        expect(r.deviations).toBeUndefined(); // an invalid result lists none
      });
    });
  }

  describe("issuer-not-empty (RFC 5280 4.1.2.4): an anchor with an empty name, its certificate not checked", () => {
    const empty = p.root(EMPTY_NAME, { keySeed: "empty-root", extensions: { subjectAltName: ["dns:root.example"], critical: { subjectAltName: true } } });
    const ee = p.ee("CN=P EE Of Empty Root", empty);
    const with_ = (o: object) => run(ee, { anchors: [empty], options: { enforceAnchorConstraints: false, ...o } });
    it("default: valid, the target's empty issuer a deviation", async () => {
      const r = await with_({});
      expectValid(r);
      expect(r.deviations).toEqual([{ certIndex: 0, rule: "issuer-not-empty", section: "RFC 5280 4.1.2.4" }]);
    });
    it("strict: PROFILE at the target", async () => {
      const r = await with_({ profile: "strict" });
      expectError(r, "PROFILE", 0, "CN=P EE Of Empty Root", "RFC 5280 4.1.2.4");
      expect(r.error!.message).toContain("issuer-not-empty");
    });
  });

  describe("the anchor certificate obeys the same rules when anchor constraints apply", () => {
    const loose = p.root("CN=Profile Loose Root", { extensions: { basicConstraints: { cA: true, critical: false } } });
    const under = p.ca("CN=Profile Under Loose", loose);
    const ee = p.ee("CN=Profile EE Loose", under);
    const with_ = (o: object) => run(ee, { intermediates: [under], anchors: [loose], options: o });
    it("default: valid, deviation at the anchor's index", async () => {
      const r = await with_({});
      expectValid(r);
      expect(r.deviations).toEqual([{ certIndex: 2, rule: "basicConstraints-critical-in-CA", section: "RFC 5280 4.2.1.9" }]);
    });
    it("strict: PROFILE at the anchor", async () => {
      expectError(await with_({ profile: "strict" }), "PROFILE", 2, "CN=Profile Loose Root", "RFC 5280 4.2.1.9");
    });
    it("strict with enforceAnchorConstraints false: the anchor is a name and a key, nothing to check", async () => {
      const r = await with_({ profile: "strict", enforceAnchorConstraints: false });
      expectValid(r);
    });
  });
});

describe("rfc5280-profile rules: fail in both profiles", () => {
  const both = async (ee: Entity, cas: Entity[], code: "PROFILE" | "NAME_CONSTRAINTS", at: number, section: string, rule: string) => {
    for (const profile of ["rfc5280", "strict"] as const) {
      const r = await go(ee, cas, profile);
      expectError(r, code, at, undefined, section);
      expect(r.error!.message).toContain(rule);
    }
  };
  it("nameConstraints in an end-entity certificate (RFC 5280 4.2.1.10)", async () => {
    const ee = p.ee("CN=P EE With NC", ca, { extensions: { nameConstraints: { permitted: ["dns:example.com"] } } });
    await both(ee, [ca], "PROFILE", 0, "RFC 5280 4.2.1.10", "nameConstraints-only-in-CA");
  });
  it("an empty extendedKeyUsage (RFC 5280 4.2.1.12)", async () => {
    const ee = p.ee("CN=P Empty EKU", ca, { extensions: { extKeyUsage: [] } });
    await both(ee, [ca], "PROFILE", 0, "RFC 5280 4.2.1.12", "extKeyUsage-not-empty");
  });
  it("an empty certificatePolicies (RFC 5280 4.2.1.4)", async () => {
    const c = p.ca("CN=P Empty CP CA", root, { extensions: { certificatePolicies: [] } });
    await both(p.ee("CN=P EE Empty CP", c), [c], "PROFILE", 1, "RFC 5280 4.2.1.4", "certificatePolicies-not-empty");
  });
  it("an empty subjectAltName (RFC 5280 4.2.1.6)", async () => {
    const ee = p.ee("CN=P Empty SAN", ca, { extensions: { subjectAltName: [] } });
    await both(ee, [ca], "PROFILE", 0, "RFC 5280 4.2.1.6", "subjectAltName-not-empty");
  });
  // Malformed subtrees of each syntax-checked form (the iPAddress mask cases are in name-constraints.test.ts).
  for (const [form, subtree] of [["dNSName", "dns:exa mple.com"], ["rfc822Name", "email:a@@example.com"], ["URI", "uri:http://example.com/"]] as const) {
    it(`a nameConstraints ${form} subtree of invalid syntax (RFC 5280 4.2.1.10)`, async () => {
      const c = p.ca(`CN=P Bad ${form} NC CA`, root, { extensions: { nameConstraints: { excluded: [subtree] } } });
      await both(p.ee(`CN=P EE Bad ${form} NC`, c), [c], "NAME_CONSTRAINTS", 1, "RFC 5280 4.2.1.10", "nameConstraints-well-formed");
    });
  }
  it("a 5-octet iPAddress nameConstraints subtree (RFC 5280 4.2.1.10: 8 or 32 octets)", async () => {
    const nc = seq(tlv(0xa1, seq(tlv(0x87, new Uint8Array([10, 0, 0, 0, 255])))));
    const c = p.ca("CN=P Bad IP NC CA", root, { extensions: { custom: [{ oid: "2.5.29.30", critical: true, valueDer: nc }] } });
    await both(p.ee("CN=P EE Bad IP NC", c), [c], "NAME_CONSTRAINTS", 1, "RFC 5280 4.2.1.10", "nameConstraints-well-formed");
  });
  // The other SEQUENCE SIZE (1..MAX) extensions, each written as an empty SEQUENCE.
  const EMPTY_SEQ = new Uint8Array([0x30, 0x00]);
  const emptyExtension: [string, string, string, boolean, string, string][] = [
    // [title, OID, written in, critical, section, rule]
    ["an empty issuerAltName", "2.5.29.18", "EE", false, "RFC 5280 4.2.1.7", "issuerAltName-not-empty"],
    ["an empty cRLDistributionPoints", "2.5.29.31", "EE", false, "RFC 5280 4.2.1.13", "crlDistributionPoints-not-empty"],
    ["an empty freshestCRL", "2.5.29.46", "EE", false, "RFC 5280 4.2.1.13", "crlDistributionPoints-not-empty"],
    ["an empty authorityInfoAccess", "1.3.6.1.5.5.7.1.1", "EE", false, "RFC 5280 4.2.2.1", "infoAccess-not-empty"],
    ["an empty subjectInfoAccess", "1.3.6.1.5.5.7.1.11", "EE", false, "RFC 5280 4.2.2.1", "infoAccess-not-empty"],
    ["an empty policyMappings", "2.5.29.33", "CA", true, "RFC 5280 4.2.1.5", "policyMappings-not-empty"],
    ["an empty nameConstraints", "2.5.29.30", "CA", true, "RFC 5280 4.2.1.10", "nameConstraints-not-empty"],
  ];
  for (const [title, extOid, where, critical, section, rule] of emptyExtension) {
    it(`${title} (${section})`, async () => {
      const custom = [{ oid: extOid, critical, valueDer: EMPTY_SEQ }];
      if (where === "EE") {
        const ee = p.ee(`CN=P Empty ${extOid}`, ca, { extensions: { custom } });
        await both(ee, [ca], "PROFILE", 0, section, rule);
      } else {
        const c = p.ca(`CN=P Empty ${extOid} CA`, root, { extensions: { custom } });
        await both(p.ee(`CN=P EE Empty ${extOid}`, c), [c], "PROFILE", 1, section, rule);
      }
    });
  }
});

describe("time at one-second granularity (RFC 5280 4.1.2.5)", () => {
  const ee = p.ee("CN=P Edge EE", ca, { notAfter: 1 }); // notAfter = NOW + 1 day, whole seconds
  const edge = new Date(p.now.getTime() + 86_400_000);
  it("valid 500 ms after notAfter: the time is truncated to the second", async () => {
    expectValid(await go(ee, [ca], undefined, { time: new Date(edge.getTime() + 500) }));
  });
  it("expired one second after notAfter", async () => {
    expectError(await go(ee, [ca], undefined, { time: new Date(edge.getTime() + 1000) }), "EXPIRED", 0, "CN=P Edge EE", "RFC 5280 6.1.3 (a)(2)");
  });
});

describe("CRLs need a non-critical cRLNumber (RFC 5280 5.2.3)", () => {
  const ee = p.ee("CN=P CRL EE", ca);
  const hard = (crls: { der: Uint8Array }[]) => run(ee, { intermediates: [ca], anchors: [root], crls: [...crls, p.crl(root)], options: { revocation: { mode: "hard" } } });
  it("a CRL with a cRLNumber is used", async () => {
    expectValid(await hard([p.crl(ca)]));
  });
  it("a CRL without cRLNumber is not used: status unknown, hard mode fails", async () => {
    const r = await hard([p.crl(ca, { crlNumber: null })]);
    expectError(r, "REVOCATION_UNKNOWN", 0, "CN=P CRL EE", "RFC 5280 6.3.3 (k)");
    expect(r.error!.message).toContain("it has no cRLNumber, which a CRL MUST carry (RFC 5280 5.2.3)");
  });
  it("a CRL whose cRLNumber is critical is not used", async () => {
    const r = await hard([p.crl(ca, { crlNumber: null, custom: [{ oid: "2.5.29.20", critical: true, valueDer: integer(7) }] })]);
    expectError(r, "REVOCATION_UNKNOWN", 0, "CN=P CRL EE", "RFC 5280 6.3.3 (k)");
    expect(r.error!.message).toContain("its cRLNumber is marked critical, which it MUST NOT be (RFC 5280 5.2.3)");
  });
});

/** The rows of the rule tables in a README section: [rule, what, section, profile]. */
const tableRows = (section: string) =>
  [...section.matchAll(/^\| `([^`]+)` \| (.*?) \| (RFC [^|]+) \| (both|strict \(a deviation in rfc5280\)) \|$/gm)].map((m) => [m[1], m[2], m[3], m[4]]);

describe("README \"Profiles\" table", () => {
  it("lists exactly PROFILE_RULES, in order, with their sections and profiles", async () => {
    const { readFileSync } = await import("node:fs");
    const { PROFILE_RULES } = await import("../../src/validate/profile.js");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Profiles"), readme.indexOf("### CRL rules"));
    expect(tableRows(section)).toEqual(PROFILE_RULES.map((r) => [r.id, r.what, r.section, r.profile === "strict" ? "strict (a deviation in rfc5280)" : "both"]));
  });
  it("its CRL table lists exactly CRL_PROFILE_RULES, in order", async () => {
    const { readFileSync } = await import("node:fs");
    const { CRL_PROFILE_RULES } = await import("../../src/revocation/crl-profile.js");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("### CRL rules"), readme.indexOf("## Revocation"));
    expect(tableRows(section)).toEqual(CRL_PROFILE_RULES.map((r) => [r.id, r.what, r.section, r.profile === "strict" ? "strict (a deviation in rfc5280)" : "both"]));
  });
});
