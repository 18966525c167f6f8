// RFC 5280 6.3 (revocation from CRLs, checked as 6.1.3 (a)(3)): revoked certificates,
// hard and soft modes, delta CRLs (5.2.4), removeFromCRL (5.3.1), separate CRL signing
// keys (6.3.3 (f)) and stale CRLs (6.3.3 (a)).
import { describe, expect, it } from "vitest";
import type { Entity, IssuedCrl } from "../../testsuite/src/generate/pki.js";
import type { RevocationMode } from "../../src/index.js";
import { expectError, expectValid, pki, run } from "./helpers.js";

describe("revocation with CRLs (RFC 5280 6.3)", () => {
  const p = pki("crl");
  const root = p.root("CN=CRL Root");
  const ca = p.ca("CN=CRL CA", root);
  const ee = p.ee("CN=CRL EE", ca);
  const rootCrl = p.crl(root); // covers the CA certificate, nothing revoked
  const go = (target: Entity, crls: IssuedCrl[], mode: RevocationMode, intermediates: Entity[] = [ca]) =>
    run(target, { intermediates, anchors: [root], crls, options: { revocation: { mode } } });

  it("passes in hard mode: every certificate has a current CRL and none is revoked", async () => {
    const r = await go(ee, [rootCrl, p.crl(ca)], "hard");
    expectValid(r);
    expect(r.revocation?.map((s) => [s.certIndex, s.status])).toEqual([
      [0, "good"],
      [1, "good"],
    ]);
  });

  describe("REVOKED", () => {
    const revokedAt = p.at(-3);
    const caCrl = p.crl(ca, { revoked: [{ cert: ee, reason: "keyCompromise", date: revokedAt }] });

    it("fails: the target is on its issuer's CRL; reason and time in the message and in result.revocation", async () => {
      const r = await go(ee, [rootCrl, caCrl], "hard");
      expectError(r, "REVOKED", 0, "CN=CRL EE", "RFC 5280 6.3");
      expect(r.error!.message).toContain("keyCompromise");
      expect(r.error!.message).toContain(revokedAt.toISOString());
      const s = r.revocation?.find((x) => x.certIndex === 0);
      expect(s, "result.revocation reports the revoked certificate").toBeDefined();
      expect(s!.status).toBe("revoked");
      expect(s!.reason).toBe("keyCompromise");
      expect(s!.revocationTime?.toISOString()).toBe(revokedAt.toISOString());
    });

    it("fails in soft mode too: a revocation that is known is never soft", async () => {
      expectError(await go(ee, [rootCrl, caCrl], "soft"), "REVOKED", 0, "CN=CRL EE", "RFC 5280 6.3");
    });

    it("fails: the intermediate is revoked on the root's CRL (certIndex 1)", async () => {
      const crl = p.crl(root, { revoked: [{ cert: ca, reason: "cACompromise" }] });
      const r = await go(ee, [crl, p.crl(ca)], "hard");
      expectError(r, "REVOKED", 1, "CN=CRL CA", "RFC 5280 6.3");
      expect(r.error!.message).toContain("cACompromise");
    });

    it("an entry without a reason code reads as unspecified", async () => {
      const r = await go(ee, [rootCrl, p.crl(ca, { revoked: [ee] })], "hard");
      expectError(r, "REVOKED", 0, "CN=CRL EE", "RFC 5280 6.3");
      expect(r.error!.message).toContain("unspecified");
    });

    it("passes with mode none: CRLs are not consulted", async () => {
      const r = await go(ee, [rootCrl, caCrl], "none");
      expectValid(r);
      expect(r.revocation).toBeUndefined();
    });

    it("passes: the entry's serial belongs to another certificate", async () => {
      expectValid(await go(ee, [rootCrl, p.crl(ca, { revoked: [{ cert: ee.serial + 1n }] })], "hard"));
    });
  });

  describe("REVOCATION_UNKNOWN and soft mode", () => {
    it("fails in hard mode without any CRL; the certificate nearest the anchor is reported", async () => {
      const r = await go(ee, [], "hard");
      expectError(r, "REVOCATION_UNKNOWN", 1, "CN=CRL CA", "RFC 5280 6.3.3 (k)");
    });

    it("fails in hard mode when only the target's CRL is missing", async () => {
      const r = await go(ee, [rootCrl], "hard");
      expectError(r, "REVOCATION_UNKNOWN", 0, "CN=CRL EE", "RFC 5280 6.3.3 (k)");
    });

    it("passes in soft mode without any CRL, with a warning per certificate", async () => {
      const r = await go(ee, [], "soft");
      expectValid(r);
      expect(r.warnings?.length).toBe(2);
      expect(r.warnings!.join("\n")).toContain("CN=CRL EE");
      expect(r.revocation?.map((s) => s.status)).toEqual(["unknown", "unknown"]);
    });

    it("fails in hard mode: a stale CRL (nextUpdate before the validation time) is not used", async () => {
      const stale = p.crl(ca, { thisUpdate: -20, nextUpdate: -10 });
      const r = await go(ee, [rootCrl, stale], "hard");
      expectError(r, "REVOCATION_UNKNOWN", 0, "CN=CRL EE", "RFC 5280 6.3.3 (k)");
      expect(r.error!.message).toContain("not current");
    });

    it("passes in soft mode with a stale CRL, with a warning", async () => {
      const stale = p.crl(ca, { thisUpdate: -20, nextUpdate: -10 });
      const r = await go(ee, [rootCrl, stale], "soft");
      expectValid(r);
      expect(r.warnings!.join("\n")).toContain("not current");
    });

    it("fails in hard mode: a CRL issued after the validation time is not used", async () => {
      const r = await go(ee, [rootCrl, p.crl(ca, { thisUpdate: 2, nextUpdate: 9 })], "hard");
      expectError(r, "REVOCATION_UNKNOWN", 0, "CN=CRL EE", "RFC 5280 6.3.3 (k)");
    });

    it("fails in hard mode: a CRL under the CA's name signed by an unknown key is not used", async () => {
      const forged = p.crl(ca, { signer: p.keyFor("CN=CRL CA", "ed25519", "forger") });
      expectError(await go(ee, [rootCrl, forged], "hard"), "REVOCATION_UNKNOWN", 0, "CN=CRL EE", "RFC 5280 6.3.3 (k)");
    });

    it("fails in hard mode: the issuer's keyUsage lacks cRLSign (RFC 5280 6.3.3 (f))", async () => {
      const noCrlSign = p.ca("CN=CRL NoSign CA", root, { extensions: { keyUsage: ["keyCertSign"] } });
      const leaf = p.ee("CN=CRL EE NoSign", noCrlSign);
      const r = await go(leaf, [rootCrl, p.crl(noCrlSign)], "hard", [noCrlSign]);
      expectError(r, "REVOCATION_UNKNOWN", 0, "CN=CRL EE NoSign", "RFC 5280 6.3.3 (k)");
      expect(r.error!.message).toContain("cRLSign");
    });
  });

  describe("delta CRLs (RFC 5280 5.2.4) and removeFromCRL (5.3.1)", () => {
    it("fails REVOKED: the revocation is only on the delta CRL", async () => {
      const base = p.crl(ca, { crlNumber: 10 });
      const delta = p.crl(ca, { crlNumber: 11, deltaBase: 10, revoked: [{ cert: ee, reason: "superseded" }] });
      const r = await go(ee, [rootCrl, base, delta], "hard");
      expectError(r, "REVOKED", 0, "CN=CRL EE", "RFC 5280 6.3");
      expect(r.error!.message).toContain("superseded");
    });

    it("passes: a delta CRL lists removeFromCRL for a certificate on hold in the base", async () => {
      const base = p.crl(ca, { crlNumber: 20, revoked: [{ cert: ee, reason: "certificateHold" }] });
      const delta = p.crl(ca, { crlNumber: 21, deltaBase: 20, revoked: [{ cert: ee, reason: "removeFromCRL" }] });
      expectError(await go(ee, [rootCrl, base], "hard"), "REVOKED", 0, "CN=CRL EE", "RFC 5280 6.3");
      const r = await go(ee, [rootCrl, base, delta], "hard");
      expectValid(r);
      expect(r.revocation?.find((s) => s.certIndex === 0)?.status).toBe("good");
    });

    it("passes: a delta for another base number (newer than the complete CRL) is ignored", async () => {
      const base = p.crl(ca, { crlNumber: 30 });
      const delta = p.crl(ca, { crlNumber: 41, deltaBase: 40, revoked: [ee] });
      expectValid(await go(ee, [rootCrl, base, delta], "hard"));
    });

    it("fails in hard mode: the only delta for the complete CRL is stale", async () => {
      const base = p.crl(ca, { crlNumber: 50 });
      const delta = p.crl(ca, { crlNumber: 51, deltaBase: 50, thisUpdate: -5, nextUpdate: -2 });
      expectError(await go(ee, [rootCrl, base, delta], "hard"), "REVOCATION_UNKNOWN", 0, "CN=CRL EE", "RFC 5280 6.3.3 (k)");
    });
  });

  describe("a separate CRL-signing key (RFC 5280 6.3.3 (f))", () => {
    // The CA signs certificates only; a certificate of the same name with cRLSign signs its CRLs.
    const ca2 = p.ca("CN=CRL Split CA", root, { extensions: { keyUsage: ["keyCertSign"] } });
    const signer = p.crlSigner(ca2);
    const leaf = p.ee("CN=CRL Split EE", ca2);

    it("passes: the CRL signer's certificate validates to the same anchor", async () => {
      const r = await go(leaf, [rootCrl, p.crl(ca2, { signer })], "hard", [ca2, signer]);
      expectValid(r);
      expect(r.revocation?.find((s) => s.certIndex === 0)?.status).toBe("good");
    });

    it("fails REVOKED: the separately signed CRL revokes the target", async () => {
      const crl = p.crl(ca2, { signer, revoked: [{ cert: leaf, reason: "affiliationChanged" }] });
      const r = await go(leaf, [rootCrl, crl], "hard", [ca2, signer]);
      expectError(r, "REVOKED", 0, "CN=CRL Split EE", "RFC 5280 6.3");
      expect(r.error!.message).toContain("affiliationChanged");
    });

    it("fails REVOCATION_UNKNOWN: the CRL signer's certificate is not available", async () => {
      const r = await go(leaf, [rootCrl, p.crl(ca2, { signer })], "hard", [ca2]);
      expectError(r, "REVOCATION_UNKNOWN", 0, "CN=CRL Split EE", "RFC 5280 6.3.3 (k)");
    });
  });

  describe("distribution points (RFC 5280 6.3.3 (b)) and indirect CRLs (5.3.3)", () => {
    const dpUri = "uri:http://crl.example/crl-ca.crl";
    const leaf = p.ee("CN=CRL DP EE", ca, { extensions: { crlDistributionPoints: [dpUri] } });

    it("passes: the CRL's issuingDistributionPoint names the certificate's distribution point", async () => {
      const crl = p.crl(ca, { issuingDistributionPoint: { fullName: [dpUri] } });
      expectValid(await go(leaf, [rootCrl, crl], "hard"));
    });

    it("fails REVOCATION_UNKNOWN: the only CRL is for another distribution point", async () => {
      const crl = p.crl(ca, { issuingDistributionPoint: { fullName: ["uri:http://crl.example/other.crl"] } });
      expectError(await go(leaf, [rootCrl, crl], "hard"), "REVOCATION_UNKNOWN", 0, "CN=CRL DP EE", "RFC 5280 6.3.3 (k)");
    });

    it("fails REVOCATION_UNKNOWN: the only CRL covers CA certificates only", async () => {
      const crl = p.crl(ca, { issuingDistributionPoint: { onlyContainsCACerts: true } });
      expectError(await go(ee, [rootCrl, crl], "hard"), "REVOCATION_UNKNOWN", 0, "CN=CRL EE", "RFC 5280 6.3.3 (k)");
    });

    it("fails REVOKED: an indirect CRL from the distribution point's cRLIssuer lists the target", async () => {
      const indirect = p.ee("CN=CRL Indirect Issuer", root, { extensions: { keyUsage: ["cRLSign"] } });
      const leaf2 = p.ee("CN=CRL Indirect EE", ca, { extensions: { crlDistributionPoints: [{ crlIssuer: ["dn:CN=CRL Indirect Issuer"] }] } });
      const good = p.crl(indirect, { issuingDistributionPoint: { indirectCRL: true } });
      const bad = p.crl(indirect, {
        issuingDistributionPoint: { indirectCRL: true },
        revoked: [{ cert: leaf2, reason: "keyCompromise", certificateIssuer: ["dn:CN=CRL CA"] }],
      });
      expectValid(await go(leaf2, [rootCrl, good], "hard", [ca, indirect]));
      const r = await go(leaf2, [rootCrl, bad], "hard", [ca, indirect]);
      expectError(r, "REVOKED", 0, "CN=CRL Indirect EE", "RFC 5280 6.3");
      expect(r.error!.message).toContain("keyCompromise");
    });
  });
});

