// The test-PKI generator (testsuite/src/generate): the same description always gives the same
// bytes, and what it writes is what was asked for, as OpenSSL and certpath's own
// parser read it back (every extension present, critical as specified, decoded to the
// requested values), in DER (BOOLEAN DEFAULT FALSE omitted, minimal INTEGERs and
// named-bit BIT STRINGs, UTCTime / GeneralizedTime by year).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate as AsnCertificate, CertificateList as AsnCertificateList, type Extension as AsnExtension } from "@peculiar/asn1-x509";
import { verify } from "../src/index.js";
import { KU, parseCertificate, type Certificate } from "../src/parsing/certificate.js";
import { parseCrl } from "../src/parsing/crl.js";
import type { GeneralName } from "../src/parsing/name.js";
import { generateKey, issueCertificate, issueCrl, keyIdentifier, TestPki, type CertificateSpec } from "../testsuite/src/generate/pki.js";

const OPENSSL = "/usr/bin/openssl";
const NOW = new Date("2025-01-01T00:00:00Z");
const hex = (b: Uint8Array | ArrayBuffer) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString("hex");
const sha256 = (parts: readonly Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash("sha256")).digest("hex");

/** `openssl x509|crl -inform der -noout -text`: throws (non-zero exit) if OpenSSL cannot parse the DER. */
function openssl(kind: "x509" | "crl", der: Uint8Array): string {
  return execFileSync(OPENSSL, [kind, "-inform", "der", "-noout", "-text"], { input: der, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
}

/** The extensions of a certificate or CRL as the ASN.1 library decodes them, by OID. */
function asnExtensions(exts: readonly AsnExtension[] | undefined): Map<string, { critical: boolean; value: string }> {
  return new Map((exts ?? []).map((e) => [e.extnID, { critical: e.critical, value: hex(e.extnValue.buffer) }]));
}
const certExtensions = (der: Uint8Array) => asnExtensions(AsnConvert.parse(der, AsnCertificate).tbsCertificate.extensions);
const crlExtensions = (der: Uint8Array) => asnExtensions(AsnConvert.parse(der, AsnCertificateList).tbsCertList.crlExtensions);

const gnText = (g: GeneralName) => {
  switch (g.kind) {
    case "directoryName":
      return `dn:${g.name.text}`;
    case "iPAddress":
      return `ip:${hex(g.bytes)}`;
    case "dNSName":
      return `dns:${g.value}`;
    case "rfc822Name":
      return `email:${g.value}`;
    case "uniformResourceIdentifier":
      return `uri:${g.value}`;
    case "registeredID":
      return `rid:${g.value}`;
    default:
      return g.kind;
  }
};

const CA_EXTENSIONS = {
  certificatePolicies: ["1.2.3.1", { oid: "1.2.3.2", cps: "http://cps.example/", userNotice: "Notice" }],
  policyMappings: [["1.2.3.1", "1.2.3.9"] as const],
  policyConstraints: { requireExplicitPolicy: 0, inhibitPolicyMapping: 300 },
  inhibitAnyPolicy: 0,
  nameConstraints: { permitted: ["dns:example.com", "ip:10.0.0.0/8", "ip:2001:db8::/32", "dn:O=Gen,C=US"], excluded: ["email:bad.example.com", "ip:10.66.0.0/16"] },
  subjectAltName: ["dns:ca.example.com", "ip:10.1.2.3", "ip:2001:db8::1", "email:ca@example.com", "uri:http://ca.example/", "dn:CN=Alt,O=Gen", "rid:1.2.3.4"],
  crlDistributionPoints: [
    "uri:http://crl.example/ca.crl",
    { fullName: ["uri:ldap://crl.example/ca"], reasons: ["keyCompromise", "cACompromise"], crlIssuer: ["dn:CN=CRL Issuer,O=Gen,C=US"] },
    { relativeName: "OU=CRL1" },
  ],
  authorityInfoAccess: { ocsp: ["http://ocsp.example/"], caIssuers: ["http://ca.example/root.crt"] },
} satisfies NonNullable<Parameters<TestPki["ca"]>[2]>["extensions"];

/** One PKI of every feature, built from scratch: root, a CA with every path-processing extension, end entities, CRLs. */
function buildPki() {
  const p = new TestPki({ now: NOW, seed: "generate-test" });
  const root = p.root("CN=Gen Root,O=Gen,C=US");
  const ca = p.ca("CN=Gen CA,O=Gen,C=US", root, { pathLen: 1, notAfter: new Date("2050-06-01T00:00:00Z"), extensions: CA_EXTENSIONS });
  const ee = p.ee("CN=Gen EE,O=Gen,C=US", ca, {
    serial: 0x80,
    extensions: { subjectAltName: ["dns:www.example.com", "ip:10.1.2.3"], basicConstraints: { cA: false }, keyUsage: ["digitalSignature"] },
  });
  const revoked = p.ee("CN=Gen Revoked,O=Gen,C=US", ca, { extensions: { subjectAltName: ["dns:gone.example.com"] } });
  const crl = p.crl(ca, {
    revoked: [
      { cert: revoked, reason: "keyCompromise", invalidityDate: new Date("2024-12-01T00:00:00Z") },
      { cert: 0x80n, reason: "cACompromise", certificateIssuer: ["dn:CN=Other CA,O=Gen,C=US"] },
      { cert: 7n, reason: "removeFromCRL" },
    ],
    issuingDistributionPoint: { fullName: ["uri:http://crl.example/ca.crl"], onlyContainsUserCerts: true, onlySomeReasons: ["keyCompromise", "aACompromise"], indirectCRL: true },
  });
  const delta = p.crl(ca, { deltaBase: 1, crlNumber: 2n ** 70n });
  const rootCrl = p.crl(root);
  return { p, root, ca, ee, revoked, crl, delta, rootCrl };
}

const ders = (x: ReturnType<typeof buildPki>) => [x.root, x.ca, x.ee, x.revoked, x.crl, x.delta, x.rootCrl].map((e) => e.der);

describe("determinism", () => {
  it("the same description twice gives byte-identical certificates and CRLs", () => {
    const a = ders(buildPki());
    const b = ders(buildPki());
    expect(b.map(hex)).toEqual(a.map(hex));
  });

  it("issueCertificate / issueCrl: the same spec twice gives the same bytes", () => {
    const issuer = { name: "CN=Spec CA", key: generateKey("ed25519", "spec-ca") };
    const spec: CertificateSpec = {
      subject: "CN=Spec EE",
      issuer,
      subjectKey: generateKey("ed25519", "spec-ee"),
      notBefore: NOW,
      notAfter: new Date("2026-01-01T00:00:00Z"),
      extensions: CA_EXTENSIONS,
    };
    expect(hex(issueCertificate(spec).der)).toBe(hex(issueCertificate(spec).der));
    const crlSpec = { issuer, thisUpdate: NOW, crlNumber: 3, entries: [{ serial: 9, revocationDate: NOW, reason: "superseded" as const }] };
    expect(hex(issueCrl(crlSpec).der)).toBe(hex(issueCrl(crlSpec).der));
  });

  it("Ed25519 output is the same from process to process (pinned digest)", () => {
    // A fixed PKI's bytes, pinned: any change to the encoding, the key derivation or the
    // defaults shows up here (and means bench/ caches and stored vectors go stale).
    expect(sha256(ders(buildPki()))).toBe("cd967fbc28554eace4927ed70a29b75e0ffd4ee24447efa45948122ebe801655");
  });

  it("ECDSA: derived keys and the signed part are deterministic, the signatures are not required to be", () => {
    const issuer = { name: "CN=EC CA", key: generateKey("p256", "ec-ca") };
    const spec: CertificateSpec = { subject: "CN=EC EE", issuer, subjectKey: generateKey("p384", "ec-ee"), notBefore: NOW, notAfter: new Date("2026-01-01T00:00:00Z") };
    expect(hex(issueCertificate(spec).tbs)).toBe(hex(issueCertificate(spec).tbs));
    openssl("x509", issueCertificate(spec).der);
  });
});

describe("certificates read back as requested", () => {
  const x = buildPki();
  const ca = parseCertificate(x.ca.der);
  const critical = (c: Certificate, oid: string) => c.extensions.find((e) => e.oid === oid)?.critical;

  it("OpenSSL parses every certificate and shows each extension", () => {
    for (const e of [x.root, x.ee, x.revoked]) openssl("x509", e.der);
    const text = openssl("x509", x.ca.der);
    for (const line of [
      "X509v3 Subject Key Identifier",
      "X509v3 Authority Key Identifier",
      "X509v3 Basic Constraints: critical",
      "CA:TRUE, pathlen:1",
      "X509v3 Key Usage: critical",
      "Certificate Sign, CRL Sign",
      "DNS:ca.example.com, IP Address:10.1.2.3, IP Address:2001:DB8:0:0:0:0:0:1, email:ca@example.com, URI:http://ca.example/",
      "Policy: 1.2.3.1",
      "CPS: http://cps.example/",
      "Explicit Text: Notice",
      "X509v3 Policy Mappings: critical",
      "1.2.3.1:1.2.3.9",
      "X509v3 Policy Constraints: critical",
      "Require Explicit Policy:0, Inhibit Policy Mapping:300",
      "X509v3 Inhibit Any Policy: critical",
      "X509v3 Name Constraints: critical",
      "IP:10.0.0.0/255.0.0.0",
      "IP:2001:DB8:0:0:0:0:0:0/FFFF:FFFF:0:0:0:0:0:0",
      "IP:10.66.0.0/255.255.0.0",
      "DirName:C = US, O = Gen",
      "email:bad.example.com",
      "X509v3 CRL Distribution Points",
      "URI:http://crl.example/ca.crl",
      "Key Compromise, CA Compromise",
      "DirName:C = US, O = Gen, CN = CRL Issuer",
      "OCSP - URI:http://ocsp.example/",
      "CA Issuers - URI:http://ca.example/root.crt",
      "Not After : Jun  1 00:00:00 2050 GMT",
    ])
      expect(text).toContain(line);
  });

  it("basicConstraints, keyUsage (critical by default)", () => {
    expect(ca.basicConstraints).toEqual({ cA: true, pathLen: 1 });
    expect(critical(ca, "2.5.29.19")).toBe(true);
    expect(ca.keyUsage).toBe((1 << KU.keyCertSign) | (1 << KU.cRLSign));
    expect(critical(ca, "2.5.29.15")).toBe(true);
    const ee = parseCertificate(x.ee.der);
    expect(ee.basicConstraints).toEqual({ cA: false, pathLen: undefined });
    expect(critical(ee, "2.5.29.19")).toBe(false);
    expect(ee.keyUsage).toBe(1 << KU.digitalSignature);
  });

  it("certificatePolicies, policyMappings, policyConstraints, inhibitAnyPolicy", () => {
    expect(ca.policies).toEqual([
      { policy: "1.2.3.1", qualifiers: [] },
      { policy: "1.2.3.2", qualifiers: ["1.3.6.1.5.5.7.2.1", "1.3.6.1.5.5.7.2.2"] },
    ]);
    expect(critical(ca, "2.5.29.32")).toBe(false);
    expect(ca.policyMappings).toEqual([{ issuerDomainPolicy: "1.2.3.1", subjectDomainPolicy: "1.2.3.9" }]);
    expect(critical(ca, "2.5.29.33")).toBe(true);
    expect(ca.policyConstraints).toEqual({ requireExplicitPolicy: 0, inhibitPolicyMapping: 300 });
    expect(critical(ca, "2.5.29.36")).toBe(true);
    expect(ca.inhibitAnyPolicy).toBe(0);
    expect(critical(ca, "2.5.29.54")).toBe(true);
  });

  it("nameConstraints with DNS, IPv4 and IPv6 address/mask pairs and a directory name", () => {
    const nc = ca.nameConstraints!;
    expect(nc.permitted!.map((s) => gnText(s.base))).toEqual([
      "dns:example.com",
      "ip:0a000000ff000000",
      "ip:20010db8000000000000000000000000ffffffff000000000000000000000000",
      "dn:C=US, O=Gen",
    ]);
    expect(nc.permitted!.every((s) => s.minimum === 0 && s.maximum === undefined)).toBe(true);
    expect(nc.excluded!.map((s) => gnText(s.base))).toEqual(["email:bad.example.com", "ip:0a420000ffff0000"]);
    expect(critical(ca, "2.5.29.30")).toBe(true);
  });

  it("subjectAltName, SKI / AKI chaining to the issuer key", () => {
    expect(ca.subjectAltName!.map(gnText)).toEqual([
      "dns:ca.example.com",
      "ip:0a010203",
      "ip:20010db8000000000000000000000001",
      "email:ca@example.com",
      "uri:http://ca.example/",
      "dn:O=Gen, CN=Alt",
      "rid:1.2.3.4",
    ]);
    expect(ca.subjectKeyId).toBe(hex(keyIdentifier(x.ca.key.spki)));
    expect(ca.authorityKeyId?.keyId).toBe(hex(keyIdentifier(x.root.key.spki)));
    expect(ca.authorityKeyId?.keyId).toBe(parseCertificate(x.root.der).subjectKeyId);
  });

  it("cRLDistributionPoints (fullName, reasons, cRLIssuer, nameRelativeToCRLIssuer) and authorityInfoAccess", () => {
    const dps = ca.crlDistributionPoints!;
    expect(dps).toHaveLength(3);
    expect(dps[0]!.name!.fullName!.map(gnText)).toEqual(["uri:http://crl.example/ca.crl"]);
    expect(dps[0]!.reasons).toBeUndefined();
    expect(dps[1]!.name!.fullName!.map(gnText)).toEqual(["uri:ldap://crl.example/ca"]);
    expect(dps[1]!.reasons).toBe((1 << 1) | (1 << 2)); // ReasonFlags keyCompromise, cACompromise
    expect(dps[1]!.crlIssuer!.map(gnText)).toEqual(["dn:C=US, O=Gen, CN=CRL Issuer"]);
    expect(dps[2]!.name!.relativeName!.map((a) => `${a.type}=${a.text}`)).toEqual(["2.5.4.11=CRL1"]);
    expect(ca.authorityInfoAccess!.map((a) => [a.method, gnText(a.location)])).toEqual([
      ["1.3.6.1.5.5.7.48.1", "uri:http://ocsp.example/"],
      ["1.3.6.1.5.5.7.48.2", "uri:http://ca.example/root.crt"],
    ]);
  });

  it("validity: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5)", () => {
    const caTbs = hex(parseCertificate(x.ca.der).tbs);
    expect(caTbs).toContain("170d3234303730353030303030305a"); // notBefore 240705000000Z (UTCTime)
    expect(caTbs).toContain("180f32303530303630313030303030305a"); // notAfter 20500601000000Z (GeneralizedTime)
    expect(ca.notAfter.toISOString()).toBe("2050-06-01T00:00:00.000Z");
    const old = issueCertificate({
      subject: "CN=Old",
      issuer: { name: "CN=Old", key: generateKey("ed25519", "old") },
      subjectKey: generateKey("ed25519", "old"),
      notBefore: new Date("1949-12-31T23:59:59.750Z"),
      notAfter: new Date("2049-12-31T23:59:59Z"),
    });
    const c = parseCertificate(old.der);
    expect(hex(c.tbs)).toContain("180f31393439313233313233353935395a"); // 19491231235959Z: GeneralizedTime before 1950, whole seconds
    expect(hex(c.tbs)).toContain("170d3439313233313233353935395a"); // 491231235959Z
    expect(c.notBefore.toISOString()).toBe("1949-12-31T23:59:59.000Z");
    openssl("x509", old.der);
  });

  it("DER: minimal positive serials, trimmed named bits, BOOLEAN DEFAULT FALSE omitted, SkipCerts", () => {
    expect(hex(parseCertificate(x.ee.der).tbs)).toContain("a00302010202020080300506032b6570"); // v3, serial 0x80 as 00 80, then the AlgorithmIdentifier
    expect(parseCertificate(x.ee.der).serial).toBe("80");
    const caExt = certExtensions(x.ca.der);
    expect(caExt.get("2.5.29.15")!.value).toBe("03020106"); // keyCertSign, cRLSign: 1 unused bit
    expect(certExtensions(x.ee.der).get("2.5.29.15")!.value).toBe("03020780"); // digitalSignature only
    expect(certExtensions(x.ee.der).get("2.5.29.19")).toEqual({ critical: false, value: "3000" }); // cA FALSE omitted
    expect(caExt.get("2.5.29.19")!.value).toBe("30060101ff020101");
    expect(caExt.get("2.5.29.36")!.value).toBe("3007800100810201" + "2c"); // [0] 0, [1] 300
    expect(caExt.get("2.5.29.54")!.value).toBe("020100");
    // A non-critical extension has no BOOLEAN at all: OID then the OCTET STRING.
    expect(hex(x.ca.der)).toContain("0603551d0e0416"); // subjectKeyIdentifier
    expect(hex(x.ca.der)).toContain("0603551d130101ff04"); // basicConstraints, critical TRUE
    // Every certificate re-encodes to itself under the ASN.1 library (it is DER as the library writes DER).
    for (const e of [x.root, x.ca, x.ee]) expect(hex(AsnConvert.serialize(AsnConvert.parse(e.der, AsnCertificate)))).toBe(hex(e.der));
  });

  it("a generated path validates, and a generated CRL revokes what it lists", async () => {
    const p = new TestPki({ now: NOW, seed: "generate-test-verify" });
    const root = p.root("CN=V Root,O=Gen,C=US");
    const vca = p.ca("CN=V CA,O=Gen,C=US", root, { pathLen: 0, extensions: { crlDistributionPoints: ["uri:http://crl.example/v.crl"] } });
    const good = p.ee("CN=V Good,O=Gen,C=US", vca);
    const bad = p.ee("CN=V Bad,O=Gen,C=US", vca);
    const crls = [p.crl(root).der, p.crl(vca, { revoked: [{ cert: bad, reason: "keyCompromise" }] }).der];
    const base = { intermediates: [vca.der], trustAnchors: [root.der], time: NOW, revocation: { mode: "hard" as const, crls } };
    const ok = await verify({ ...base, target: good.der });
    expect(ok.error).toBeUndefined();
    expect(ok.valid).toBe(true);
    const gone = await verify({ ...base, target: bad.der });
    expect(gone.valid).toBe(false);
    expect(gone.error?.code).toBe("REVOKED");
  });
});

describe("CRLs read back as requested", () => {
  const x = buildPki();

  it("OpenSSL parses the CRLs and shows extensions and entries", () => {
    for (const c of [x.delta, x.rootCrl]) openssl("crl", c.der);
    const text = openssl("crl", x.crl.der);
    for (const line of [
      "Version 2 (0x1)",
      "X509v3 Authority Key Identifier",
      "X509v3 CRL Number",
      "X509v3 Issuing Distribution Point: critical",
      "Only User Certificates",
      "Indirect CRL",
      "Key Compromise, AA Compromise",
      "Serial Number: 80",
      "X509v3 CRL Reason Code",
      "Key Compromise",
      "CA Compromise",
      "Remove From CRL",
      "Invalidity Date",
      "X509v3 Certificate Issuer: critical",
      "DirName:/C=US/O=Gen/CN=Other CA",
    ])
      expect(text).toContain(line);
    expect(openssl("crl", x.delta.der)).toMatch(/X509v3 Delta CRL Indicator: critical\s+1\b/);
  });

  it("crlNumber, deltaCRLIndicator, authorityKeyIdentifier", () => {
    const crl = parseCrl(x.crl.der);
    expect(crl.crlNumber).toBe(1n);
    expect(crl.deltaBase).toBeUndefined();
    expect(crl.authorityKeyId?.keyId).toBe(hex(keyIdentifier(x.ca.key.spki)));
    const delta = parseCrl(x.delta.der);
    expect(delta.crlNumber).toBe(2n ** 70n);
    expect(delta.deltaBase).toBe(1n);
    const dExt = crlExtensions(x.delta.der);
    expect(dExt.get("2.5.29.27")).toEqual({ critical: true, value: "020101" });
    expect(dExt.get("2.5.29.20")).toEqual({ critical: false, value: "0209400000000000000000" });
  });

  it("issuingDistributionPoint (DEFAULT FALSE flags omitted)", () => {
    const idp = parseCrl(x.crl.der).issuingDistributionPoint!;
    expect(idp.name!.fullName!.map(gnText)).toEqual(["uri:http://crl.example/ca.crl"]);
    expect(idp.onlyUserCerts).toBe(true);
    expect(idp.onlyCACerts).toBe(false);
    expect(idp.indirectCRL).toBe(true);
    expect(idp.onlyAttributeCerts).toBe(false);
    expect(idp.onlySomeReasons).toBe((1 << 1) | (1 << 8)); // keyCompromise, aACompromise
    const v = crlExtensions(x.crl.der).get("2.5.29.28")!;
    expect(v.critical).toBe(true);
    expect(v.value).toContain("8101ff"); // onlyContainsUserCerts TRUE
    expect(v.value).toContain("8303074080"); // onlySomeReasons: bits 1 and 8, 7 unused bits
    expect(v.value).toMatch(/8401ff$/); // indirectCRL TRUE, last
    expect(v.value).not.toMatch(/820101|850101/); // the FALSE ones are absent
  });

  it("entries with reason, invalidity date and certificateIssuer (carried forward, RFC 5280 5.3.3)", () => {
    const crl = parseCrl(x.crl.der);
    expect(crl.revoked.entries().map((e) => [e.serial, e.reason])).toEqual([
      [x.revoked.serial.toString(16), 1],
      ["80", 2],
      ["7", 8],
    ]);
    expect(crl.revoked.entries()[0]!.certificateIssuer).toBe("crl-issuer");
    expect(crl.revoked.entries()[0]!.invalidityDate?.toISOString()).toBe("2024-12-01T00:00:00.000Z");
    for (const e of crl.revoked.entries().slice(1)) expect((e.certificateIssuer as readonly GeneralName[]).map(gnText)).toEqual(["dn:C=US, O=Gen, CN=Other CA"]);
  });
});
