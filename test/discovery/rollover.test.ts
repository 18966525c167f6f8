// CA key rollover (RFC 4210 4.4): a root re-keys and publishes two self-issued
// certificates, NewWithOld (the new key signed by the old) and OldWithNew (the old key
// signed by the new). Relying parties that still hold the old root, and those that
// already hold the new one, both validate end entities signed under either key. The
// self-issued links share the root's name but not its key, so they are not loops
// (RFC 4158 2.4.2).
import { describe, expect, it } from "vitest";
import { dn, expectPathDers, expectValid, pki, run, subjects } from "./helpers.js";

describe("root key rollover", () => {
  const p = pki("discovery-rollover");
  const NAME = "CN=Rollover Root,O=Dom1,C=US";
  const oldRoot = p.root(NAME, { notBefore: -1000, notAfter: 1000 });
  const newKey = p.keyFor(NAME, "ed25519", "new-key");
  const newRoot = p.root(NAME, { key: newKey, notBefore: -10, notAfter: 3000 });
  const newWithOld = p.rollover(oldRoot, { key: newKey, notBefore: -10, notAfter: 1000 });
  const oldWithNew = p.cross(newRoot, oldRoot, { notBefore: -10, notAfter: 1000 });
  const all = [oldWithNew, newWithOld, newRoot, oldRoot];

  const eeNew = p.ee("CN=Signed By New Key,O=Dom1,C=US", newRoot);
  const eeOld = p.ee("CN=Signed By Old Key,O=Dom1,C=US", oldRoot);
  const subNew = p.ca("CN=Sub CA After Rekey,O=Dom1,C=US", newRoot);
  const eeUnderSubNew = p.ee("CN=Leaf Under New Sub,O=Dom1,C=US", subNew);

  it("the fixtures are what they claim: NewWithOld and OldWithNew are self-issued with different keys", () => {
    expect(Buffer.from(newWithOld.nameDer).equals(Buffer.from(oldRoot.nameDer))).toBe(true);
    expect(Buffer.from(newWithOld.key.spki).equals(Buffer.from(oldRoot.key.spki))).toBe(false);
    expect(Buffer.from(oldWithNew.key.spki).equals(Buffer.from(oldRoot.key.spki))).toBe(true);
  });

  it("NewWithOld: EE signed by the new key, anchor = old root -> valid via NewWithOld", async () => {
    const r = await run(eeNew, { intermediates: all, anchors: [oldRoot] });
    expectValid(r);
    expect(subjects(r)).toEqual([dn("CN=Signed By New Key,O=Dom1,C=US"), dn(NAME), dn(NAME)]);
    expectPathDers(r, [eeNew.der, newWithOld.der, oldRoot.der]);
  });

  it("OldWithNew: EE signed by the old key, anchor = new root -> valid via OldWithNew", async () => {
    const r = await run(eeOld, { intermediates: all, anchors: [newRoot] });
    expectValid(r);
    expectPathDers(r, [eeOld.der, oldWithNew.der, newRoot.der]);
  });

  it("a CA issued after the re-key, under the old anchor: EE <- Sub <- NewWithOld <- old root", async () => {
    const r = await run(eeUnderSubNew, { intermediates: [...all, subNew], anchors: [oldRoot] });
    expectValid(r);
    expectPathDers(r, [eeUnderSubNew.der, subNew.der, newWithOld.der, oldRoot.der]);
  });

  it("direct paths are preferred when the anchor holds the signing key: no rollover certificate in the path", async () => {
    const r1 = await run(eeNew, { intermediates: all, anchors: [newRoot] });
    expectValid(r1);
    expectPathDers(r1, [eeNew.der, newRoot.der]);
    const r2 = await run(eeOld, { intermediates: all, anchors: [oldRoot] });
    expectValid(r2);
    expectPathDers(r2, [eeOld.der, oldRoot.der]);
  });

  it("both roots in the trust list: each EE validates straight to the root holding its key", async () => {
    const r1 = await run(eeNew, { intermediates: all, anchors: [oldRoot, newRoot] });
    expectValid(r1);
    expectPathDers(r1, [eeNew.der, newRoot.der]);
    const r2 = await run(eeOld, { intermediates: all, anchors: [newRoot, oldRoot] });
    expectValid(r2);
    expectPathDers(r2, [eeOld.der, oldRoot.der]);
  });

  it("without the rollover certificates the old anchor cannot validate the new key's EE", async () => {
    const r = await run(eeNew, { intermediates: [newRoot], anchors: [oldRoot] });
    expect(r.valid).toBe(false);
    expect(r.error!.code, r.error!.message).toBe("INVALID_SIGNATURE");
    const r2 = await run(eeOld, { intermediates: [oldRoot, newWithOld], anchors: [newRoot] });
    expect(r2.valid).toBe(false);
  });
});