describe("a revocationDate that is not DER (no Z) is read the same in every time zone", () => {
  const p = pki("crl-local-time");
  const root = p.root("CN=Local Revocation Date Root");
  const ee = p.ee("CN=Local Revocation Date EE", root);
  // GeneralizedTime "20240101120000" without "Z": not DER (RFC 5280 5.1.2.6 refers to 5.1.2.4:
  // Zulu). The entry is kept (refusing it would make the whole CRL unusable, and a revoked
  // certificate pass in soft mode); its date is read as UTC, whatever the machine's zone.
  const crl = p.crl(root, { revoked: [{ cert: ee, reason: "keyCompromise", dateDer: new Uint8Array([0x18, 14, ...new TextEncoder().encode("20240101120000")]) }] });
  for (const tz of ["UTC", "America/New_York", "Asia/Kolkata"]) {
    it(`TZ=${tz}: REVOKED, revoked at 2024-01-01T12:00:00.000Z`, async () => {
      const before = process.env.TZ;
      process.env.TZ = tz;
      try {
        const r = await run(ee, { anchors: [root], crls: [crl], options: { revocation: { mode: "hard" } } });
        expectError(r, "REVOKED", 0, "CN=Local Revocation Date EE", "RFC 5280 6.3.3");
        expect(r.error!.message).toContain("revoked at 2024-01-01T12:00:00.000Z (keyCompromise)");
      } finally {
        if (before === undefined) delete process.env.TZ;
        else process.env.TZ = before;
      }
    });
  }
});
