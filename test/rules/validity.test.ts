// RFC 5280 6.1.3 (a)(2): the validation time lies within each certificate's validity
// period, both ends inclusive (4.1.2.5: "notBefore ... through notAfter").
import { describe, expect, it } from "vitest";
import { expectError, expectValid, NOW, pki, run } from "./helpers.js";

const RULE = "RFC 5280 6.1.3 (a)(2)";
const at = (iso: string) => new Date(iso);

describe("validity (RFC 5280 6.1.3 (a)(2))", () => {
  const p = pki("validity");
  const root = p.root("CN=Validity Root", { notAfter: at("2060-01-01T00:00:00Z") });
  const ca = p.ca("CN=Validity CA", root, { notAfter: at("2060-01-01T00:00:00Z") });

  it("passes: every certificate is valid at the validation time", async () => {
    expectValid(await run(p.ee("CN=Validity EE", ca), { intermediates: [ca], anchors: [root] }));
  });

  it("fails NOT_YET_VALID: the target's notBefore is after the validation time", async () => {
    const ee = p.ee("CN=Future EE", ca, { notBefore: 1 });
    const r = await run(ee, { intermediates: [ca], anchors: [root] });
    expectError(r, "NOT_YET_VALID", 0, "CN=Future EE", RULE);
    expect(r.error!.message).toContain(p.at(1).toISOString());
  });

  it("fails EXPIRED: an intermediate's notAfter is before the validation time", async () => {
    const old = p.ca("CN=Expired CA", root, { notBefore: -400, notAfter: -1 });
    const ee = p.ee("CN=Under Expired CA", old);
    const r = await run(ee, { intermediates: [old], anchors: [root] });
    expectError(r, "EXPIRED", 1, "CN=Expired CA", RULE);
    expect(r.error!.message).toContain(p.at(-1).toISOString());
  });

  describe("boundaries (seconds precision)", () => {
    const notBefore = at("2025-01-01T00:00:00Z");
    const notAfter = at("2025-06-30T12:34:56Z");
    const ee = p.ee("CN=Boundary EE", ca, { notBefore, notAfter });
    const go = (time: Date) => run(ee, { intermediates: [ca], anchors: [root], options: { time } });

    it("passes at notAfter exactly (the period includes it)", async () => {
      expectValid(await go(notAfter));
    });
    it("fails EXPIRED one second after notAfter", async () => {
      expectError(await go(new Date(notAfter.getTime() + 1000)), "EXPIRED", 0, "CN=Boundary EE", RULE);
    });
    it("passes at notBefore exactly", async () => {
      expectValid(await go(notBefore));
    });
    it("fails NOT_YET_VALID one second before notBefore", async () => {
      expectError(await go(new Date(notBefore.getTime() - 1000)), "NOT_YET_VALID", 0, "CN=Boundary EE", RULE);
    });
  });

  describe("GeneralizedTime from 2050 (RFC 5280 4.1.2.5)", () => {
    const notAfter = at("2051-03-01T00:00:00Z");
    const ee = p.ee("CN=Long EE", ca, { notAfter });
    it("passes before a 2051 notAfter", async () => {
      expectValid(await run(ee, { intermediates: [ca], anchors: [root], options: { time: at("2051-02-28T23:59:59Z") } }));
    });
    it("fails EXPIRED after it", async () => {
      const r = await run(ee, { intermediates: [ca], anchors: [root], options: { time: at("2051-03-01T00:00:01Z") } });
      expectError(r, "EXPIRED", 0, "CN=Long EE", RULE);
    });
  });

  it("checks the time given as an ISO string the same way", async () => {
    const ee = p.ee("CN=Iso EE", ca, { notAfter: at("2025-02-01T00:00:00Z") });
    expectValid(await run(ee, { intermediates: [ca], anchors: [root], options: { time: "2025-02-01T00:00:00Z" } }));
    expectError(await run(ee, { intermediates: [ca], anchors: [root], options: { time: "2025-02-01T00:00:01Z" } }), "EXPIRED", 0, "CN=Iso EE", RULE);
    expect(NOW.toISOString()).toBe("2025-01-01T00:00:00.000Z");
  });
});
