// Signature and key algorithms along whole paths (RFC 5280 4.1.1.2, RFC 3279, 4055,
// 5480, 5758, 8410), key-size limits (WEAK_KEY) and unsupported algorithms.
import { describe, expect, it } from "vitest";
import { explicit, integer, nullValue, oid, seq } from "../../testsuite/src/generate/der.js";
import { fabricateRsaPublicKey, generateKey, type KeyAlg, type SignatureSpec } from "../../testsuite/src/generate/pki.js";
import { expectError, expectValid, pki, run } from "./helpers.js";

const SIG = "RFC 5280 6.1.3 (a)(1)";

describe("signature algorithms", () => {
  const p = pki("algorithms");
  const cases: { name: string; alg: KeyAlg; signature?: SignatureSpec; oid: string }[] = [
    { name: "Ed25519", alg: "ed25519", oid: "1.3.101.112" },
    { name: "Ed448", alg: "ed448", oid: "1.3.101.113" },
    { name: "ECDSA P-256 with SHA-256", alg: "p256", oid: "1.2.840.10045.4.3.2" },
    { name: "ECDSA P-384 with SHA-384", alg: "p384", oid: "1.2.840.10045.4.3.3" },
    { name: "ECDSA P-521 with SHA-512", alg: "p521", oid: "1.2.840.10045.4.3.4" },
    { name: "RSA 2048 PKCS#1 v1.5 SHA-256", alg: "rsa2048", oid: "1.2.840.113549.1.1.11" },
    { name: "RSA 2048 PKCS#1 v1.5 SHA-384", alg: "rsa2048", signature: { hash: "sha384" }, oid: "1.2.840.113549.1.1.12" },
    { name: "RSA 2048 PKCS#1 v1.5 SHA-512", alg: "rsa2048", signature: { hash: "sha512" }, oid: "1.2.840.113549.1.1.13" },
    { name: "RSASSA-PSS SHA-256 with an rsaEncryption key", alg: "rsa2048", signature: { pss: true }, oid: "1.2.840.113549.1.1.10" },
    { name: "RSASSA-PSS SHA-384 with an rsaEncryption key", alg: "rsa2048", signature: { pss: true, hash: "sha384" }, oid: "1.2.840.113549.1.1.10" },
    { name: "RSASSA-PSS with an id-RSASSA-PSS key", alg: "rsa-pss", oid: "1.2.840.113549.1.1.10" },
  ];

  for (const c of cases) {
    it(`passes: ${c.name} all along the path`, async () => {
      // One key per (algorithm, role): cases that differ only in the signature share keys.
      const o = (role: string) => ({ key: generateKey(c.alg, `algorithms|${role}`), signature: c.signature });
      const root = p.root(`CN=Alg Root ${c.name}`, o("root"));
      const ca = p.ca(`CN=Alg CA ${c.name}`, root, o("ca"));
      const ee = p.ee(`CN=Alg EE ${c.name}`, ca, o("ee"));
      const r = await run(ee, { intermediates: [ca], anchors: [root] });
      expectValid(r);
      expect(Buffer.from(ee.der).includes(Buffer.from(oid(c.oid)))).toBe(true);
    });
  }

  it("passes: a mixed path (Ed25519 root, P-384 CA, RSA-PSS CA, P-256 end entity)", async () => {
    const root = p.root("CN=Alg Mixed Root");
    const ca1 = p.ca("CN=Alg Mixed CA 1", root, { keyAlg: "p384" });
    const ca2 = p.ca("CN=Alg Mixed CA 2", ca1, { keyAlg: "rsa2048" });
    const ee = p.ee("CN=Alg Mixed EE", ca2, { keyAlg: "p256", signature: { pss: true } });
    expectValid(await run(ee, { intermediates: [ca2, ca1], anchors: [root] }));
  });

  it("gives byte-identical certificates for the same description with Ed25519", () => {
    const a = pki("determinism").root("CN=Same");
    const b = pki("determinism").root("CN=Same");
    expect(Buffer.from(a.der).equals(Buffer.from(b.der))).toBe(true);
    expect(Buffer.from(pki("determinism-2").root("CN=Same").der).equals(Buffer.from(a.der))).toBe(false);
  });
});

