// Interoperability with two COSE libraries certpath does not depend on (dev dependencies
// only): cose-js (ES256/384/512, PS256/384/512, RS256/384/512) and @ldclabs/cose-ts
// (ES256/384/512, EdDSA with Ed25519). For every algorithm both sides support: a message
// the library signs (its signer certificate in a protected x5chain) verifies in certpath
// against the TAM anchor through the bridge, and a message certpath signs (signCose1 with a
// KeyObject signer, x5chain protected, x5bag unprotected) verifies in the library with the certificate's public key. A message
// either side tampers with fails on the other.
// (@auth0/cose could not be used: its cbor-extract optional binaries leave package-lock.json
// unusable for `npm ci`.)
import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { createPublicKey, type KeyObject } from "node:crypto";
import { Sign1Message } from "@ldclabs/cose-ts/sign1";
import { Header } from "@ldclabs/cose-ts/header";
import { ECDSAKey } from "@ldclabs/cose-ts/ecdsa";
import { Ed25519Key } from "@ldclabs/cose-ts/ed25519";
import { COSE_ALG, keyObjectSigner, signCose1, verifyCose } from "../../src/index.js";
import type { KeyAlg } from "../../testsuite/src/generate/pki.js";
import { devicePolicy, expectFailure, expectValid, NOW, queryRequest, teepWorld } from "./helpers.js";

const coseJs = createRequire(import.meta.url)("cose-js") as {
  sign: {
    create(headers: { p: Record<string, unknown>; u: Record<string, unknown> }, payload: Buffer, signer: { key: unknown }): Promise<Buffer>;
    verify(msg: Buffer, verifier: { key: unknown }): Promise<Buffer>;
  };
};

const w = teepWorld("cose-interop-libs");
const SIGNER = "O=TAM Operator, CN=TAM Signer";
// Neither library writes x5bag: the bridge cross-certificates come out of band (`certificates`).
const check = (msg: Uint8Array) => verifyCose(msg, { anchors: w.anchors.tam, certificates: w.bag, policy: devicePolicy, time: NOW });
const b64u = (s: string | undefined) => Buffer.from(s!, "base64url");
const jwkOf = (k: KeyObject) => k.export({ format: "jwk" }) as Record<string, string>;
const tamper = (m: Uint8Array) => {
  const t = new Uint8Array(m);
  t[t.length - 5]! ^= 0x01; // inside the signature
  return t;
};

const KEY_OF: Record<string, KeyAlg> = { ES256: "p256", ES384: "p384", ES512: "p521", PS256: "rsa2048", PS384: "rsa2048", PS512: "rsa2048", RS256: "rsa2048", RS384: "rsa2048", RS512: "rsa2048", EdDSA: "ed25519" };

/** cose-js key objects per algorithm family. */
function coseJsKeys(alg: string, priv: KeyObject) {
  const j = jwkOf(priv);
  if (alg.startsWith("ES")) return { signer: { d: b64u(j.d) }, verifier: { x: b64u(j.x), y: b64u(j.y) } };
  if (alg.startsWith("PS"))
    return {
      signer: { n: b64u(j.n), e: b64u(j.e), d: b64u(j.d), p: b64u(j.p), q: b64u(j.q), dp: b64u(j.dp), dq: b64u(j.dq), qi: b64u(j.qi) },
      verifier: { n: b64u(j.n), e: b64u(j.e) },
    };
  return { signer: priv.export({ format: "pem", type: "pkcs8" }), verifier: createPublicKey(priv).export({ format: "pem", type: "spki" }) };
}

describe("cose-js <-> certpath", () => {
  for (const alg of ["ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512"]) {
    const ee = w.signer(KEY_OF[alg]!, undefined, { keySeed: "cose-js" });
    const keys = coseJsKeys(alg, ee.key.privateKey!);

    it(`${alg}: a cose-js COSE_Sign1 with a protected x5chain verifies in certpath`, async () => {
      const msg = await coseJs.sign.create({ p: { alg, x5chain: w.chainOf(ee).map((d) => Buffer.from(d)) }, u: {} }, Buffer.from(queryRequest()), { key: keys.signer });
      const r = await check(new Uint8Array(msg));
      expectValid(r);
      expect([r.algName, r.signer!.subject]).toEqual([alg, SIGNER]);
      expectFailure(await check(tamper(new Uint8Array(msg))), "SIGNATURE_INVALID", 6, SIGNER);
    });

    it(`${alg}: a certpath signCose1 verifies in cose-js`, async () => {
      const msg = await signCose1(queryRequest(), { signer: keyObjectSigner(ee.key.privateKey!, COSE_ALG[alg]!), x5chain: w.chainOf(ee), x5bag: w.bag });
      const payload = await coseJs.sign.verify(Buffer.from(msg), { key: keys.verifier });
      expect(Buffer.from(payload).equals(Buffer.from(queryRequest()))).toBe(true);
      await expect(coseJs.sign.verify(Buffer.from(tamper(msg)), { key: keys.verifier })).rejects.toThrow();
    });
  }
});

describe("@ldclabs/cose-ts <-> certpath", () => {
  for (const alg of ["ES256", "ES384", "ES512", "EdDSA"]) {
    const ee = w.signer(KEY_OF[alg]!, undefined, { keySeed: "cose-ts" });
    const j = jwkOf(ee.key.privateKey!);
    const secret = new Uint8Array(b64u(j.d));
    const pub = alg === "EdDSA" ? new Uint8Array(b64u(j.x)) : new Uint8Array([0x04, ...b64u(j.x), ...b64u(j.y)]);
    const signKey = () => (alg === "EdDSA" ? Ed25519Key.fromSecret(secret) : ECDSAKey.fromSecret(secret));
    const verifyKey = () => (alg === "EdDSA" ? Ed25519Key.fromPublic(pub) : ECDSAKey.fromPublic(pub));

    it(`${alg}: a cose-ts COSE_Sign1 with a protected x5chain verifies in certpath`, async () => {
      const prot = new Header().setParam(1, COSE_ALG[alg]!).setParam(33, w.chainOf(ee));
      const msg = new Sign1Message(queryRequest(), prot as Header, new Header()).toBytes(signKey());
      const r = await check(msg);
      expectValid(r);
      expect([r.algName, r.signer!.subject]).toEqual([alg, SIGNER]);
      expectFailure(await check(tamper(msg)), "SIGNATURE_INVALID", 6, SIGNER);
    });

    it(`${alg}: a certpath signCose1 verifies in cose-ts`, async () => {
      const msg = await signCose1(queryRequest(), { signer: keyObjectSigner(ee.key.privateKey!, COSE_ALG[alg]!), x5chain: w.chainOf(ee), x5bag: w.bag });
      const got = Sign1Message.fromBytes(verifyKey(), msg);
      expect(Buffer.from(got.payload).equals(Buffer.from(queryRequest()))).toBe(true);
      expect(() => Sign1Message.fromBytes(verifyKey(), tamper(msg))).toThrow(/signature mismatch/);
    });
  }
});

