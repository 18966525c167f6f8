// The certificate parser splits TBSCertificate by position (src/parsing/certificate.ts,
// for speed) and decodes each field with @peculiar/asn1-x509. This checks the split
// against the library's own full decode of every PKITS certificate and of generated
// certificates exercising versions, unique IDs and every extension kind.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AuthorityKeyIdentifier, BasicConstraints, Certificate as AsnCertificate, KeyUsage, SubjectKeyIdentifier } from "@peculiar/asn1-x509";
import { parseCertificate } from "../../src/parsing/certificate.js";
import { dnFromAsn } from "../../src/parsing/name.js";
import { bytesToBigInt } from "../../src/parsing/der.js";
import { TestPki } from "../../testsuite/src/generate/pki.js";

function expectSameAsLibrary(der: Uint8Array, label: string): void {
  const ours = parseCertificate(der, label);
  const lib = AsnConvert.parse(der, AsnCertificate) as AsnCertificate & { tbsCertificateRaw?: ArrayBuffer };
  const t = lib.tbsCertificate;
  expect(Buffer.from(ours.tbs).equals(Buffer.from(new Uint8Array(lib.tbsCertificateRaw!))), `${label} tbs`).toBe(true);
  expect(Buffer.from(ours.signature).equals(Buffer.from(new Uint8Array(lib.signatureValue))), `${label} signature`).toBe(true);
  expect(ours.signatureAlgorithm.oid, label).toBe(lib.signatureAlgorithm.algorithm);
  expect(ours.tbsSignatureAlgorithm.oid, label).toBe(t.signature.algorithm);
  expect(ours.version, label).toBe((t.version ?? 0) + 1);
  expect(ours.serial, label).toBe(bytesToBigInt(t.serialNumber).toString(16));
  expect(ours.issuer.key, label).toBe(dnFromAsn(t.issuer).key);
  expect(ours.subject.key, label).toBe(dnFromAsn(t.subject).key);
  expect(ours.subject.text, label).toBe(dnFromAsn(t.subject).text);
  expect(ours.issuer.text, label).toBe(dnFromAsn(t.issuer).text);
  expect(ours.notBefore.getTime(), label).toBe(t.validity.notBefore.getTime().getTime());
  expect(ours.notAfter.getTime(), label).toBe(t.validity.notAfter.getTime().getTime());
  expect(Buffer.from(ours.publicKey.spki).equals(Buffer.from(AsnConvert.serialize(t.subjectPublicKeyInfo))), `${label} spki`).toBe(true);
  // The SubjectPublicKeyInfo is read with the DER reader (certificate.ts): its fields against the library's.
  expect(ours.publicKey.algorithm.oid, label).toBe(t.subjectPublicKeyInfo.algorithm.algorithm);
  const params = t.subjectPublicKeyInfo.algorithm.parameters;
  expect(ours.publicKey.algorithm.params ? Buffer.from(ours.publicKey.algorithm.params).toString("hex") : undefined, `${label} key params`).toBe(
    params === undefined ? undefined : params === null ? "0500" : Buffer.from(new Uint8Array(params)).toString("hex"),
  );
  expect(Buffer.from(ours.publicKey.keyBytes).equals(Buffer.from(new Uint8Array(t.subjectPublicKeyInfo.subjectPublicKey))), `${label} key`).toBe(true);
  expect(ours.extensions.map((e) => `${e.oid}/${e.critical}`), label).toEqual((t.extensions ?? []).map((e) => `${e.extnID}/${e.critical}`));
  // The four extensions read by the walker, against the library's decoders.
  const ext = (oid: string) => t.extensions?.find((e) => e.extnID === oid)?.extnValue.buffer;
  const hex = (b: ArrayBuffer) => Buffer.from(b).toString("hex");
  const bc = ext("2.5.29.19");
  if (bc) {
    const l = AsnConvert.parse(bc, BasicConstraints);
    expect(ours.basicConstraints, label).toEqual({ cA: l.cA, pathLen: l.pathLenConstraint });
  }
  const ku = ext("2.5.29.15");
  if (ku) {
    const l = AsnConvert.parse(ku, KeyUsage);
    const mask = [...new Uint8Array(l.value)].reduce((m, byte, i) => m | [...Array(8)].reduce((mm, _, b) => (byte & (0x80 >> b) ? mm | (1 << (i * 8 + b)) : mm), 0), 0);
    expect(ours.keyUsage, label).toBe(mask);
  }
  const ski = ext("2.5.29.14");
  if (ski) expect(ours.subjectKeyId, label).toBe(hex(AsnConvert.parse(ski, SubjectKeyIdentifier).buffer));
  const aki = ext("2.5.29.35");
  if (aki) {
    const l = AsnConvert.parse(aki, AuthorityKeyIdentifier);
    expect(ours.authorityKeyId?.keyId, label).toBe(l.keyIdentifier ? hex(l.keyIdentifier.buffer) : undefined);
    expect(ours.authorityKeyId?.serial, label).toBe(l.authorityCertSerialNumber ? bytesToBigInt(l.authorityCertSerialNumber).toString(16) : undefined);
  }
}

