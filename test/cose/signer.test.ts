// Production signing with keys certpath never holds (issue 15 item 1): a node KeyObject, a
// non-extractable WebCrypto CryptoKey, a PKCS#11 / KMS-style callback (digest in, DER out);
// RS256/384/512 (RFC 8812); the certificate bound through external_aad (RFC 9360 2);
// relaxed decoding; the key / anchor resolution hook.
import { describe, expect, it } from "vitest";
import { constants, createPublicKey, privateEncrypt, sign as nodeSign, verify as nodeVerify, webcrypto } from "node:crypto";
import {
  COSE_ALG,
  COSE_HEADER,
  cryptoKeySigner,
  ecdsaDerToRaw,
  externalSigner,
  keyObjectSigner,
  createVerifier,
  TeepTrustAnchors,
  signCose,
  signCose1,
  verifyCose,
  verifyCoseSign1,
  type CoseVerifyOptions,
} from "../../src/index.js";
import { encodeCbor, strictDecode, Tagged } from "../../src/cose/cbor.js";
import { devicePolicy, expectFailure, expectValid, NOW, queryRequest, teepWorld } from "./helpers.js";

const w = teepWorld("cose-signer-tests");
const opts = (o: Partial<CoseVerifyOptions> = {}): CoseVerifyOptions => ({ anchors: w.anchors.tam, policy: devicePolicy, time: NOW, ...o });
const SIGNER = "O=TAM Operator, CN=TAM Signer";

describe("signCose1 with a KeyObject signer: every algorithm, x5chain protected", () => {
  const cases: [string, number, Parameters<typeof w.signer>[0]][] = [
    ["ESP256", COSE_ALG.ESP256!, "p256"],
    ["ES384", COSE_ALG.ES384!, "p384"],
    ["Ed25519", COSE_ALG.Ed25519!, "ed25519"],
    ["PS256", COSE_ALG.PS256!, "rsa2048"],
    ["RS256", COSE_ALG.RS256!, "rsa2048"],
    ["RS384", COSE_ALG.RS384!, "rsa2048"],
    ["RS512", COSE_ALG.RS512!, "rsa2048"],
  ];
  for (const [name, alg, keyAlg] of cases)
    it(`${name} (${alg}) verifies through the bridge`, async () => {
      const ee = w.signer(keyAlg);
      const msg = await signCose1(queryRequest(), { signer: keyObjectSigner(ee.key.privateKey!, alg), x5chain: w.chainOf(ee), x5bag: w.bag });
      const r = await verifyCoseSign1(msg, opts());
      expectValid(r);
      expect([r.alg, r.algName, r.signer!.subject]).toEqual([alg, name, SIGNER]);
      expect(r.headers!.protected.has(COSE_HEADER.x5chain)).toBe(true);
      expect(r.headers!.unprotected.has(COSE_HEADER.x5bag)).toBe(true);
    });

  it("refuses a key that does not fit the algorithm when the signer is made", () => {
    expect(() => keyObjectSigner(w.signer("p256").key.privateKey!, COSE_ALG.RS256!)).toThrow(/RS256 \(-257\) needs an RSA key/);
    expect(() => keyObjectSigner(w.signer("rsa1024" as "rsa2048").key.privateKey!, COSE_ALG.RS256!)).toThrow(/at least 2048 bits/);
  });

  it("RS256 with a 1024-bit RSA signer certificate fails KEY_ALGORITHM_MISMATCH -> TEEP 6 (RFC 8812 2)", async () => {
    const ee = w.signer("rsa1024" as "rsa2048");
    const sig = (tbs: Uint8Array) => new Uint8Array(nodeSign("sha256", tbs, { key: ee.key.privateKey!, padding: constants.RSA_PKCS1_PADDING }));
    const msg = await signCose1(queryRequest(), { signer: { alg: COSE_ALG.RS256!, sign: async (t) => sig(t) }, x5chain: w.chainOf(ee), x5bag: w.bag });
    expectFailure(await verifyCoseSign1(msg, opts()), "KEY_ALGORITHM_MISMATCH", 6, SIGNER, 0);
  });

  it("x5chain unprotected gets a protected x5t of its first certificate (RFC 9360 2), and verifies", async () => {
    const ee = w.signer("p256");
    const msg = await signCose1(queryRequest(), { signer: keyObjectSigner(ee.key.privateKey!, COSE_ALG.ESP256!), x5chain: w.chainOf(ee), x5chainIn: "unprotected", x5bag: w.bag });
    const r = await verifyCoseSign1(msg, opts());
    expectValid(r);
    expect([r.headers!.protected.has(COSE_HEADER.x5t), r.headers!.unprotected.has(COSE_HEADER.x5chain)]).toEqual([true, true]);
  });

  it("kid goes to the protected bucket by default, to the unprotected one when asked", async () => {
    const ee = w.signer("p256");
    const kid = new Uint8Array([1, 2, 3]);
    const a = strictDecode(await signCose1(new Uint8Array([1]), { signer: keyObjectSigner(ee.key.privateKey!, COSE_ALG.ESP256!), kid }), "m") as Tagged;
    expect((strictDecode((a.value as Uint8Array[])[0]!, "p") as Map<number, unknown>).get(4)).toEqual(kid);
    const b = strictDecode(await signCose1(new Uint8Array([1]), { signer: keyObjectSigner(ee.key.privateKey!, COSE_ALG.ESP256!), kid, kidIn: "unprotected" }), "m") as Tagged;
    expect(((b.value as unknown[])[1] as Map<number, unknown>).get(4)).toEqual(kid);
  });
});

