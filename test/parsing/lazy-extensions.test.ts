// Extensions decoded on first use (src/parsing/certificate.ts): a malformed one still fails
// the parse with exactly the MALFORMED_CERTIFICATE message the eager parser gave (recorded
// from main at 4bcafd6, before the change), and a well-formed one is decoded once, when it
// is first read (counters, not time). Values are built here by hand (hex DER); the library
// (@peculiar/asn1-x509) is the oracle for the decoded values.
import { describe, expect, it } from "vitest";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AuthorityInfoAccessSyntax, Certificate as AsnCertificate, CertificatePolicies, CRLDistributionPoints, ExtendedKeyUsage } from "@peculiar/asn1-x509";
import { lazyExtensionStats, parseCertificate } from "../../src/parsing/certificate.js";
import { verify } from "../../src/index.js";
import { TestPki } from "../../testsuite/src/generate/pki.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const p = new TestPki({ now: NOW, seed: "lazy-extensions" });
const root = p.root("CN=Lazy Root");
const ca = p.ca("CN=Lazy CA", root);
const hex = (x: string) => Uint8Array.from(Buffer.from(x.replace(/ /g, ""), "hex"));

/** [label, extension OID, extnValue hex, the eager parser's message after "target: "]. */
const MALFORMED: [string, string, string, string][] = [
  // SAN and nameConstraints: read by general-name.ts since the certificate parser shares it
  // (same code; the wording of these three messages is general-name.ts's).
  ["SAN holding an INTEGER", "2.5.29.17", "30 03 02 01 05", "extension 2.5.29.17 cannot be decoded: tag 0x2 is not a GeneralName (RFC 5280 4.2.1.6)"],
  ["SAN directoryName that is not a Name", "2.5.29.17", "30 04 a4 02 05 00", "extension 2.5.29.17 cannot be decoded: directoryName is not one Name"],
  ["certificatePolicies holding an INTEGER", "2.5.29.32", "30 03 02 01 01", "extension 2.5.29.32 cannot be decoded: Data does not match to PolicyInformation ASN1 schema."],
  ["certificatePolicies naming 1.2.3.4 twice", "2.5.29.32", "30 0e 30 05 06 03 2a 03 04 30 05 06 03 2a 03 04", "policy 1.2.3.4 appears twice in certificatePolicies (RFC 5280 4.2.1.4)"],
  ["policyMappings without its subjectDomainPolicy", "2.5.29.33", "30 05 30 03 06 01 2a", "extension 2.5.29.33 cannot be decoded: Data does not match to PolicyMapping ASN1 schema. Inconsistent length between ASN.1 data and schema"],
  ["nameConstraints subtree that is an INTEGER", "2.5.29.30", "30 05 a0 03 02 01 01", "extension 2.5.29.30 cannot be decoded: a GeneralSubtree has tag 0x2, expected SEQUENCE"],
  ["nameConstraints with [1] before [0]", "2.5.29.30", "30 0e a1 06 30 04 82 02 61 62 a0 04 30 02 82 00", "extension 2.5.29.30 cannot be decoded: unexpected element after the fields of NameConstraints (RFC 5280 4.2.1.10: [0] permittedSubtrees then [1] excludedSubtrees)"],
  ["AIA holding an INTEGER", "1.3.6.1.5.5.7.1.1", "30 03 02 01 01", "extension 1.3.6.1.5.5.7.1.1 cannot be decoded: Data does not match to AccessDescription ASN1 schema."],
  ["AIA AccessDescription without a location", "1.3.6.1.5.5.7.1.1", "30 07 30 05 06 03 2b 06 01", "extension 1.3.6.1.5.5.7.1.1 cannot be decoded: Data does not match to AccessDescription ASN1 schema. Inconsistent length between ASN.1 data and schema"],
  ["SIA holding an INTEGER", "1.3.6.1.5.5.7.1.11", "30 03 02 01 01", "extension 1.3.6.1.5.5.7.1.11 cannot be decoded: Data does not match to AccessDescription ASN1 schema."],
  ["CRLDP holding an INTEGER", "2.5.29.31", "30 03 02 01 01", "extension 2.5.29.31 cannot be decoded: Data does not match to DistributionPoint ASN1 schema."],
  ["freshestCRL holding an INTEGER", "2.5.29.46", "30 03 02 01 01", "extension 2.5.29.46 cannot be decoded: Data does not match to DistributionPoint ASN1 schema."],
  ["issuerAltName holding an INTEGER", "2.5.29.18", "30 03 02 01 05", "extension 2.5.29.18 cannot be decoded: Data does not match to GeneralName ASN1 schema. Wrong values for Choice type"],
];

