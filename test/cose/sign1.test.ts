// COSE_Sign1 signers identified by x5chain / x5t / x5bag (RFC 9360), validated through a
// bridge CA with policy mappings to the device's TAM anchor, and every way it must fail,
// each with its TEEP err-code. Keys, PKI and messages are all generated here.
import { describe, expect, it } from "vitest";
import { createHash, createPublicKey, sign as nodeSign } from "node:crypto";
import { generateKey } from "../../testsuite/src/generate/pki.js";
import { encodeCbor, Tagged } from "../../src/cose/cbor.js";
import {
  COSE_ALG,
  COSE_HEADER,
  coseKeyThumbprint,
  coseSign1,
  CoseTrustAnchorStore,
  decodeQueryRequest,
  verifyCose,
  verifyCoseSign1,
  x5,
  x5t,
  TEEP_DATA_ITEM,
  type CoseVerifyOptions,
  type Label,
} from "../../src/index.js";
import { devicePolicy, DEVICE_POLICY, expectFailure, expectValid, hx5bag, hx5chain, NOW, queryRequest, signedBy, teepWorld } from "./helpers.js";

const w = teepWorld();
const H = COSE_HEADER;
const SIGNER = "O=TAM Operator, CN=TAM Signer";
const opts = (o: Partial<CoseVerifyOptions> = {}): CoseVerifyOptions => ({ anchors: w.anchors.tam, policy: devicePolicy, time: NOW, ...o });
const check = (msg: Uint8Array, o: Partial<CoseVerifyOptions> = {}) => verifyCoseSign1(msg, opts(o));

/** A COSE_Sign1 written element by element (for messages the signing utility refuses to make). */
function craft(prot: Uint8Array | Map<unknown, unknown>, unprot: Map<unknown, unknown>, payload: Uint8Array | null, sig: Uint8Array, tag: number | null = 18): Uint8Array {
  const p = prot instanceof Uint8Array ? prot : encodeCbor(prot);
  const arr = [p, unprot, payload, sig];
  return encodeCbor(tag === null ? arr : new Tagged(tag, arr));
}