describe("certificate field split", () => {
  it("agrees with the library's full decode on all 405 PKITS certificates", () => {
    const dir = "testsuite/vectors/pkits/certs/";
    const files = readdirSync(dir);
    expect(files.length).toBe(405);
    for (const f of files) expectSameAsLibrary(new Uint8Array(readFileSync(dir + f)), f);
  });

  it("agrees on generated certificates: v1, every extension kind, long serials, GeneralizedTime", () => {
    const p = new TestPki({ now: new Date("2026-01-01T00:00:00Z"), seed: "split" });
    const root = p.root("CN=Split Root");
    const v1 = p.ca("CN=Split V1", root, { version: 1 });
    const utf8 = p.ca("CN=Ünïcödé CA,O=Ex\\, Inc.+OU=Multi,C=US", root, { stringEncoding: "utf8", notBefore: new Date("1999-12-31T23:59:59Z") });
    const full = p.ca("CN=Split Full", root, {
      serial: 2n ** 150n + 7n,
      notAfter: new Date("2060-01-01T00:00:00Z"),
      extensions: {
        certificatePolicies: ["1.2.3.4"],
        policyMappings: [["1.2.3.4", "1.2.3.5"]],
        policyConstraints: { requireExplicitPolicy: 1, inhibitPolicyMapping: 2 },
        inhibitAnyPolicy: 0,
        nameConstraints: { permitted: ["dns:example.com", "ip:10.0.0.0/8"], excluded: ["email:bad.example.com"] },
        subjectAltName: ["dns:ca.example.com", "uri:http://example.com/"],
        crlDistributionPoints: ["http://127.0.0.1/crl"],
        authorityInfoAccess: { caIssuers: ["http://127.0.0.1/ca.cer"], ocsp: ["http://127.0.0.1/ocsp"] },
        extKeyUsage: ["OCSPSigning"],
      },
    });
    for (const [label, e] of [["v1", v1], ["full", full], ["root", root], ["utf8", utf8]] as const) expectSameAsLibrary(e.der, label);
  });
});

describe("CRL field split", () => {
  it("agrees with the library's full decode on all 173 PKITS CRLs (all have a nextUpdate)", async () => {
    const { parseCrl } = await import("../../src/parsing/crl.js");
    const { CertificateList } = await import("@peculiar/asn1-x509");
    const dir = "testsuite/vectors/pkits/crls/";
    const files = readdirSync(dir);
    expect(files.length).toBe(173);
    for (const f of files) {
      const der = new Uint8Array(readFileSync(dir + f));
      const ours = parseCrl(der, f);
      const lib = AsnConvert.parse(der, CertificateList) as InstanceType<typeof CertificateList> & { tbsCertListRaw?: ArrayBuffer };
      const t = lib.tbsCertList;
      expect(Buffer.from(ours.tbs).equals(Buffer.from(new Uint8Array(lib.tbsCertListRaw!))), f).toBe(true);
      expect(Buffer.from(ours.signature).equals(Buffer.from(new Uint8Array(lib.signature))), f).toBe(true);
      expect(ours.issuer.key, f).toBe(dnFromAsn(t.issuer).key);
      expect(ours.thisUpdate.getTime(), f).toBe(t.thisUpdate.getTime().getTime());
      expect(ours.nextUpdate?.getTime(), f).toBe(t.nextUpdate?.getTime().getTime());
      expect(ours.revoked.entries().map((e) => e.serial), f).toEqual((t.revokedCertificates ?? []).map((r) => bytesToBigInt(r.userCertificate).toString(16)));
    }
  });
});
