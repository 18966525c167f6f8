// RFC 5937: with enforceAnchorConstraints, the trust anchor certificate's own validity,
// basicConstraints, name constraints and policy constraints apply; without it, an anchor
// is only a name and a key (RFC 5280 6.1.1 (d)).
import { describe, expect, it } from "vitest";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { verify } from "../../src/index.js";
import { NOW, expectError, expectValid, pki, run } from "./helpers.js";

const RULE = "RFC 5937";

/** verify with no enforceAnchorConstraints option: the default. */
function verifyWith(ee: Entity, cas: Entity[], anchor: Entity | { subject: Uint8Array; publicKey: Uint8Array }) {
  return verify({ target: ee.der, intermediates: cas.map((c) => c.der), trustAnchors: ["der" in anchor ? anchor.der : anchor], time: NOW });
}

describe("ANCHOR_CONSTRAINTS (RFC 5937)", () => {
  const p = pki("anchor-constraints");
  const go = (ee: Entity, cas: Entity[], anchor: Entity, enforce: boolean) =>
    run(ee, { intermediates: cas, anchors: [anchor], options: { enforceAnchorConstraints: enforce } });

  describe("validity of the anchor certificate", () => {
    const expired = p.root("CN=TA Expired Root", { notBefore: -800, notAfter: -1 });
    const ca = p.ca("CN=TA CA", expired);
    const ee = p.ee("CN=TA EE", ca);
    it("passes without the flag: an expired anchor certificate still carries a name and a key", async () => {
      expectValid(await go(ee, [ca], expired, false));
    });
    it("fails with the flag: the anchor certificate has expired (certIndex is the anchor's, last in path)", async () => {
      const r = await go(ee, [ca], expired, true);
      expectError(r, "ANCHOR_CONSTRAINTS", 2, "CN=TA Expired Root", RULE);
      expect(r.path.length).toBe(3);
    });
    it("fails with the flag: the anchor certificate is not yet valid", async () => {
      const future = p.root("CN=TA Future Root", { notBefore: 1 });
      const ca2 = p.ca("CN=TA CA 2", future, { notBefore: -1 });
      const r = await go(p.ee("CN=TA EE 2", ca2), [ca2], future, true);
      expectError(r, "ANCHOR_CONSTRAINTS", 2, "CN=TA Future Root", RULE);
    });
    it("passes with the flag: a currently valid anchor", async () => {
      const fine = p.root("CN=TA Fine Root");
      const ca3 = p.ca("CN=TA CA 3", fine);
      expectValid(await go(p.ee("CN=TA EE 3", ca3), [ca3], fine, true));
    });
  });

  describe("basicConstraints of the anchor certificate", () => {
    it("fails with the flag: the anchor certificate says cA FALSE", async () => {
      const notCa = p.root("CN=TA NotCA Root", { extensions: { basicConstraints: { cA: false } } });
      const ca = p.ca("CN=TA CA 4", notCa);
      const ee = p.ee("CN=TA EE 4", ca);
      expectValid(await go(ee, [ca], notCa, false));
      expectError(await go(ee, [ca], notCa, true), "ANCHOR_CONSTRAINTS", 2, "CN=TA NotCA Root", RULE);
    });

    it("passes with the flag: anchor pathLen 0 and an end entity directly below", async () => {
      const tight = p.root("CN=TA Tight Root", { pathLen: 0 });
      expectValid(await go(p.ee("CN=TA EE 5", tight), [], tight, true));
    });

    it("fails with the flag: anchor pathLen 0 and an intermediate CA below (max_path_length := pathLenConstraint, RFC 5937 3.2)", async () => {
      const tight = p.root("CN=TA Tight Root", { pathLen: 0 });
      const ca = p.ca("CN=TA CA 6", tight);
      const ee = p.ee("CN=TA EE 6", ca);
      expectValid(await go(ee, [ca], tight, false));
      expectError(await go(ee, [ca], tight, true), "PATH_LENGTH_EXCEEDED", 1, "CN=TA CA 6", "RFC 5280 6.1.4 (l)");
    });

    it("passes with the flag: anchor pathLen 1 and one intermediate CA", async () => {
      const one = p.root("CN=TA One Root", { pathLen: 1 });
      const ca = p.ca("CN=TA CA 7", one);
      expectValid(await go(p.ee("CN=TA EE 7", ca), [ca], one, true));
    });
  });

  describe("name and policy constraints of the anchor certificate", () => {
    it("fails with the flag: the anchor's permitted subtrees exclude the target's name", async () => {
      const nc = p.root("CN=TA NC Root,O=Dom1,C=US", { extensions: { nameConstraints: { permitted: ["dn:O=Dom1,C=US"] } } });
      const ca = p.ca("CN=TA NC CA,O=Dom1,C=US", nc);
      const ee = p.ee("CN=TA NC EE,O=Dom2,C=US", ca);
      expectValid(await go(ee, [ca], nc, false));
      expectError(await go(ee, [ca], nc, true), "NAME_CONSTRAINTS", 0, "CN=TA NC EE", "RFC 5280 6.1.3 (b)");
    });

    it("fails with the flag: the anchor requires an explicit policy the path does not have", async () => {
      const pc = p.root("CN=TA PC Root", { extensions: { policyConstraints: { requireExplicitPolicy: 0 } } });
      const ca = p.ca("CN=TA PC CA", pc);
      const ee = p.ee("CN=TA PC EE", ca);
      expectValid(await go(ee, [ca], pc, false));
      expectError(await go(ee, [ca], pc, true), "POLICY", 1, "CN=TA PC CA", "RFC 5280 6.1.3 (f)");
    });
  });

  describe("unrecognised critical extensions of the anchor certificate", () => {
    it("fails with the flag: RFC 5937 2 says paths through such an anchor MUST be rejected", async () => {
      const odd = p.root("CN=TA Odd Root", { extensions: { custom: [{ oid: "1.3.6.1.4.1.55555.99.2", critical: true, valueDer: Uint8Array.of(5, 0) }] } });
      const ca = p.ca("CN=TA Odd CA", odd);
      const ee = p.ee("CN=TA Odd EE", ca);
      expectValid(await go(ee, [ca], odd, false));
      const r = await go(ee, [ca], odd, true);
      expectError(r, "UNKNOWN_CRITICAL_EXTENSION", 2, "CN=TA Odd Root", RULE);
    });
  });

  // Issue 9: the default is now on (contract.md); `false` restores name-and-key anchors.
  describe("the default: anchor constraints apply unless enforceAnchorConstraints is false", () => {
    const byDefault = (ee: Entity, cas: Entity[], anchor: Entity | { subject: Uint8Array; publicKey: Uint8Array }) =>
      verifyWith(ee, cas, anchor);
    it("a root that permits only example.com does not certify not-example.com", async () => {
      const root = p.root("CN=TA Default NC Root", { extensions: { nameConstraints: { permitted: ["dns:example.com"] } } });
      const ee = p.ee("CN=TA Default NC EE", root, { extensions: { subjectAltName: ["dns:not-example.com"] } });
      expectError(await byDefault(ee, [], root), "NAME_CONSTRAINTS", 0, "CN=TA Default NC EE", "RFC 5280 6.1.3 (b)");
      expectValid(await go(ee, [], root, false));
      expectValid(await byDefault(p.ee("CN=TA Default NC EE 2", root, { extensions: { subjectAltName: ["dns:www.example.com"] } }), [], root));
    });
    it("an expired root no longer anchors a path", async () => {
      const old = p.root("CN=TA Default Expired Root", { notBefore: -800, notAfter: -1 });
      const ca = p.ca("CN=TA Default CA", old);
      const ee = p.ee("CN=TA Default EE", ca);
      expectError(await byDefault(ee, [ca], old), "ANCHOR_CONSTRAINTS", 2, "CN=TA Default Expired Root", RULE);
      expectValid(await go(ee, [ca], old, false));
      // The same anchor as a name and a key carries no validity to apply.
      const nameAndKey = { subject: old.nameDer, publicKey: old.key.spki };
      expectValid(await byDefault(ee, [ca], nameAndKey));
    });
  });
});