describe("COSE_Sign1: a TAM QueryRequest through a bridge CA with policy mappings", () => {
  it("passes: x5chain protected, bridge cross-certificates in an unprotected x5bag", async () => {
    const r = await check(signedBy(w, w.tamSigner, COSE_ALG.ESP256));
    expectValid(r);
    expect(r.kind).toBe("COSE_Sign1");
    expect(r.alg).toBe(-9);
    expect(r.algName).toBe("ESP256");
    expect(r.signer!.kind).toBe("x509");
    expect(r.signer!.path.map((p) => p.subject)).toEqual([
      SIGNER,
      "O=TAM Operator, CN=TAM CA",
      "O=TAM Operator, CN=TAM Root",
      "O=TEE Bridge, CN=TEE Bridge CA",
      "O=Device Maker, CN=Device Trust Root",
    ]);
    // The TAM Root on the path is the bridge's cross-certificate, not the self-signed one from x5chain.
    expect(Buffer.from(r.signer!.path[2]!.der).equals(Buffer.from(w.tamRootByBridge.der))).toBe(true);
    expect(r.signer!.policies).toEqual([DEVICE_POLICY]);
    const q = decodeQueryRequest(r.payload!);
    expect(q.dataItemRequested).toBe(TEEP_DATA_ITEM.attestation | TEEP_DATA_ITEM.trustedComponents);
    expect(r.headers!.protected.has(H.x5chain)).toBe(true);
  });

  it("returns the RFC 9679 thumbprint of the signer key (checked against a hand-built COSE_Key)", async () => {
    const r = await check(signedBy(w, w.tamSigner, COSE_ALG.ESP256));
    expectValid(r);
    const jwk = createPublicKey({ key: Buffer.from(w.tamSigner.key.spki), format: "der", type: "spki" }).export({ format: "jwk" });
    const x = Buffer.from(jwk.x!, "base64url");
    const y = Buffer.from(jwk.y!, "base64url");
    // {1: 2, -1: 1, -2: x, -3: y} in deterministic CBOR, written out byte by byte.
    const coseKey = Buffer.concat([Buffer.from("a401022001215820", "hex"), x, Buffer.from("225820", "hex"), y]);
    const expected = createHash("sha256").update(coseKey).digest("hex");
    expect(r.thumbprintHex).toBe(expected);
    expect(Buffer.from(r.thumbprint!).toString("hex")).toBe(expected);
    expect(Buffer.from(coseKeyThumbprint(w.tamSigner.key.spki)).toString("hex")).toBe(expected);
  });

  it("passes through verifyCose as well, and untagged", async () => {
    const msg = coseSign1(queryRequest(), w.tamSigner.key, COSE_ALG.ESP256, { protected: [hx5chain(w.chainOf(w.tamSigner))], unprotected: [hx5bag(w.bag)], tagged: false });
    expectValid(await check(msg));
    expectValid(await verifyCose(msg, opts()));
    expectFailure(await check(msg, { requireTag: true }), "MALFORMED_COSE", 1);
  });

  it("fails EXPIRED -> TEEP 9: the TAM signer certificate has expired", async () => {
    const expired = w.signer("p256", undefined, { keySeed: "expired", notBefore: -400, notAfter: -35 });
    const r = await check(signedBy(w, expired, COSE_ALG.ESP256));
    expectFailure(r, "EXPIRED", 9, SIGNER, 0);
    expect(r.error!.errMsg).toBe(`certificate expired: ${SIGNER} (#0)`);
    expect(r.signer!.path[0]!.subject).toBe(SIGNER);
  });

  it("fails NOT_YET_VALID -> TEEP 9", async () => {
    const early = w.signer("p256", undefined, { keySeed: "early", notBefore: 10, notAfter: 400 });
    expectFailure(await check(signedBy(w, early, COSE_ALG.ESP256)), "NOT_YET_VALID", 9, SIGNER, 0);
  });

  it("fails EXPIRED -> TEEP 9 naming the intermediate when the TAM CA has expired", async () => {
    const oldCa = w.pki.ca("CN=Old TAM CA,O=TAM Operator", w.tamRoot, { notBefore: -900, notAfter: -1, extensions: { certificatePolicies: ["1.3.6.1.4.1.55555.70.3"] } });
    const ee = w.pki.ee("CN=TAM Signer,O=TAM Operator", oldCa, { keyAlg: "p256", keySeed: "old-ca", notBefore: -30, notAfter: 30 });
    const msg = coseSign1(queryRequest(), ee.key, COSE_ALG.ESP256, { protected: [hx5chain([ee.der, oldCa.der])], unprotected: [hx5bag(w.bag)] });
    const r = await check(msg, { policy: undefined });
    expectFailure(r, "EXPIRED", 9, "O=TAM Operator, CN=Old TAM CA", 1);
  });

  it("fails NO_PATH -> TEEP 6 without the x5bag: the self-signed TAM Root in x5chain is no anchor", async () => {
    const msg = signedBy(w, w.tamSigner, COSE_ALG.ESP256, { unprotected: [] });
    const r = await check(msg);
    expectFailure(r, "NO_PATH", 6, SIGNER);
    expect(r.error!.errMsg).toBe(`no path to a trusted anchor: ${SIGNER}`);
    // The same message is valid once the TAM root is (out of band) an anchor: the rejection is the anchors'.
    expectValid(await check(msg, { anchors: [w.tamRoot.der], policy: undefined }));
  });

  it("passes: the bridge certificates may come from the caller instead (options.certificates)", async () => {
    expectValid(await check(signedBy(w, w.tamSigner, COSE_ALG.ESP256, { unprotected: [] }), { certificates: w.bag }));
  });

  it("passes: x5chain may list any subset and order; the path builder still finds the path", async () => {
    const msg = signedBy(w, w.tamSigner, COSE_ALG.ESP256, { protected: [hx5chain([w.tamSigner.der, w.bridgeByDevice.der, w.tamRoot.der])], unprotected: [hx5bag([w.tamCa.der, w.tamRootByBridge.der])] });
    expectValid(await check(msg));
  });

  it("fails SIGNER_NOT_PROTECTED -> TEEP 6: x5chain only in the unprotected header", async () => {
    const msg = signedBy(w, w.tamSigner, COSE_ALG.ESP256, { protected: [], unprotected: [hx5chain(w.chainOf(w.tamSigner)), hx5bag(w.bag)] });
    const r = await check(msg);
    expectFailure(r, "SIGNER_NOT_PROTECTED", 6, SIGNER, 0);
    expect(r.error!.message).toContain("RFC 9360 2");
  });

  it("fails POLICY -> TEEP 6: policy mapping inhibited by the device (initial-policy-mapping-inhibit)", async () => {
    const r = await check(signedBy(w, w.tamSigner, COSE_ALG.ESP256), { policy: { ...devicePolicy, policyMappingInhibit: true } });
    expectFailure(r, "POLICY", 6);
    expect(r.error!.certIndex).toBeDefined();
    expect(r.error!.errMsg).toContain(r.signer!.path[r.error!.certIndex!]!.subject);
  });

  it("fails POLICY -> TEEP 6: policy mapping inhibited by the device's cross-certificate (inhibitPolicyMapping 0)", async () => {
    const inhibiting = w.pki.cross(w.deviceRoot, w.bridge, {
      extensions: { certificatePolicies: [DEVICE_POLICY], policyMappings: [[DEVICE_POLICY, "1.3.6.1.4.1.55555.70.2"]], policyConstraints: { inhibitPolicyMapping: 0 } },
    });
    const msg = signedBy(w, w.tamSigner, COSE_ALG.ESP256, { unprotected: [hx5bag([w.tamRootByBridge.der, inhibiting.der])] });
    const r = await check(msg);
    expectFailure(r, "POLICY", 6);
    expect(r.error!.errMsg).toContain("CN=");
  });

  it("fails REVOKED -> TEEP 6 with revocation checking (the TAM CA's CRL lists the signer)", async () => {
    const crl = w.pki.crl(w.tamCa, { revoked: [w.tamSigner] });
    const r = await check(signedBy(w, w.tamSigner, COSE_ALG.ESP256), { revocation: { mode: "soft", crls: [crl.der] } });
    expectFailure(r, "REVOKED", 6, SIGNER, 0);
  });

  it("fails SIGNATURE_INVALID -> TEEP 6 when the payload is altered", async () => {
    const good = signedBy(w, w.tamSigner, COSE_ALG.ESP256);
    const payload = queryRequest();
    const i = Buffer.from(good).indexOf(Buffer.from(payload));
    const bad = Uint8Array.from(good);
    bad[i + payload.length - 1]! ^= 1;
    expectFailure(await check(bad), "SIGNATURE_INVALID", 6, SIGNER);
  });

  it("fails SIGNER_KEY_USAGE when the signer certificate's keyUsage forbids signing", async () => {
    const ee = w.signer("p256", undefined, { keySeed: "ku", extensions: { keyUsage: ["keyEncipherment"] } });
    expectFailure(await check(signedBy(w, ee, COSE_ALG.ESP256)), "SIGNER_KEY_USAGE", 6, SIGNER, 0);
    const nr = w.signer("p256", undefined, { keySeed: "nr", extensions: { keyUsage: ["nonRepudiation"] } });
    expectValid(await check(signedBy(w, nr, COSE_ALG.ESP256)));
  });
});

