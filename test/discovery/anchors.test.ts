// Trust anchors in every form `verify` accepts (RFC 5914, RFC 5280 6.1.1 (d)): a
// TrustAnchorInfo DER (alone and as TrustAnchorChoice [2]) built here with asn1js, with
// CertPathControls constraints that are always enforced; a bare `{ subject, publicKey }`;
// and trust lists with anchors from several domains and anchors sharing a name.
import * as asn1js from "asn1js";
import { describe, expect, it } from "vitest";
import { encodeGeneralName, keyIdentifier, toPem, type Entity } from "../../testsuite/src/generate/pki.js";
import { dn, expectCode, expectPathDers, expectValid, OIDS, pki, run, subjects } from "./helpers.js";

const { P1, P2 } = OIDS;

const block = (der: Uint8Array) => {
  const r = asn1js.fromBER(der);
  if (r.offset === -1) throw new Error(r.result.error);
  return r.result;
};
const ctx = (tagNumber: number, value: asn1js.BaseBlock[]) => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value });
const ctxPrim = (tagNumber: number, bytes: Uint8Array) => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber }, valueHex: bytes });

interface TaiSpec {
  anchor: Entity;
  title?: string;
  /** CertPathControls.certificate [0]. */
  withCert?: boolean;
  /** policySet [1]. */
  policies?: string[];
  /** policyFlags [2]. */
  flags?: { inhibitPolicyMapping?: boolean; requireExplicitPolicy?: boolean; inhibitAnyPolicy?: boolean };
  /** nameConstr [3] permittedSubtrees, as general names ("dn:O=Dom1,C=US"). */
  permitted?: string[];
  /** pathLenConstraint [4]. */
  pathLen?: number;
  /** Wrap as TrustAnchorChoice taInfo [2] EXPLICIT. */
  choice?: boolean;
}

/** RFC 5914 2: TrustAnchorInfo (IMPLICIT tags), DER. */
function trustAnchorInfo(s: TaiSpec): Uint8Array {
  const controls: asn1js.BaseBlock[] = [block(s.anchor.nameDer)];
  if (s.withCert) controls.push(ctx(0, (block(s.anchor.der) as asn1js.Sequence).valueBlock.value));
  if (s.policies) controls.push(ctx(1, s.policies.map((o) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: o })] }))));
  if (s.flags) {
    const f = s.flags;
    const bits = (f.inhibitPolicyMapping ? 0x80 : 0) | (f.requireExplicitPolicy ? 0x40 : 0) | (f.inhibitAnyPolicy ? 0x20 : 0);
    controls.push(ctxPrim(2, Uint8Array.of(5, bits)));
  }
  if (s.permitted) {
    const subtrees = s.permitted.map((g) => new asn1js.Sequence({ value: [block(encodeGeneralName(g))] }));
    controls.push(ctx(3, [ctx(0, subtrees)]));
  }
  if (s.pathLen !== undefined) controls.push(ctxPrim(4, Uint8Array.of(s.pathLen)));
  const tai = new asn1js.Sequence({
    value: [
      block(s.anchor.key.spki),
      new asn1js.OctetString({ valueHex: keyIdentifier(s.anchor.key.spki) }),
      ...(s.title ? [new asn1js.Utf8String({ value: s.title })] : []),
      new asn1js.Sequence({ value: controls }),
    ],
  });
  const out = s.choice ? ctx(2, [tai]) : tai;
  return new Uint8Array(out.toBER(false));
}

