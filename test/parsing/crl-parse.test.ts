// CRL parsing edge cases found in review: fields after an absent optional nextUpdate.
import { describe, expect, it } from "vitest";
import { TestPki } from "../../testsuite/src/generate/pki.js";
import { parseCrl } from "../../src/parsing/crl.js";

describe("parseCrl", () => {
  const p = new TestPki({ now: new Date("2026-01-01T00:00:00Z"), seed: "crl-parse" });
  const root = p.root("CN=CRL Parse Root");

  it("keeps entries and extensions when nextUpdate is absent (RFC 5280 5.1.2.5: it is optional)", () => {
    const crl = p.crl(root, { nextUpdate: null, revoked: [{ cert: 5n, reason: "keyCompromise" }, { cert: 7n }] });
    const m = parseCrl(crl.der, "no-nextUpdate");
    expect(m.nextUpdate).toBeUndefined();
    expect(m.revoked.entries().map((e) => e.serial)).toEqual(["5", "7"]);
    expect(m.revoked.entries()[0]!.reason).toBe(1);
    expect(m.crlNumber).toBeDefined();
    expect(m.authorityKeyId?.keyId).toBeDefined();
  });

  it("keeps extensions when nextUpdate and entries are both absent", () => {
    const crl = p.crl(root, { nextUpdate: null, revoked: [] });
    const m = parseCrl(crl.der, "bare");
    expect(m.revoked.entries()).toEqual([]);
    expect(m.crlNumber).toBeDefined();
  });
});