describe("COSE_Sign1: untrusted signers", () => {
  const rogueRoot = w.pki.root("CN=TAM Root,O=TAM Operator", { keySeed: "rogue" });
  const rogue = w.pki.ee("CN=TAM Signer,O=TAM Operator", rogueRoot, { keyAlg: "p256", keySeed: "rogue" });
  const rogueMsg = (extra: [Label, unknown][] = []) =>
    coseSign1(queryRequest(), rogue.key, COSE_ALG.ESP256, { protected: [hx5chain([rogue.der, rogueRoot.der]), ...extra] });

  it("fails NO_PATH -> TEEP 6: signed by an untrusted key whose x5chain holds its self-signed root", async () => {
    const r = await check(rogueMsg());
    expectFailure(r, "NO_PATH", 6, SIGNER);
    // Control: with that root as an anchor the message would pass; only the anchors reject it.
    expectValid(await check(rogueMsg(), { anchors: [rogueRoot.der], policy: undefined }));
  });

  it("fails NO_PATH -> TEEP 6: the self-signed root in a protected x5bag too", async () => {
    expectFailure(await check(rogueMsg([hx5bag([rogueRoot.der])])), "NO_PATH", 6);
  });

  it("fails INVALID_SIGNATURE -> TEEP 6: with the real bridge certificates in x5bag, the rogue root's name leads nowhere", async () => {
    // The rogue root shares the TAM Root's name, so the path builder tries the bridge's cross-certificate for it.
    const msg = coseSign1(queryRequest(), rogue.key, COSE_ALG.ESP256, { protected: [hx5chain([rogue.der, rogueRoot.der])], unprotected: [hx5bag(w.bag)] });
    const r = await check(msg);
    expect(r.valid).toBe(false);
    expect(r.error!.code, r.error!.message).toBe("INVALID_SIGNATURE");
    expect(r.error!.teepError).toBe(6);
  });

  it("fails -> TEEP 6: a rogue self-signed root named like the device anchor", async () => {
    const fakeAnchor = w.pki.root("CN=Device Trust Root,O=Device Maker", { keySeed: "fake" });
    const ee = w.pki.ee("CN=TAM Signer,O=TAM Operator", fakeAnchor, { keyAlg: "p256", keySeed: "fake" });
    const r = await check(coseSign1(queryRequest(), ee.key, COSE_ALG.ESP256, { protected: [hx5chain([ee.der, fakeAnchor.der])] }));
    expect(r.valid).toBe(false);
    expect(r.error!.code, r.error!.message).toBe("INVALID_SIGNATURE");
    expect(r.error!.teepError).toBe(6);
  });

  it("fails SIGNATURE_INVALID -> TEEP 6: the real TAM chain, signed with another key", async () => {
    const msg = coseSign1(queryRequest(), rogue.key, COSE_ALG.ESP256, { protected: [hx5chain(w.chainOf(w.tamSigner))], unprotected: [hx5bag(w.bag)] });
    expectFailure(await check(msg), "SIGNATURE_INVALID", 6, SIGNER);
  });

  it("fails NO_PATH -> TEEP 6: a TAM message checked against another role's anchors", async () => {
    const msg = signedBy(w, w.tamSigner, COSE_ALG.ESP256);
    expectFailure(await check(msg, { anchors: w.anchors.agent }), "NO_PATH", 6);
    expectValid(await check(msg, { anchors: w.anchors.for("tam") }));
  });

  it("never uses a raw-key anchor for a message that names an X.509 signer", async () => {
    const store = new CoseTrustAnchorStore("pinned").addSpki(rogue.key.spki);
    expectFailure(await check(rogueMsg(), { anchors: store }), "NO_PATH", 6);
  });
});

