// COSE_Sign (RFC 9052 4.1): each COSE_Signature checked on its own, as a TAM's initial
// QueryRequest with one signature per cipher suite; and raw-key signers.
import { describe, expect, it } from "vitest";
import { encodeCbor, strictDecode, Tagged } from "../../src/cose/cbor.js";
import {
  COSE_ALG,
  COSE_HEADER,
  coseSign,
  coseSign1,
  CoseTrustAnchorStore,
  verifyCose,
  verifyCoseSign,
  x5,
  type CoseVerifyOptions,
} from "../../src/index.js";
import { devicePolicy, expectFailure, expectValid, hx5bag, hx5chain, NOW, queryRequest, teepWorld } from "./helpers.js";

const w = teepWorld("cose-sign-tests");
const H = COSE_HEADER;
const opts = (o: Partial<CoseVerifyOptions> = {}): CoseVerifyOptions => ({ anchors: w.anchors.tam, policy: devicePolicy, time: NOW, ...o });
const es = w.tamSigner;
const ed = w.signer("ed25519");
const rogueRoot = w.pki.root("CN=Rogue Root", { keySeed: "rogue" });
const rogue = w.pki.ee("CN=Rogue Signer", rogueRoot, { keyAlg: "ed25519", keySeed: "rogue" });

/** The TAM's initial QueryRequest: one signature per cipher suite, the bridge certificates in the body's x5bag. */
const twoSigners = (second = { key: ed.key, chain: w.chainOf(ed) }) =>
  coseSign(
    queryRequest(),
    [
      { key: es.key, alg: COSE_ALG.ESP256, protected: [hx5chain(w.chainOf(es))] },
      { key: second.key, alg: COSE_ALG.Ed25519, protected: [hx5chain(second.chain)] },
    ],
    { unprotected: [hx5bag(w.bag)] },
  );

describe("COSE_Sign", () => {
  it("passes: two signatures (ESP256, Ed25519), each verified with require all; the first describes the result", async () => {
    const r = await verifyCoseSign(twoSigners(), opts({ require: "all" }));
    expectValid(r);
    expect(r.kind).toBe("COSE_Sign");
    expect(r.signatureIndex).toBe(0);
    expect(r.alg).toBe(-9);
    expect(r.signatures!.map((s) => [s.valid, s.alg])).toEqual([
      [true, -9],
      [true, -19],
    ]);
    expect(r.signatures![1]!.signer!.path.length).toBe(5);
    expect(r.bodyHeaders!.unprotected.has(H.x5bag)).toBe(true);
  });

  it("passes: a verifier that takes only Ed25519 uses the second signature", async () => {
    const r = await verifyCoseSign(twoSigners(), opts({ expectedAlgorithms: [COSE_ALG.Ed25519] }));
    expectValid(r);
    expect(r.signatureIndex).toBe(1);
    expect(r.algName).toBe("Ed25519");
    expect(r.signatures![0]!.error!.code).toBe("UNSUPPORTED_COSE_ALGORITHM");
  });

  it('require "any" passes with one untrusted signature; require "all" fails on it', async () => {
    const msg = twoSigners({ key: rogue.key, chain: [rogue.der, rogueRoot.der] });
    const any = await verifyCoseSign(msg, opts());
    expectValid(any);
    // require "any" stops at the first valid signature (issue 10 item 3): the untrusted one is not checked.
    expect(any.signatures!.map((s) => s.valid)).toEqual([true]);
    const all = await verifyCoseSign(msg, opts({ require: "all" }));
    expectFailure(all, "NO_PATH", 6, "CN=Rogue Signer");
    expect(all.signatureIndex).toBe(1);
  });

  it("fails with the most telling failure when no signature verifies", async () => {
    const expired = w.signer("ed25519", undefined, { keySeed: "expired", notAfter: -1, notBefore: -100 });
    const msg = twoSigners({ key: expired.key, chain: w.chainOf(expired) });
    const r = await verifyCoseSign(msg, opts({ expectedAlgorithms: [COSE_ALG.Ed25519] }));
    // Signature #0 is in an algorithm this verifier does not take; #1's expiry is the answer.
    expectFailure(r, "EXPIRED", 9, "O=TAM Operator, CN=TAM Signer", 0);
    expect(r.signatureIndex).toBe(1);
  });

  it("passes: x5chain in the body's protected header covers a single signer", async () => {
    const msg = coseSign(queryRequest(), [{ key: es.key, alg: COSE_ALG.ESP256 }], { protected: [hx5chain(w.chainOf(es))], unprotected: [hx5bag(w.bag)] });
    expectValid(await verifyCoseSign(msg, opts()));
  });

  it("fails SIGNER_NOT_PROTECTED: x5chain only in a signature's unprotected header", async () => {
    const msg = coseSign(queryRequest(), [{ key: es.key, alg: COSE_ALG.ESP256, unprotected: [hx5chain(w.chainOf(es))] }], { unprotected: [hx5bag(w.bag)] });
    expectFailure(await verifyCoseSign(msg, opts()), "SIGNER_NOT_PROTECTED", 6, "O=TAM Operator, CN=TAM Signer", 0);
  });

  it("fails SIGNATURE_INVALID: a COSE_Sign1 signature does not carry over (Sig_structure context)", async () => {
    const s1 = coseSign1(queryRequest(), es.key, COSE_ALG.ESP256, { protected: [hx5chain(w.chainOf(es))] });
    const [prot, , payload, sig] = (strictDecode(s1, "COSE_Sign1") as Tagged).value as unknown[];
    const msg = encodeCbor(new Tagged(98, [new Uint8Array(0), new Map([[H.x5bag, x5(w.bag)]]), payload, [[prot, new Map(), sig]]]));
    expectFailure(await verifyCoseSign(msg, opts()), "SIGNATURE_INVALID", 6);
  });

  it("fails MALFORMED_COSE: no signatures, or a signature of the wrong shape", async () => {
    expectFailure(await verifyCoseSign(encodeCbor(new Tagged(98, [new Uint8Array(0), new Map(), queryRequest(), []])), opts()), "MALFORMED_COSE", 1);
    const r = await verifyCoseSign(encodeCbor(new Tagged(98, [new Uint8Array(0), new Map(), queryRequest(), [[new Uint8Array(0), new Map()]]])), opts());
    expectFailure(r, "MALFORMED_COSE", 1);
    expect(r.signatures).toHaveLength(1);
  });

  it("verifyCose tells COSE_Sign from COSE_Sign1", async () => {
    expect((await verifyCose(twoSigners(), opts())).kind).toBe("COSE_Sign");
    const untagged = coseSign(queryRequest(), [{ key: es.key, alg: -9, protected: [hx5chain(w.chainOf(es))] }], { unprotected: [hx5bag(w.bag)], tagged: false });
    const r = await verifyCose(untagged, opts());
    expectValid(r);
    expect(r.kind).toBe("COSE_Sign");
  });
});

