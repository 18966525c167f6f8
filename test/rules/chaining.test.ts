// RFC 5280 6.1.3 (a)(4) name chaining, and path building around it. The builder only
// proposes issuers whose subject matches the child's issuer name (RFC 5280 7.1
// comparison), so NAME_CHAINING itself cannot be reached through `verify`: an
// unmatched issuer shows up as NO_PATH instead.
import { describe, expect, it } from "vitest";
import { expectError, expectValid, pki, run } from "./helpers.js";

describe("name chaining and path building", () => {
  const p = pki("chaining");
  const root = p.root("CN=Chain Root,O=Chain,C=US");
  const ca = p.ca("CN=Chain CA,O=Chain,C=US", root);
  const ee = p.ee("CN=Chain EE,O=Chain,C=US", ca);

  it("passes: the issuer names chain target -> CA -> anchor; path is target first, anchor last", async () => {
    const r = await run(ee, { intermediates: [ca], anchors: [root] });
    expectValid(r);
    expect(r.path.map((e) => e.subject)).toEqual(["C=US, O=Chain, CN=Chain EE", "C=US, O=Chain, CN=Chain CA", "C=US, O=Chain, CN=Chain Root"]);
    expect(Buffer.from(r.path[0]!.der).equals(Buffer.from(ee.der))).toBe(true);
    expect(Buffer.from(r.path[2]!.der).equals(Buffer.from(root.der))).toBe(true);
  });

  it("fails NO_PATH: the target's issuer name matches no intermediate and no anchor", async () => {
    const orphan = p.ee("CN=Orphan EE,O=Chain,C=US", ca, { issuerName: "CN=Nobody,O=Chain,C=US" });
    const r = await run(orphan, { intermediates: [ca], anchors: [root] });
    expectError(r, "NO_PATH", undefined, "CN=Orphan EE", undefined);
    expect(r.error!.message).toContain("CN=Nobody");
    expect(r.path).toEqual([]);
  });

  it("fails NO_PATH: the intermediate is missing", async () => {
    const r = await run(ee, { intermediates: [], anchors: [root] });
    expectError(r, "NO_PATH", undefined, "CN=Chain EE", undefined);
  });

  it("fails NO_PATH: the path leads to a root that is not a trust anchor", async () => {
    const other = p.root("CN=Other Root");
    expectError(await run(ee, { intermediates: [ca], anchors: [other] }), "NO_PATH", undefined, "CN=Chain EE", undefined);
  });

  it("passes: names compare by RFC 5280 7.1 (case, spaces and PrintableString vs UTF8String)", async () => {
    const odd = p.ee("CN=Odd EE,O=Chain,C=US", ca, { issuerName: "CN=chain   ca,O=CHAIN,C=us", stringEncoding: "utf8" });
    expectValid(await run(odd, { intermediates: [ca], anchors: [root] }));
  });

  it("passes: an authorityKeyIdentifier that matches nothing is only a hint", async () => {
    const hinted = p.ee("CN=Hinted EE,O=Chain,C=US", ca, { extensions: { authorityKeyIdentifier: "00112233445566778899" } });
    expectValid(await run(hinted, { intermediates: [ca], anchors: [root] }));
  });

  it("passes: intermediates in any order, with duplicates and unrelated certificates", async () => {
    const ca2 = p.ca("CN=Chain CA 2,O=Chain,C=US", ca);
    const ca3 = p.ca("CN=Chain CA 3,O=Chain,C=US", ca2);
    const deep = p.ee("CN=Deep EE,O=Chain,C=US", ca3);
    const noise = p.ca("CN=Noise", p.root("CN=Noise Root"));
    const r = await run(deep, { intermediates: [noise, ca, ca3, noise, ca2, ca], anchors: [root] });
    expectValid(r);
    expect(r.path.map((e) => e.subject.split(", ").pop())).toEqual(["CN=Deep EE", "CN=Chain CA 3", "CN=Chain CA 2", "CN=Chain CA", "CN=Chain Root"]);
  });

  it("passes: with several trust anchors (a trust list) the one that issued the path is chosen", async () => {
    const a1 = p.root("CN=List Root 1");
    const a2 = p.root("CN=List Root 2");
    const r = await run(ee, { intermediates: [ca], anchors: [a1, root, a2] });
    expectValid(r);
    expect(r.path[r.path.length - 1]!.subject).toBe("C=US, O=Chain, CN=Chain Root");
  });

  it("passes: two anchors with the same name, the one whose key verifies is used", async () => {
    const twin = p.root("CN=Chain Root,O=Chain,C=US", { keySeed: "twin" });
    const r = await run(ee, { intermediates: [ca], anchors: [twin, root] });
    expectValid(r);
    expect(Buffer.from(r.path[2]!.der).equals(Buffer.from(root.der))).toBe(true);
  });

  it("passes: a cross-certificate links another domain's CA to this anchor", async () => {
    const q = pki("chaining-domain-b");
    const rootB = q.root("CN=Root B,O=Dom B");
    const caB = q.ca("CN=CA B,O=Dom B", rootB);
    const eeB = q.ee("CN=EE B,O=Dom B", caB);
    const cross = p.cross(root, rootB); // subject and key of Root B, issued by Chain Root
    expectError(await run(eeB, { intermediates: [caB], anchors: [root] }), "NO_PATH", undefined, "CN=EE B", undefined);
    const r = await run(eeB, { intermediates: [caB, cross], anchors: [root] });
    expectValid(r);
    expect(r.path.map((e) => e.subject)).toEqual(["O=Dom B, CN=EE B", "O=Dom B, CN=CA B", "O=Dom B, CN=Root B", "C=US, O=Chain, CN=Chain Root"]);
  });
});