describe("COSE_Sign1: x5t and x5bag (RFC 9360 2)", () => {
  const ee = w.tamSigner;
  const sign = (prot: [Label, unknown][], unprot: [Label, unknown][]) => coseSign1(queryRequest(), ee.key, COSE_ALG.ESP256, { protected: prot, unprotected: unprot });

  it("passes: x5chain unprotected with x5t in the protected header", async () => {
    expectValid(await check(sign([[H.x5t, x5t(ee.der)]], [hx5chain(w.chainOf(ee)), hx5bag(w.bag)])));
  });
  it("passes: x5t protected, the end entity in an unprotected x5bag with the others", async () => {
    expectValid(await check(sign([[H.x5t, x5t(ee.der)]], [hx5bag([w.tamRoot.der, ee.der, w.tamCa.der, ...w.bag])])));
  });
  it("passes: x5t protected, the certificate known out of band (options.certificates)", async () => {
    expectValid(await check(sign([[H.x5t, x5t(ee.der)]], [hx5bag([w.tamCa.der, ...w.bag])]), { certificates: [ee.pem] }));
  });
  it("passes: x5t with SHA-256/64 (-15)", async () => {
    expectValid(await check(sign([[H.x5t, x5t(ee.der, -15)]], [hx5chain(w.chainOf(ee)), hx5bag(w.bag)])));
  });
  it("passes: x5t unprotected when x5chain is protected", async () => {
    expectValid(await check(sign([hx5chain(w.chainOf(ee))], [[H.x5t, x5t(ee.der)], hx5bag(w.bag)])));
  });
  it("fails X5T_MISMATCH: x5t names another certificate than x5chain's first", async () => {
    expectFailure(await check(sign([[H.x5t, x5t(w.tamCa.der)]], [hx5chain(w.chainOf(ee)), hx5bag(w.bag)])), "X5T_MISMATCH", 6, SIGNER);
  });
  it("fails X5T_MISMATCH: x5t names a certificate carried nowhere", async () => {
    expectFailure(await check(sign([[H.x5t, x5t(w.agentRoot.der)]], [hx5bag(w.bag)])), "X5T_MISMATCH", 6);
  });
  it("fails SIGNER_NOT_PROTECTED: x5t and x5chain both unprotected", async () => {
    expectFailure(await check(sign([], [[H.x5t, x5t(ee.der)], hx5chain(w.chainOf(ee)), hx5bag(w.bag)])), "SIGNER_NOT_PROTECTED", 6, SIGNER);
  });
  it("fails BAD_HEADER: x5t with an unsupported hash or the wrong length", async () => {
    expectFailure(await check(sign([[H.x5t, [-99, new Uint8Array(32)]]], [hx5chain(w.chainOf(ee))])), "BAD_HEADER", 1);
    expectFailure(await check(sign([[H.x5t, [-16, new Uint8Array(20)]]], [hx5chain(w.chainOf(ee))])), "BAD_HEADER", 1);
    expectFailure(await check(sign([[H.x5t, "abc"]], [hx5chain(w.chainOf(ee))])), "BAD_HEADER", 1);
  });
  it("passes: a protected x5bag alone, whose one end-entity certificate is the signer", async () => {
    expectValid(await check(sign([hx5bag([w.tamCa.der, ee.der, w.tamRoot.der, ...w.bag])], [])));
  });
  it("fails SIGNER_NOT_PROTECTED: an unprotected x5bag alone", async () => {
    expectFailure(await check(sign([], [hx5bag([w.tamCa.der, ee.der, ...w.bag])])), "SIGNER_NOT_PROTECTED", 6);
  });
  it("fails NO_SIGNER: a protected x5bag of CA certificates only", async () => {
    expectFailure(await check(sign([hx5bag([w.tamCa.der, ...w.bag])], [])), "NO_SIGNER", 6);
  });
  it("fails BAD_HEADER: x5chain that is not a bstr or an array of bstr", async () => {
    expectFailure(await check(sign([[H.x5chain, [1, 2]]], [])), "BAD_HEADER", 1);
    expectFailure(await check(sign([[H.x5chain, []]], [])), "BAD_HEADER", 1);
  });
  it("fails MALFORMED_CERTIFICATE -> TEEP 6: x5chain holding garbage", async () => {
    expectFailure(await check(sign([[H.x5chain, x5([Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)])]], [])), "MALFORMED_CERTIFICATE", 6);
  });
  it("fails NO_SIGNER: no x5chain, x5t or x5bag, and no raw-key anchors", async () => {
    expectFailure(await check(sign([], [])), "NO_SIGNER", 6);
  });
});