describe("raw-key signers (no x5chain / x5t / x5bag)", () => {
  const store = new CoseTrustAnchorStore("Verifier keys").addSpki(ed.key.spki).addSpki(es.key.spki, { kid: new TextEncoder().encode("tam-es") });
  const payload = new TextEncoder().encode("attestation result");

  it("passes: kid is the RFC 9679 thumbprint of a raw-key anchor", async () => {
    const tp = store.rawKeys[0]!.thumbprint;
    const r = await verifyCose(coseSign1(payload, ed.key, COSE_ALG.Ed25519, { protected: [[H.kid, tp]] }), { anchors: store });
    expectValid(r);
    expect(r.signer!.kind).toBe("raw-key");
    expect(r.signer!.path).toEqual([]);
    expect(Buffer.from(r.thumbprint!).equals(Buffer.from(tp))).toBe(true);
  });
  it("passes: kid as configured; or no kid (each raw key that fits alg is tried)", async () => {
    expectValid(await verifyCose(coseSign1(payload, es.key, COSE_ALG.ESP256, { unprotected: [[H.kid, new TextEncoder().encode("tam-es")]] }), { anchors: store }));
    expectValid(await verifyCose(coseSign1(payload, es.key, COSE_ALG.ESP256), { anchors: store }));
  });
  it("fails NO_SIGNER: an unknown kid, or anchors without raw keys", async () => {
    expectFailure(await verifyCose(coseSign1(payload, ed.key, COSE_ALG.Ed25519, { protected: [[H.kid, new Uint8Array(4)]] }), { anchors: store }), "NO_SIGNER", 6);
    expectFailure(await verifyCose(coseSign1(payload, ed.key, COSE_ALG.Ed25519), { anchors: w.anchors.tam }), "NO_SIGNER", 6);
  });
  it("fails SIGNATURE_INVALID: signed by a key that is not an anchor", async () => {
    expectFailure(await verifyCose(coseSign1(payload, rogue.key, COSE_ALG.Ed25519), { anchors: store }), "SIGNATURE_INVALID", 6);
  });
  it("fails KEY_ALGORITHM_MISMATCH: no raw key fits the algorithm", async () => {
    const edOnly = new CoseTrustAnchorStore("ed only").addSpki(ed.key.spki);
    expectFailure(await verifyCose(coseSign1(payload, es.key, COSE_ALG.ESP256), { anchors: edOnly }), "KEY_ALGORITHM_MISMATCH", 6);
  });
});