describe("RFC 5914 TrustAnchorInfo", () => {
  const p = pki("discovery-tai");
  const ROOT = "CN=TAI Root,O=Dom1,C=US";
  const root = p.root(ROOT);
  const ca = p.ca("CN=TAI CA,O=Dom1,C=US", root, { extensions: { certificatePolicies: ["anyPolicy"] } });
  const ee = p.ee("CN=tai-ee,O=Dom1,C=US", ca, { extensions: { certificatePolicies: [P1] } });
  const eeP2 = p.ee("CN=tai-ee-p2,O=Dom1,C=US", ca, { extensions: { certificatePolicies: [P2] } });
  const eeDom2 = p.ee("CN=tai-ee-dom2,O=Dom2,C=US", ca);
  const direct = p.ee("CN=tai-direct,O=Dom1,C=US", root);

  it("the DER built here is a TrustAnchorInfo certpath reads: name and key from it, title in the label", async () => {
    const tai = trustAnchorInfo({ anchor: root, title: "Dom1 anchor" });
    expect(tai[0]).toBe(0x30);
    const r = await run(ee, { intermediates: [ca], anchors: [tai] });
    expectValid(r);
    expect(subjects(r)).toEqual([dn("CN=tai-ee,O=Dom1,C=US"), dn("CN=TAI CA,O=Dom1,C=US"), dn(ROOT)]);
    expectPathDers(r, [ee.der, ca.der, undefined]);
  });

  it("as TrustAnchorChoice [2], and with the certificate inside CertPathControls", async () => {
    const choice = trustAnchorInfo({ anchor: root, choice: true });
    expect(choice[0]).toBe(0xa2);
    expectValid(await run(ee, { intermediates: [ca], anchors: [choice] }));
    const withCert = trustAnchorInfo({ anchor: root, withCert: true });
    const r = await run(ee, { intermediates: [ca], anchors: [withCert] });
    expectValid(r);
    expect(subjects(r).at(-1)).toBe(dn(ROOT));
  });

  it("pathLenConstraint 0 is enforced without enforceAnchorConstraints: no CA below the anchor", async () => {
    const tai = trustAnchorInfo({ anchor: root, pathLen: 0 });
    expectValid(await run(direct, { anchors: [tai] }));
    const r = await run(ee, { intermediates: [ca], anchors: [tai] });
    expectCode(r, "PATH_LENGTH_EXCEEDED");
    expect(r.error!.certIndex).toBe(1);
    expectValid(await run(ee, { intermediates: [ca], anchors: [trustAnchorInfo({ anchor: root, pathLen: 1 })] }));
  });

  it("nameConstr permits O=Dom1 only: an EE named in Dom2 fails, one in Dom1 passes", async () => {
    const tai = trustAnchorInfo({ anchor: root, permitted: ["dn:O=Dom1,C=US"] });
    expectValid(await run(ee, { intermediates: [ca], anchors: [tai] }));
    const r = await run(eeDom2, { intermediates: [ca], anchors: [tai] });
    expectCode(r, "NAME_CONSTRAINTS");
    expect(r.error!.certIndex).toBe(0);
    expect(r.error!.message).toContain("tai-ee-dom2");
    // The same anchor as a certificate has no such constraint.
    expectValid(await run(eeDom2, { intermediates: [ca], anchors: [root] }));
  });

  it("policySet [P1] with requireExplicitPolicy: P1 passes (reported), P2 fails", async () => {
    const tai = trustAnchorInfo({ anchor: root, policies: [P1], flags: { requireExplicitPolicy: true } });
    const ok = await run(ee, { intermediates: [ca], anchors: [tai] });
    expectValid(ok);
    expect(ok.policies).toEqual([P1]);
    expectCode(await run(eeP2, { intermediates: [ca], anchors: [tai] }), "POLICY");
    // Without the flag, P2 still passes with no acceptable policy left to report.
    const loose = await run(eeP2, { intermediates: [ca], anchors: [trustAnchorInfo({ anchor: root, policies: [P1] })] });
    expectValid(loose);
    expect(loose.policies).toEqual([]);
  });

  it("constraints of different anchors apply only to paths that end at them", async () => {
    const tight = trustAnchorInfo({ anchor: root, pathLen: 0 });
    const other = p.root("CN=Other Root,O=Dom9,C=US");
    const r = await run(direct, { anchors: [trustAnchorInfo({ anchor: other }), tight] });
    expectValid(r);
    expectCode(await run(ee, { intermediates: [ca], anchors: [trustAnchorInfo({ anchor: other }), tight] }), "PATH_LENGTH_EXCEEDED");
  });
});

