// limits.maxDepth counts logical hops: a CA certificate and its first key-rollover link
// (self-issued, RFC 5280 6.1) are one hop; further self-issued links of the same name count.
import { describe, expect, it } from "vitest";
import { expectError, expectValid, pki, run } from "../rules/helpers.js";

describe("self-issued certificates and limits.maxDepth", () => {
  const p = pki("self-issued-depth");
  const root = p.root("CN=SI Root");
  const ca = p.ca("CN=SI CA", root);
  const link1 = p.rollover(ca); // new key certified under the CA's old key
  const link2 = p.rollover(link1); // and once more
  const ee1 = p.ee("CN=SI EE 1", link1);
  const ee2 = p.ee("CN=SI EE 2", link2);
  const go = (ee: typeof ee1, maxDepth: number) =>
    run(ee, { intermediates: [ca, link1, link2], anchors: [root], options: { limits: { maxDepth } } });

  it("one rollover link is free: EE, link, CA (3 certificates) fits maxDepth 2", async () => {
    const r = await go(ee1, 2);
    expectValid(r);
    expect(r.path.map((e) => e.subject)).toEqual(["CN=SI EE 1", "CN=SI CA", "CN=SI CA", "CN=SI Root"]);
    expect(r.spent!.maxDepthReached).toBe(2);
  });
  it("maxDepth 1 cuts it: the CA certificate above the free link is a hop", async () => {
    const r = await go(ee1, 1);
    expectError(r, "BUDGET_EXCEEDED", undefined, undefined, undefined);
    expect(r.error!.message).toBe("no path within maxDepth 1");
    expect(r.spent!.maxDepthReached).toBe(1);
  });
  it("a second link of the same name counts: EE, link2, link1, CA needs maxDepth 3", async () => {
    expectValid(await go(ee2, 3));
    const r = await go(ee2, 2);
    expect(r.valid).toBe(false);
    expect(r.spent!.maxDepthReached).toBe(2);
  });
});