describe("cryptoKeySigner: a non-extractable WebCrypto key", () => {
  it("ECDSA P-256 signs as ESP256 (-9); the key cannot be exported; the message verifies", async () => {
    const pair = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    await expect(webcrypto.subtle.exportKey("pkcs8", pair.privateKey)).rejects.toThrow();
    const spki = new Uint8Array(await webcrypto.subtle.exportKey("spki", pair.publicKey));
    const ee = w.pki.ee("CN=TAM WebCrypto Signer,O=TAM Operator", w.tamCa, { key: { alg: "p256", spki }, extensions: { certificatePolicies: ["1.3.6.1.4.1.55555.70.3"] } });
    const signer = cryptoKeySigner(pair.privateKey);
    expect(signer.alg).toBe(-9);
    const msg = await signCose1(queryRequest(), { signer, x5chain: w.chainOf(ee), x5bag: w.bag });
    const r = await verifyCoseSign1(msg, opts());
    expectValid(r);
    expect(r.signer!.subject).toBe("O=TAM Operator, CN=TAM WebCrypto Signer");
  });

  it("Ed25519, RSA-PSS and RSASSA-PKCS1-v1_5 keys pick Ed25519, PS256 and RS256", async () => {
    const ed = (await webcrypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    expect(cryptoKeySigner(ed.privateKey).alg).toBe(-19);
    const rsa = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
    const pss = (await webcrypto.subtle.generateKey({ name: "RSA-PSS", ...rsa }, false, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const pkcs1 = (await webcrypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", ...rsa }, false, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    expect([cryptoKeySigner(pss.privateKey).alg, cryptoKeySigner(pkcs1.privateKey).alg]).toEqual([-37, -257]);
    // Each signature verifies with node:crypto over the same bytes (salt length = hash length for PS256).
    const tbs = new Uint8Array([9, 9, 9]);
    const pubPss = createPublicKey({ key: Buffer.from(await webcrypto.subtle.exportKey("spki", pss.publicKey)), format: "der", type: "spki" });
    const sig = await cryptoKeySigner(pss.privateKey).sign(tbs);
    expect(pubPss.asymmetricKeyType).toBe("rsa");
    expect(nodeVerify("sha256", tbs, { key: pubPss, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig)).toBe(true);
    expect(() => cryptoKeySigner(pss.privateKey, COSE_ALG.PS384)).toThrow(/PS384 uses sha384, the key is bound to SHA-256/);
    expect(() => cryptoKeySigner(ed.publicKey)).toThrow(/private CryptoKey/);
  });
});

describe("externalSigner: a PKCS#11 / KMS-style callback", () => {
  it("ECDSA answered as DER (as KMS does) is converted to r || s", async () => {
    const ee = w.signer("p384", "CN=TAM Signer,O=TAM Operator", { keySeed: "kms" });
    const calls: number[] = [];
    const signer = externalSigner({
      alg: COSE_ALG.ESP384!,
      signatureFormat: "der",
      publicKey: ee.key.spki,
      sign: async (data) => {
        calls.push(data.length);
        return new Uint8Array(nodeSign("sha384", data, ee.key.privateKey!)); // node's default ECDSA form is DER
      },
    });
    const msg = await signCose1(queryRequest(), { signer, x5chain: w.chainOf(ee), x5bag: w.bag });
    expect(calls.length).toBe(1);
    expectValid(await verifyCoseSign1(msg, opts()));
  });

  it("RS256 over a digest (PKCS#11 CKM_RSA_PKCS with the DigestInfo made by the caller)", async () => {
    const ee = w.signer("rsa2048", "CN=TAM Signer,O=TAM Operator", { keySeed: "hsm" });
    const SHA256_DIGEST_INFO = Buffer.from("3031300d060960864801650304020105000420", "hex"); // RFC 8017 9.2 note 1
    const seen: Uint8Array[] = [];
    const signer = externalSigner({
      alg: COSE_ALG.RS256!,
      input: "digest",
      publicKey: ee.key.spki,
      sign: (digest) => {
        seen.push(digest);
        return new Uint8Array(privateEncrypt({ key: ee.key.privateKey!, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest])));
      },
    });
    const payload = queryRequest();
    const msg = await signCose1(payload, { signer, x5chain: w.chainOf(ee), x5bag: w.bag });
    expect(seen[0]!.length).toBe(32);
    expectValid(await verifyCoseSign1(msg, opts()));
  });

  it("a callback whose signature does not verify with the given public key is refused before the message is made", async () => {
    const ee = w.signer("p256");
    const other = w.signer("p256", "CN=Other,O=TAM Operator", { keySeed: "other" });
    const signer = externalSigner({ alg: COSE_ALG.ESP256!, publicKey: ee.key.spki, sign: (d) => new Uint8Array(nodeSign("sha256", d, { key: other.key.privateKey!, dsaEncoding: "ieee-p1363" })) });
    await expect(signCose1(queryRequest(), { signer, x5chain: w.chainOf(ee) })).rejects.toThrow(/does not verify with the given public key/);
    expect(() => externalSigner({ alg: COSE_ALG.Ed25519!, input: "digest", sign: (d) => d })).toThrow(/signs the message itself/);
  });

  it("ecdsaDerToRaw pads short integers and strips the sign byte", () => {
    const der = Uint8Array.from([0x30, 0x08, 0x02, 0x02, 0x00, 0x80, 0x02, 0x02, 0x01, 0x02]);
    expect(Buffer.from(ecdsaDerToRaw(der, 4)).toString("hex")).toBe("0000008000000102");
    expect(() => ecdsaDerToRaw(Uint8Array.from([0x04, 0x00]), 32)).toThrow(/ECDSA-Sig-Value/);
  });
});

describe("signCose: several signers", () => {
  it("a WebCrypto and a KeyObject signer; both signatures verify (require all)", async () => {
    const pair = (await webcrypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const spki = new Uint8Array(await webcrypto.subtle.exportKey("spki", pair.publicKey));
    const a = w.pki.ee("CN=TAM Ed Signer,O=TAM Operator", w.tamCa, { key: { alg: "ed25519", spki }, extensions: { certificatePolicies: ["1.3.6.1.4.1.55555.70.3"] } });
    const b = w.signer("p256");
    const msg = await signCose(queryRequest(), {
      signers: [
        { signer: cryptoKeySigner(pair.privateKey), x5chain: w.chainOf(a), x5bag: w.bag },
        { signer: keyObjectSigner(b.key.privateKey!, COSE_ALG.ESP256!), x5chain: w.chainOf(b), x5bag: w.bag },
      ],
    });
    const r = await verifyCose(msg, opts({ require: "all" }));
    expect([r.valid, r.kind, r.signatures!.map((s) => s.valid)]).toEqual([true, "COSE_Sign", [true, true]]);
  });
});

describe("external_aad certificate binding (RFC 9360 2)", () => {
  const ee = w.signer("p256");
  const make = () => signCose1(queryRequest(), { signer: keyObjectSigner(ee.key.privateKey!, COSE_ALG.ESP256!), x5chain: w.chainOf(ee), x5chainIn: "unprotected", x5bag: w.bag, certificateInExternalAad: true });

  it("an unprotected x5chain without x5t is accepted when the verifier binds the certificate through external_aad", async () => {
    const msg = await make();
    const r = await verifyCoseSign1(msg, opts({ certificateInExternalAad: true }));
    expectValid(r);
    expect(r.headers!.protected.has(COSE_HEADER.x5t)).toBe(false);
  });

  it("without the binding the same message fails SIGNER_NOT_PROTECTED -> TEEP 6", async () => {
    expectFailure(await verifyCoseSign1(await make(), opts()), "SIGNER_NOT_PROTECTED", 6, SIGNER, 0);
  });

  it("a substituted end-entity certificate with the same key fails SIGNATURE_INVALID (the signature covers the certificate)", async () => {
    const twin = w.pki.ee("CN=TAM Signer,O=TAM Operator", w.tamCa, { key: ee.key, serial: 4242, extensions: { certificatePolicies: ["1.3.6.1.4.1.55555.70.3"] } });
    const m = strictDecode(await make(), "m") as Tagged;
    const [p, u, pl, s] = m.value as [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array];
    const u2 = new Map(u);
    u2.set(COSE_HEADER.x5chain, [twin.der, ...w.chainOf(ee).slice(1)]);
    const forged = encodeCbor(new Tagged(18, [p, u2, pl, s]));
    expectFailure(await verifyCoseSign1(forged, opts({ certificateInExternalAad: true })), "SIGNATURE_INVALID", 6);
  });
});

describe('decoding: "relaxed" accepts valid non-deterministic CBOR outside the Sig_structure', () => {
  const ee = w.signer("p256");
  const signed = () => signCose1(queryRequest(), { signer: keyObjectSigner(ee.key.privateKey!, COSE_ALG.ESP256!), x5chain: w.chainOf(ee), x5bag: w.bag });

  it("an indefinite-length outer array: strict MALFORMED_COSE -> TEEP 1, relaxed valid", async () => {
    const m = await signed();
    expect([m[0], m[1]]).toEqual([0xd2, 0x84]);
    const indefinite = Uint8Array.from([0xd2, 0x9f, ...m.subarray(2), 0xff]);
    expectFailure(await verifyCose(indefinite, opts()), "MALFORMED_COSE", 1);
    expectValid(await verifyCose(indefinite, opts({ decoding: "relaxed" })));
  });

  it("a non-shortest map length in the unprotected header: strict refuses, relaxed accepts", async () => {
    const m = await signed();
    const d = strictDecode(m, "m") as Tagged;
    const prot = (d.value as Uint8Array[])[0]!;
    // 0xd2 0x84, then the protected bstr, then the unprotected map header (0xa1: map of 1).
    const protLen = prot.length < 24 ? 1 : prot.length < 256 ? 2 : 3;
    const at = 2 + protLen + prot.length;
    expect(m[at]).toBe(0xa1);
    const stretched = Uint8Array.from([...m.subarray(0, at), 0xb8, 0x01, ...m.subarray(at + 1)]);
    expectFailure(await verifyCose(stretched, opts()), "MALFORMED_COSE", 1);
    expectValid(await verifyCose(stretched, opts({ decoding: "relaxed" })));
  });

  it("duplicate map keys stay malformed in relaxed mode (RFC 9052 3)", async () => {
    const m = await signed();
    const d = strictDecode(m, "m") as Tagged;
    const prot = (d.value as Uint8Array[])[0]!;
    const protLen = prot.length < 24 ? 1 : prot.length < 256 ? 2 : 3;
    const at = 2 + protLen + prot.length;
    // [protected, {4: h'01', 4: h'02'}, nil, h'']
    const dup = Uint8Array.from([0xd2, 0x84, ...m.subarray(2, at), 0xa2, 0x04, 0x41, 0x01, 0x04, 0x41, 0x02, 0xf6, 0x40]);
    expectFailure(await verifyCose(dup, opts({ decoding: "relaxed" })), "MALFORMED_COSE", 1);
  });
});

describe("key and anchor resolution hook", () => {
  const ee = w.signer("p256");
  const deviceKey = w.signer("ed25519", "CN=Device Key,O=Device Maker", { keySeed: "device" });
  // An EAT-like payload: { 256 (ueid): instance id, 10 (nonce): ... } signed with only a kid.
  const ueid = new Uint8Array([0x01, 0xaa, 0xbb]);
  const eat = encodeCbor(new Map<number, unknown>([[256, ueid], [10, new Uint8Array(8)]]));
  const keysByUeid = new Map([[Buffer.from(ueid).toString("hex"), deviceKey.key.spki]]);

  it("chooses the raw key from the claims the caller extracts (the EAT's ueid)", async () => {
    const msg = await signCose1(eat, { signer: keyObjectSigner(deviceKey.key.privateKey!, COSE_ALG.Ed25519!), kid: new Uint8Array([7]) });
    const seen: unknown[] = [];
    const r = await verifyCoseSign1(msg, {
      extractClaims: (p) => strictDecode(p, "EAT"),
      resolveKey: (ctx) => {
        seen.push([ctx.kind, ctx.alg, Buffer.from(ctx.kid!).toString("hex")]);
        const id = (ctx.claims as Map<number, Uint8Array>).get(256)!;
        const spki = keysByUeid.get(Buffer.from(id).toString("hex"));
        return spki ? { publicKey: spki, label: "device key by ueid" } : undefined;
      },
    });
    expectValid(r);
    expect(seen).toEqual([["COSE_Sign1", -19, "07"]]);
    expect([r.signer!.kind, r.signer!.subject]).toEqual(["raw-key", "device key by ueid"]);
  });

  it("a key that does not verify the signature fails SIGNATURE_INVALID; no key and no anchors fails NO_SIGNER", async () => {
    const msg = await signCose1(eat, { signer: keyObjectSigner(deviceKey.key.privateKey!, COSE_ALG.Ed25519!), kid: new Uint8Array([7]) });
    const other = w.signer("ed25519", "CN=Other,O=Device Maker", { keySeed: "other" });
    expectFailure(await verifyCoseSign1(msg, { resolveKey: () => ({ publicKey: other.key.spki }) }), "SIGNATURE_INVALID", 6);
    expectFailure(await verifyCoseSign1(msg, { resolveKey: () => undefined }), "NO_SIGNER", 6);
  });

  it("returns the anchors to validate an x5chain against (per message), instead of the options' anchors", async () => {
    const msg = await signCose1(queryRequest(), { signer: keyObjectSigner(ee.key.privateKey!, COSE_ALG.ESP256!), x5chain: w.chainOf(ee), x5bag: w.bag });
    const r = await verifyCoseSign1(msg, { anchors: w.anchors.agent, policy: devicePolicy, time: NOW, resolveKey: () => ({ anchors: w.anchors.tam }) });
    expectValid(r);
    expect(r.signer!.path.at(-1)!.subject).toBe("O=Device Maker, CN=Device Trust Root");
    expectFailure(await verifyCoseSign1(msg, { anchors: w.anchors.agent, policy: devicePolicy, time: NOW }), "NO_PATH", 6, SIGNER);
  });

  it("a hook of the wrong shape is a TypeError (a programming error), not a verdict", async () => {
    const msg = await signCose1(eat, { signer: keyObjectSigner(deviceKey.key.privateKey!, COSE_ALG.Ed25519!) });
    await expect(verifyCoseSign1(msg, { resolveKey: () => ({ nonsense: 1 }) as never })).rejects.toThrow(TypeError);
    await expect(verifyCoseSign1(msg, {} as CoseVerifyOptions)).rejects.toThrow(/options.anchors/);
  });
});

describe("a prepared Verifier per TEEP role (createVerifier) instead of re-parsing anchors per message", () => {
  const ee = w.signer("p256");
  const message = () => signCose1(queryRequest(), { signer: keyObjectSigner(ee.key.privateKey!, COSE_ALG.ESP256!), x5chain: w.chainOf(ee), x5bag: w.bag });

  it("options.verifier: the signer's path is validated by verifier.verify (its stats count the calls)", async () => {
    const verifier = createVerifier({ trustAnchors: [w.deviceRoot.der] });
    const msg = await message();
    for (let i = 0; i < 3; i++) expectValid(await verifyCoseSign1(msg, { verifier, policy: devicePolicy, time: NOW }));
    expect(verifier.stats().calls).toBe(3);
    const wrong = createVerifier({ trustAnchors: [w.agentRoot.der] });
    expectFailure(await verifyCoseSign1(msg, { verifier: wrong, policy: devicePolicy, time: NOW }), "NO_PATH", 6, SIGNER);
  });

  it("a store builds its verifier once, reuses it, and rebuilds it after add()", async () => {
    const anchors = new TeepTrustAnchors();
    anchors.tam.add(w.agentRoot.pem);
    const msg = await message();
    expectFailure(await verifyCoseSign1(msg, { anchors: anchors.tam, policy: devicePolicy, time: NOW }), "NO_PATH", 6, SIGNER);
    const first = anchors.verifierFor("tam");
    expect(anchors.tam.pathVerifier()).toBe(first);
    anchors.tam.add(w.deviceRoot.pem);
    const second = anchors.verifierFor("tam");
    expect(second).not.toBe(first);
    expectValid(await verifyCoseSign1(msg, { anchors: anchors.tam, policy: devicePolicy, time: NOW }));
    expectValid(await verifyCoseSign1(msg, { anchors: anchors.tam, policy: devicePolicy, time: NOW }));
    expect(second.stats().calls).toBe(2);
  });
});