describe("WEAK_KEY: key sizes outside the accepted range", () => {
  const p = pki("weak-key");
  const root = p.root("CN=Weak Root");
  const fakeSig = new Uint8Array(2048).fill(0x5a);

  it("fails fast: an RSA key of 16384 bits (fabricated, never generated) on the intermediate", async () => {
    const big = p.ca("CN=Weak Huge CA", root, { key: fabricateRsaPublicKey(16384) });
    // Nothing can sign for the fabricated key: the target carries a placeholder signature.
    const ee = p.ee("CN=Weak EE 1", big, { signatureValue: fakeSig });
    const r = await run(ee, { intermediates: [big], anchors: [root] });
    // Refused before any arithmetic: no signature computation was spent on it.
    expect(r.spent!.signatureChecks).toBe(0);
    expectError(r, "WEAK_KEY", 0, "CN=Weak EE 1", SIG);
    expect(r.error!.message).toContain("16384");
  });

  it("fails fast: an RSA trust anchor key of 65536 bits", async () => {
    const hugeRoot = p.root("CN=Weak Huge Root", { key: fabricateRsaPublicKey(65536), signatureValue: fakeSig });
    const ee = p.ee("CN=Weak EE 2", hugeRoot, { signatureValue: fakeSig });
    const r = await run(ee, { anchors: [hugeRoot] });
    expect(r.spent!.signatureChecks).toBe(0);
    expectError(r, "WEAK_KEY", 0, "CN=Weak EE 2", SIG);
  });

  it("fails: an RSA key of 512 bits", async () => {
    const small = p.ca("CN=Weak Small CA", root, { key: generateKey("rsa512", "weak-small") });
    const r = await run(p.ee("CN=Weak EE 3", small), { intermediates: [small], anchors: [root] });
    expectError(r, "WEAK_KEY", 0, "CN=Weak EE 3", SIG);
  });

  it("passes: RSA keys of 1024 and 4096 bits are within bounds", async () => {
    const ca1 = p.ca("CN=Weak 1024 CA", root, { key: generateKey("rsa1024", "weak-1024") });
    const ca4 = p.ca("CN=Weak 4096 CA", root, { key: generateKey("rsa4096", "weak-4096") });
    expectValid(await run(p.ee("CN=Weak EE 4", ca1), { intermediates: [ca1], anchors: [root] }));
    expectValid(await run(p.ee("CN=Weak EE 5", ca4), { intermediates: [ca4], anchors: [root] }));
  });
});

describe("UNSUPPORTED_ALGORITHM", () => {
  const p = pki("unsupported-algorithm");
  const root = p.root("CN=Unsup Root");

  it("fails: an unknown signature algorithm OID", async () => {
    const weird = seq(oid("1.3.6.1.4.1.55555.7.7"));
    const ee = p.ee("CN=Unsup EE 1", root, { tbsAlgorithm: weird, outerAlgorithm: weird, signatureValue: new Uint8Array(64) });
    const r = await run(ee, { anchors: [root] });
    expectError(r, "UNSUPPORTED_ALGORITHM", 0, "CN=Unsup EE 1", SIG);
  });

  it("fails: a signature algorithm that does not fit the issuer's key (ECDSA claimed, Ed25519 key)", async () => {
    const ecdsa = seq(oid("1.2.840.10045.4.3.2"));
    const ee = p.ee("CN=Unsup EE 2", root, { tbsAlgorithm: ecdsa, outerAlgorithm: ecdsa, signatureValue: new Uint8Array(70) });
    expectError(await run(ee, { anchors: [root] }), "UNSUPPORTED_ALGORITHM", 0, "CN=Unsup EE 2", SIG);
  });

  it("fails: RSASSA-PSS with MGF1 over a different hash than the message hash", async () => {
    const rsaCa = p.ca("CN=Unsup RSA CA", root, { keyAlg: "rsa2048" });
    const h256 = seq(oid("2.16.840.1.101.3.4.2.1"), nullValue());
    const h384 = seq(oid("2.16.840.1.101.3.4.2.2"), nullValue());
    const mixed = seq(oid("1.2.840.113549.1.1.10"), seq(explicit(0, h256), explicit(1, seq(oid("1.2.840.113549.1.1.8"), h384))));
    const ee = p.ee("CN=Unsup EE 3", rsaCa, { tbsAlgorithm: mixed, outerAlgorithm: mixed, signatureValue: new Uint8Array(256) });
    expectError(await run(ee, { intermediates: [rsaCa], anchors: [root] }), "UNSUPPORTED_ALGORITHM", 0, "CN=Unsup EE 3", SIG);
  });

  it("fails: RSASSA-PSS-params that do not decode (hashAlgorithm [0] holds an INTEGER) are MALFORMED_CERTIFICATE on that certificate", async () => {
    const rsaCa = p.ca("CN=Unsup RSA CA 2", root, { keyAlg: "rsa2048" });
    const broken = seq(oid("1.2.840.113549.1.1.10"), seq(explicit(0, integer(1))));
    const ee = p.ee("CN=Unsup EE 4", rsaCa, { tbsAlgorithm: broken, outerAlgorithm: broken, signatureValue: new Uint8Array(256) });
    const r = await run(ee, { intermediates: [rsaCa], anchors: [root] });
    expectError(r, "MALFORMED_CERTIFICATE", 0, "CN=Unsup EE 4", "RFC 4055 3.1");
    expect(r.error!.message).toContain("RSASSA-PSS-params do not decode (AlgorithmIdentifier is not a SEQUENCE");
  });

  it("fails: RSASSA-PSS parameters NULL instead of RSASSA-PSS-params: MALFORMED_CERTIFICATE", async () => {
    const rsaCa = p.ca("CN=Unsup RSA CA 3", root, { keyAlg: "rsa2048" });
    const nulled = seq(oid("1.2.840.113549.1.1.10"), nullValue());
    const ee = p.ee("CN=Unsup EE 5", rsaCa, { tbsAlgorithm: nulled, outerAlgorithm: nulled, signatureValue: new Uint8Array(256) });
    expectError(await run(ee, { intermediates: [rsaCa], anchors: [root] }), "MALFORMED_CERTIFICATE", 0, "CN=Unsup EE 5", "RFC 4055 3.1");
  });
});
