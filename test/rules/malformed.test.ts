// Bad input never throws out of `verify`: it gives valid false with a MALFORMED_* code
// naming the input. Structural RFC 5280 violations the parser enforces are included.
import { describe, expect, it } from "vitest";
import { integer, seq, utf8 } from "../../testsuite/src/generate/der.js";
import { verify } from "../../src/index.js";
import { expectValid, NOW, pki, run } from "./helpers.js";

describe("malformed inputs", () => {
  const p = pki("malformed");
  const root = p.root("CN=Bad Root");
  const ca = p.ca("CN=Bad CA", root);
  const ee = p.ee("CN=Bad EE", ca);
  const base = { intermediates: [ca.der], trustAnchors: [root.der], time: NOW };

  it("passes: the well-formed inputs, as DER and as PEM", async () => {
    expectValid(await verify({ ...base, target: ee.der }));
    expectValid(await verify({ target: ee.pem, intermediates: [ca.pem], trustAnchors: [root.pem], time: NOW }));
  });

  it("MALFORMED_CERTIFICATE: the target is random bytes (certIndex 0)", async () => {
    const r = await verify({ ...base, target: Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x05]) });
    expect(r.valid).toBe(false);
    expect(r.error?.code).toBe("MALFORMED_CERTIFICATE");
    expect(r.error?.certIndex).toBe(0);
    expect(r.error?.message).toContain("target");
  });

  it("MALFORMED_CERTIFICATE: the target is truncated", async () => {
    const r = await verify({ ...base, target: ee.der.subarray(0, ee.der.length - 10) });
    expect(r.error?.code).toBe("MALFORMED_CERTIFICATE");
    expect(r.error?.certIndex).toBe(0);
  });

  it("MALFORMED_CERTIFICATE: trailing bytes after the target", async () => {
    const r = await verify({ ...base, target: Uint8Array.from([...ee.der, 0x00, 0x00]) });
    expect(r.error?.code).toBe("MALFORMED_CERTIFICATE");
  });

  it("an unreadable intermediate is skipped with a warning naming its position (only the target and anchors fail a call)", async () => {
    const r = await verify({ ...base, target: ee.der, intermediates: [ca.der, Uint8Array.from([0x30, 0x00])] });
    expectValid(r);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings![0]).toMatch(/^skipped an unreadable untrusted certificate: intermediates\[1\]: .* \(MALFORMED_CERTIFICATE\)$/);
  });

  it("a wrong kind of file as the target says what it holds: a CRL, a CSR-shaped signed object, a key, nothing", async () => {
    const crl = p.crl(ca).der;
    const cases: [Uint8Array | string, string][] = [
      [crl, "it holds a CRL, not a certificate"],
      [new Uint8Array(0), "it holds an empty input, not a certificate"],
      ["-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "it holds PEM labelled PRIVATE KEY (a private key), not a certificate"],
      ["-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n", "it holds PEM labelled X509 CRL (a CRL), not a certificate"],
      ["hello", "it holds text that is neither PEM nor DER, not a certificate"],
      [root.key.spki, "it holds a public key (SubjectPublicKeyInfo), not a certificate"],
    ];
    for (const [target, said] of cases) {
      const r = await verify({ ...base, target });
      expect(r.valid).toBe(false);
      expect(r.error!.message.startsWith("target"), r.error!.message).toBe(true);
      expect(r.error!.message).toContain(said);
      expect(r.error!.certIndex).toBe(0);
    }
  });

  it("MALFORMED_CERTIFICATE: a malformed trust anchor is named by its position", async () => {
    const r = await verify({ ...base, target: ee.der, trustAnchors: [root.der.subarray(0, 20)] });
    expect(r.error?.code).toBe("MALFORMED_CERTIFICATE");
    expect(r.error?.message).toContain("trustAnchors[0]");
  });

  it("MALFORMED_CERTIFICATE: an extension appears twice (RFC 5280 4.2)", async () => {
    const dup = p.ee("CN=Bad Dup EE", ca, { extensions: { custom: [{ oid: "2.5.29.15", critical: true, valueDer: Uint8Array.of(3, 2, 7, 0x80) }] } });
    const r = await run(dup, { intermediates: [ca], anchors: [root] });
    expect(r.error?.code).toBe("MALFORMED_CERTIFICATE");
    expect(r.error?.message).toContain("RFC 5280 4.2");
  });

  it("MALFORMED_CERTIFICATE: a policy OID twice in certificatePolicies (RFC 5280 4.2.1.4)", async () => {
    const dup = p.ee("CN=Bad Pol EE", ca, { extensions: { certificatePolicies: ["1.2.3.4", "1.2.3.4"] } });
    const r = await run(dup, { intermediates: [ca], anchors: [root] });
    expect(r.error?.code).toBe("MALFORMED_CERTIFICATE");
    expect(r.error?.message).toContain("RFC 5280 4.2.1.4");
  });

  it("MALFORMED_CERTIFICATE: an empty policyConstraints (RFC 5280 4.2.1.11)", async () => {
    const empty = p.ca("CN=Bad PC CA", root, { extensions: { policyConstraints: {} } });
    const r = await run(p.ee("CN=Bad PC EE", empty), { intermediates: [empty], anchors: [root] });
    // As an untrusted intermediate it is skipped, with the rule in the warning; the path then lacks it.
    expect(r.error?.code).toBe("NO_PATH");
    expect(r.warnings![0]).toContain("(MALFORMED_CERTIFICATE)");
    expect(r.warnings![0]).toContain("RFC 5280 4.2.1.11");
    // As the target it fails the call.
    const t = await run(empty, { anchors: [root] });
    expect(t.error?.code).toBe("MALFORMED_CERTIFICATE");
    expect(t.error?.message).toContain("RFC 5280 4.2.1.11");
  });

  it("MALFORMED_CERTIFICATE: an extension value that is not its ASN.1 type", async () => {
    const bad = p.ee("CN=Bad BC EE", ca, { extensions: { custom: [{ oid: "2.5.29.19", valueDer: utf8("not a sequence") }] } });
    const r = await run(bad, { intermediates: [ca], anchors: [root] });
    expect(r.error?.code).toBe("MALFORMED_CERTIFICATE");
    expect(r.error?.message).toContain("2.5.29.19");
  });

  it("MALFORMED_CRL: a CRL input that is not a CRL", async () => {
    const r = await verify({ ...base, target: ee.der, revocation: { mode: "hard", crls: [seq(integer(1))] } });
    expect(r.valid).toBe(false);
    expect(r.error?.code).toBe("MALFORMED_CRL");
    expect(r.error?.message).toContain("revocation.crls[0]");
  });

  it("MALFORMED_CRL: a truncated CRL", async () => {
    const crl = p.crl(ca);
    const r = await verify({ ...base, target: ee.der, revocation: { mode: "soft", crls: [crl.der.subarray(0, crl.der.length - 1)] } });
    expect(r.error?.code).toBe("MALFORMED_CRL");
  });
});