describe("COSE_Sign1: algorithms and keys (RFC 9053, RFC 9864, RFC 8230)", () => {
  const cases: [string, number, Parameters<typeof w.signer>[0]][] = [
    ["ES256", -7, "p256"],
    ["ESP256", -9, "p256"],
    ["ES384", -35, "p384"],
    ["ESP384", -51, "p384"],
    ["ES512", -36, "p521"],
    ["ESP512", -52, "p521"],
    ["EdDSA", -8, "ed25519"],
    ["EdDSA", -8, "ed448"],
    ["Ed25519", -19, "ed25519"],
    ["Ed448", -53, "ed448"],
    ["PS256", -37, "rsa-pss"],
    ["PS256", -37, "rsa2048"],
    ["PS384", -38, "rsa2048"],
    ["PS512", -39, "rsa2048"],
  ];
  for (const [name, id, keyAlg] of cases) {
    it(`passes: ${name} (${id}) with a ${keyAlg} signer`, async () => {
      const ee = w.signer(keyAlg);
      const r = await check(signedBy(w, ee, id));
      expectValid(r);
      expect(r.alg).toBe(id);
      expect(r.algName).toBe(name);
      expect(Buffer.from(r.thumbprint!).equals(Buffer.from(coseKeyThumbprint(ee.key.spki)))).toBe(true);
    });
  }

  // The message is signed with a throwaway key of the right type; the certificate's key is checked first.
  const mismatches: [string, number, Parameters<typeof w.signer>[0], Parameters<typeof generateKey>[0]][] = [
    ["ESP256 with a P-384 key", -9, "p384", "p256"],
    ["ES256 with a P-521 key", -7, "p521", "p256"],
    ["ES384 with a P-256 key", -35, "p256", "p384"],
    ["ESP512 with a P-384 key", -52, "p384", "p521"],
    ["Ed25519 with an Ed448 key", -19, "ed448", "ed25519"],
    ["Ed448 with an Ed25519 key", -53, "ed25519", "ed448"],
    ["EdDSA with a P-256 key", -8, "p256", "ed25519"],
    ["ESP256 with an Ed25519 key", -9, "ed25519", "p256"],
    ["PS256 with a P-256 key", -37, "p256", "rsa2048"],
    ["PS256 with a 1024-bit RSA key", -37, "rsa1024", "rsa2048"],
    ["PS384 with an RSASSA-PSS key bound to SHA-256", -38, "rsa-pss", "rsa2048"],
  ];
  for (const [title, id, certKey, sigKey] of mismatches) {
    it(`fails KEY_ALGORITHM_MISMATCH -> TEEP 6: ${title}`, async () => {
      const ee = w.signer(certKey, undefined, { keySeed: "mismatch" });
      const msg = coseSign1(queryRequest(), generateKey(sigKey, `throwaway-${sigKey}`), id, { protected: [hx5chain(w.chainOf(ee))], unprotected: [hx5bag(w.bag)] });
      expectFailure(await check(msg), "KEY_ALGORITHM_MISMATCH", 6, SIGNER, 0);
    });
  }

  it("fails SIGNATURE_INVALID: an ECDSA signature in DER instead of r || s", async () => {
    const ee = w.tamSigner;
    const prot = encodeCbor(new Map<Label, unknown>([[1, -9], [H.x5chain, x5(w.chainOf(ee))]]));
    const payload = queryRequest();
    const der = nodeSign("sha256", encodeCbor(["Signature1", prot, new Uint8Array(0), payload]), { key: ee.key.privateKey!, dsaEncoding: "der" });
    expectFailure(await check(craft(prot, new Map([[H.x5bag, x5(w.bag)]]), payload, new Uint8Array(der))), "SIGNATURE_INVALID", 6, SIGNER);
  });

  it("fails UNSUPPORTED_COSE_ALGORITHM: alg outside expectedAlgorithms", async () => {
    const r = await check(signedBy(w, w.tamSigner, COSE_ALG.ESP256), { expectedAlgorithms: [COSE_ALG.Ed25519] });
    expectFailure(r, "UNSUPPORTED_COSE_ALGORITHM", 5);
    expect(r.alg).toBeUndefined();
  });

  it("fails UNSUPPORTED_COSE_ALGORITHM: unknown, textual or absent alg", async () => {
    const chain = x5(w.chainOf(w.tamSigner));
    const sig = new Uint8Array(64);
    for (const prot of [new Map<Label, unknown>([[1, -999], [H.x5chain, chain]]), new Map<Label, unknown>([[1, "ES256"], [H.x5chain, chain]]), new Map<Label, unknown>([[H.x5chain, chain]])])
      expectFailure(await check(craft(prot, new Map(), queryRequest(), sig)), "UNSUPPORTED_COSE_ALGORITHM", 5);
  });

  it("fails BAD_HEADER: alg only in the unprotected header", async () => {
    const prot = new Map<Label, unknown>([[H.x5chain, x5(w.chainOf(w.tamSigner))]]);
    expectFailure(await check(craft(prot, new Map([[1, -9]]), queryRequest(), new Uint8Array(64))), "BAD_HEADER", 1);
  });
});