describe("`{ subject, publicKey }` anchors", () => {
  const p = pki("discovery-name-key");
  const root = p.root("CN=Root,O=X,C=US");
  const ca = p.ca("CN=NK CA,O=X,C=US", root);
  const ee = p.ee("CN=nk-ee,O=X,C=US", ca);

  it("subject in certpath's printed order and a DER SubjectPublicKeyInfo", async () => {
    const r = await run(ee, { intermediates: [ca], anchors: [{ subject: "C=US, O=X, CN=Root", publicKey: root.key.spki }] });
    expectValid(r);
    expect(subjects(r)).toEqual([dn("CN=nk-ee,O=X,C=US"), dn("CN=NK CA,O=X,C=US"), "C=US, O=X, CN=Root"]);
  });

  it("PEM public key and a DER Name work too", async () => {
    expectValid(await run(ee, { intermediates: [ca], anchors: [{ subject: "C=US, O=X, CN=Root", publicKey: toPem(root.key.spki, "PUBLIC KEY") }] }));
    expectValid(await run(ee, { intermediates: [ca], anchors: [{ subject: root.nameDer, publicKey: root.key.spki }] }));
  });

  it("the name written in the other order is another name: NO_PATH", async () => {
    const r = await run(ee, { intermediates: [ca], anchors: [{ subject: "CN=Root, O=X, C=US", publicKey: root.key.spki }] });
    expectCode(r, "NO_PATH");
  });

  it("the right name with another key does not validate", async () => {
    const r = await run(ee, { intermediates: [ca], anchors: [{ subject: "C=US, O=X, CN=Root", publicKey: p.keyFor("CN=Root,O=X,C=US", "ed25519", "other").spki }] });
    expect(r.valid).toBe(false);
    expectCode(r, "INVALID_SIGNATURE");
  });
});

describe("trust lists", () => {
  const p = pki("discovery-trust-list");
  const doms = [1, 2, 3].map((i) => p.root(`CN=Dom${i} Root,O=Dom${i},C=US`));
  const cas = doms.map((r, i) => p.ca(`CN=Dom${i + 1} CA,O=Dom${i + 1},C=US`, r));
  const ees = cas.map((c, i) => p.ee(`CN=user,O=Dom${i + 1},C=US`, c));

  it("anchors from three domains: each EE validates to its own domain's anchor", async () => {
    for (let i = 0; i < 3; i++) {
      const r = await run(ees[i]!, { intermediates: cas, anchors: doms });
      expectValid(r);
      expectPathDers(r, [ees[i]!.der, cas[i]!.der, doms[i]!.der]);
    }
  });

  it("mixed forms in one list (certificate, TrustAnchorInfo, name and key)", async () => {
    const anchors = [doms[0]!, trustAnchorInfo({ anchor: doms[1]! }), { subject: dn("CN=Dom3 Root,O=Dom3,C=US"), publicKey: doms[2]!.key.spki }];
    for (let i = 0; i < 3; i++) expectValid(await run(ees[i]!, { intermediates: cas, anchors }));
  });

  describe("anchors sharing a name with different keys", () => {
    const NAME = "CN=Shared Root,O=Shared,C=US";
    const rootA = p.root(NAME, { keySeed: "A" });
    const rootB = p.root(NAME, { keySeed: "B" });
    const caB = p.ca("CN=Shared CA,O=Shared,C=US", rootB);
    const eeB = p.ee("CN=shared-ee,O=Shared,C=US", caB);
    // Without an authority key identifier, only the signature tells the anchors apart.
    const caBNoAkid = p.ca("CN=Shared CA 2,O=Shared,C=US", rootB, { extensions: { authorityKeyIdentifier: false } });
    const eeBNoAkid = p.ee("CN=shared-ee-2,O=Shared,C=US", caBNoAkid);

    it.each([
      ["A first", () => [rootA, rootB]],
      ["B first", () => [rootB, rootA]],
    ])("the anchor whose key signed is used (%s)", async (_label, anchors) => {
      const r = await run(eeB, { intermediates: [caB], anchors: anchors() });
      expectValid(r);
      expectPathDers(r, [eeB.der, caB.der, rootB.der]);
      const r2 = await run(eeBNoAkid, { intermediates: [caBNoAkid], anchors: anchors() });
      expectValid(r2);
      expectPathDers(r2, [eeBNoAkid.der, caBNoAkid.der, rootB.der]);
    });

    it("as `{ subject, publicKey }` pairs too", async () => {
      const r = await run(eeBNoAkid, {
        intermediates: [caBNoAkid],
        anchors: [
          { subject: dn(NAME), publicKey: rootA.key.spki },
          { subject: dn(NAME), publicKey: rootB.key.spki },
        ],
      });
      expectValid(r);
      expect(r.path.at(-1)!.subject).toBe(dn(NAME));
    });

    it("only the wrong one in the list: not valid", async () => {
      const r = await run(eeB, { intermediates: [caB], anchors: [rootA] });
      expect(r.valid).toBe(false);
    });
  });
});