describe("extensions decoded on first use", () => {
  it("a malformed SAN, policies, mappings, NC, AIA/SIA, CRLDP/freshestCRL or IAN fails the parse with the eager parser's exact message", () => {
    for (const [label, oid, value, message] of MALFORMED) {
      const e = p.ee(`CN=${label}`, ca, { extensions: { custom: [{ oid, valueDer: hex(value) }] } });
      let err: { code?: string; message?: string } | undefined;
      try {
        parseCertificate(e.der, "target");
      } catch (x) {
        err = x as { code?: string; message?: string };
      }
      expect(err?.code, label).toBe("MALFORMED_CERTIFICATE");
      expect(err?.message, label).toBe(`target: ${message}`);
    }
  });

  it("verify() reports a malformed target extension as before: MALFORMED_CERTIFICATE, certIndex 0, the same message", async () => {
    const [, oid, value, message] = MALFORMED[2]!;
    const e = p.ee("CN=Lazy Bad Policies EE", ca, { extensions: { custom: [{ oid, valueDer: hex(value) }] } });
    const r = await verify({ target: e.der, intermediates: [ca.der], trustAnchors: [root.der], time: NOW });
    expect(r.valid).toBe(false);
    expect(r.error?.code).toBe("MALFORMED_CERTIFICATE");
    expect(r.error?.certIndex).toBe(0);
    expect(r.error?.message).toBe(`target: ${message}`);
  });

  it("well-formed extensions are deferred at parse time, decoded once on first read, equal to the library's decode", () => {
    const full = p.ca("CN=Lazy Full", root, {
      extensions: {
        certificatePolicies: ["1.2.3.4", "1.2.3.9"],
        policyMappings: [["1.2.3.4", "1.2.3.5"]],
        nameConstraints: { permitted: ["dns:example.com", "ip:10.0.0.0/8"], excluded: ["email:bad.example.com"] },
        subjectAltName: ["dns:ca.example.com", "uri:http://example.com/"],
        crlDistributionPoints: ["http://127.0.0.1/crl"],
        authorityInfoAccess: { caIssuers: ["http://127.0.0.1/ca.cer"], ocsp: ["http://127.0.0.1/ocsp"] },
        extKeyUsage: ["OCSPSigning"],
      },
    });
    const before = { ...lazyExtensionStats };
    const c = parseCertificate(full.der, "full");
    // Seven extensions deferred, none decoded yet.
    expect(lazyExtensionStats.deferred - before.deferred).toBe(7);
    expect(lazyExtensionStats.decodedAtParse - before.decodedAtParse).toBe(0);
    expect(lazyExtensionStats.decodedOnUse - before.decodedOnUse).toBe(0);
    expect(c.policies?.map((q) => q.policy)).toEqual(["1.2.3.4", "1.2.3.9"]);
    expect(lazyExtensionStats.decodedOnUse - before.decodedOnUse).toBe(1);
    // Memoised: the same object, no second decode.
    expect(c.policies).toBe(c.policies);
    expect(lazyExtensionStats.decodedOnUse - before.decodedOnUse).toBe(1);
    expect(c.policyMappings).toEqual([{ issuerDomainPolicy: "1.2.3.4", subjectDomainPolicy: "1.2.3.5" }]);
    expect(c.subjectAltName).toEqual([
      { kind: "dNSName", value: "ca.example.com" },
      { kind: "uniformResourceIdentifier", value: "http://example.com/" },
    ]);
    expect(c.nameConstraints?.permitted?.map((s) => s.base.kind)).toEqual(["dNSName", "iPAddress"]);
    expect(c.nameConstraints?.excluded?.map((s) => s.base.kind)).toEqual(["rfc822Name"]);
    expect(c.crlDistributionPoints?.[0]?.name?.fullName).toEqual([{ kind: "uniformResourceIdentifier", value: "http://127.0.0.1/crl" }]);
    expect(c.authorityInfoAccess?.map((a) => a.method)).toEqual(["1.3.6.1.5.5.7.48.1", "1.3.6.1.5.5.7.48.2"]);
    expect(c.extKeyUsage).toEqual(["1.3.6.1.5.5.7.3.9"]);
    expect(lazyExtensionStats.decodedOnUse - before.decodedOnUse).toBe(7);
    // Absent extensions read as undefined without decoding anything.
    expect(c.issuerAltName).toBeUndefined();
    expect(c.freshestCrl).toBeUndefined();
    expect(lazyExtensionStats.decodedOnUse - before.decodedOnUse).toBe(7);
  });

  it("the lazily decoded values equal the library's decode of the same extensions", () => {
    const e = p.ee("CN=Lazy Oracle EE", ca, {
      extensions: {
        certificatePolicies: ["1.2.3.4"],
        crlDistributionPoints: ["http://127.0.0.1/a.crl", "http://127.0.0.1/b.crl"],
        authorityInfoAccess: { caIssuers: ["http://127.0.0.1/ca.cer"] },
        extKeyUsage: ["serverAuth", "clientAuth"],
      },
    });
    const c = parseCertificate(e.der, "oracle");
    const lib = AsnConvert.parse(e.der, AsnCertificate).tbsCertificate.extensions!;
    const value = (oid: string) => lib.find((x) => x.extnID === oid)!.extnValue.buffer;
    expect(c.policies?.map((q) => q.policy)).toEqual([...AsnConvert.parse(value("2.5.29.32"), CertificatePolicies)].map((q) => q.policyIdentifier));
    expect(c.crlDistributionPoints?.map((d) => d.name?.fullName?.[0])).toEqual(
      [...AsnConvert.parse(value("2.5.29.31"), CRLDistributionPoints)].map((d) => ({ kind: "uniformResourceIdentifier", value: d.distributionPoint!.fullName![0]!.uniformResourceIdentifier })),
    );
    expect(c.authorityInfoAccess?.map((a) => a.method)).toEqual([...AsnConvert.parse(value("1.3.6.1.5.5.7.1.1"), AuthorityInfoAccessSyntax)].map((a) => a.accessMethod));
    expect(c.extKeyUsage).toEqual([...AsnConvert.parse(value("2.5.29.37"), ExtendedKeyUsage)].map(String));
    expect(c.policyMappings).toBeUndefined();
  });
});