describe("COSE_Sign1: structure and strict CBOR (RFC 9052, RFC 8949)", () => {
  const good = () => signedBy(w, w.tamSigner, COSE_ALG.ESP256);
  const prot = () => encodeCbor(new Map<Label, unknown>([[1, -9], [H.x5chain, x5(w.chainOf(w.tamSigner))]]));

  it("fails MALFORMED_COSE: an indefinite-length array", async () => {
    const m = good();
    expect(m[0]).toBe(0xd2);
    expect(m[1]).toBe(0x84);
    const bad = Buffer.concat([Buffer.from([0xd2, 0x9f]), Buffer.from(m.subarray(2)), Buffer.from([0xff])]);
    const r = await check(new Uint8Array(bad));
    expectFailure(r, "MALFORMED_COSE", 1);
    expect(r.error!.message).toContain("indefinite");
  });
  it("fails MALFORMED_COSE: a duplicate label in the protected header", async () => {
    const dup = Uint8Array.of(0xa2, 0x01, 0x28, 0x01, 0x28); // {1: -9, 1: -9}
    const r = await check(craft(dup, new Map(), queryRequest(), new Uint8Array(64)));
    expectFailure(r, "MALFORMED_COSE", 1);
    expect(r.error!.message).toContain("repeat map key");
  });
  it("fails MALFORMED_COSE: a duplicate label in the unprotected header", async () => {
    const m = craft(prot(), new Map([[4, new Uint8Array(1)]]), queryRequest(), new Uint8Array(64));
    const i = Buffer.from(m).indexOf(Buffer.from([0xa1, 0x04, 0x41, 0x00]));
    const bad = Buffer.concat([m.subarray(0, i), Buffer.from([0xa2, 0x04, 0x41, 0x00, 0x04, 0x41, 0x01]), m.subarray(i + 4)]);
    expectFailure(await check(new Uint8Array(bad)), "MALFORMED_COSE", 1);
  });
  it("fails MALFORMED_COSE: an integer not in its shortest form", async () => {
    const nonMinimal = Uint8Array.of(0xa1, 0x01, 0x38, 0x08); // {1: -9} with -9 in two bytes
    expectFailure(await check(craft(nonMinimal, new Map(), queryRequest(), new Uint8Array(64))), "MALFORMED_COSE", 1);
  });
  it("fails MALFORMED_COSE: trailing bytes, wrong tag, wrong shape, empty input", async () => {
    expectFailure(await check(new Uint8Array([...good(), 0x00])), "MALFORMED_COSE", 1);
    expectFailure(await check(craft(prot(), new Map(), queryRequest(), new Uint8Array(64), 17)), "MALFORMED_COSE", 1);
    expectFailure(await check(encodeCbor(new Tagged(18, [prot(), new Map(), queryRequest()]))), "MALFORMED_COSE", 1);
    expectFailure(await check(encodeCbor(new Tagged(18, [prot(), new Map(), 5, new Uint8Array(64)]))), "MALFORMED_COSE", 1);
    expectFailure(await check(encodeCbor(new Tagged(18, [new Map(), new Map(), queryRequest(), new Uint8Array(64)]))), "MALFORMED_COSE", 1);
    expectFailure(await check(encodeCbor(new Tagged(18, [encodeCbor([1]), new Map(), queryRequest(), new Uint8Array(64)]))), "MALFORMED_COSE", 1);
    expectFailure(await check(new Uint8Array(0)), "MALFORMED_COSE", 1);
    expectFailure(await check(Uint8Array.of(0xf7)), "MALFORMED_COSE", 1);
  });
  it("fails MALFORMED_COSE: a COSE_Sign given to verifyCoseSign1", async () => {
    const sign = encodeCbor(new Tagged(98, [new Uint8Array(0), new Map(), queryRequest(), [[prot(), new Map(), new Uint8Array(64)]]]));
    expectFailure(await check(sign), "MALFORMED_COSE", 1);
  });
  it("fails BAD_HEADER: the same label in both buckets", async () => {
    const msg = coseSign1(queryRequest(), w.tamSigner.key, -9, { protected: [hx5chain(w.chainOf(w.tamSigner))], unprotected: [hx5chain(w.chainOf(w.tamSigner))] });
    expectFailure(await check(msg), "BAD_HEADER", 1);
  });
  it("fails BAD_HEADER: a label that is neither int nor tstr; kid that is not a bstr", async () => {
    expectFailure(await check(craft(prot(), new Map([[new Uint8Array([1]), 1]]), queryRequest(), new Uint8Array(64))), "BAD_HEADER", 1);
    expectFailure(await check(craft(prot(), new Map([[4, "kid"]]), queryRequest(), new Uint8Array(64))), "BAD_HEADER", 1);
  });
  it("crit: names only understood, protected labels (RFC 9052 3.1)", async () => {
    const s = (p: [Label, unknown][], u: [Label, unknown][] = []) =>
      coseSign1(queryRequest(), w.tamSigner.key, -9, { protected: [hx5chain(w.chainOf(w.tamSigner)), ...p], unprotected: [hx5bag(w.bag), ...u] });
    expectValid(await check(s([[2, [H.x5chain]]])));
    expectFailure(await check(s([[2, [99]], [99, "x"]])), "BAD_HEADER", 1);
    expectValid(await check(s([[2, [99]], [99, "x"]]), { understoodHeaders: [99] }));
    expectFailure(await check(s([[2, [98]]]), { understoodHeaders: [98] }), "BAD_HEADER", 1);
    expectFailure(await check(s([], [[2, [H.x5chain]]])), "BAD_HEADER", 1);
    expectFailure(await check(s([[2, []]])), "BAD_HEADER", 1);
  });
  it("external_aad is part of the signature (RFC 9052 4.3)", async () => {
    const aad = new TextEncoder().encode("teep-session-1");
    const msg = coseSign1(queryRequest(), w.tamSigner.key, -9, { protected: [hx5chain(w.chainOf(w.tamSigner))], unprotected: [hx5bag(w.bag)], externalAad: aad });
    expectValid(await check(msg, { externalAad: aad }));
    expectFailure(await check(msg), "SIGNATURE_INVALID", 6);
  });
  it("detached payloads (RFC 9052 2)", async () => {
    const payload = queryRequest();
    const msg = coseSign1(payload, w.tamSigner.key, -9, { protected: [hx5chain(w.chainOf(w.tamSigner))], unprotected: [hx5bag(w.bag)], detached: true });
    const r = await check(msg, { detachedPayload: payload });
    expectValid(r);
    expect(Buffer.from(r.payload!).equals(Buffer.from(payload))).toBe(true);
    expectFailure(await check(msg), "DETACHED_PAYLOAD", 1);
    expectFailure(await check(good(), { detachedPayload: payload }), "DETACHED_PAYLOAD", 1);
  });
  it("throws TypeError only for options of the wrong type", async () => {
    await expect(verifyCoseSign1(good(), {} as CoseVerifyOptions)).rejects.toThrow(TypeError);
    await expect(verifyCoseSign1(good(), { anchors: [], externalAad: "x" as unknown as Uint8Array })).rejects.toThrow(TypeError);
  });
});
