// Production signing: a COSE signer is anything that can turn the to-be-signed bytes (the
// encoded Sig_structure, RFC 9052 4.4) into a COSE signature, without certpath ever holding
// the private key. Three adapters:
//  - a node:crypto KeyObject (keyObjectSigner);
//  - a WebCrypto CryptoKey, non-extractable keys included (cryptoKeySigner): WebCrypto's
//    ECDSA output already is r || s (IEEE P1363), the COSE form (RFC 9053 2.1);
//  - a callback, the shape of a PKCS#11 token or a cloud KMS (externalSigner): it may sign
//    the message or only its digest (PKCS#11 CKM_ECDSA, KMS "DIGEST" message type), and may
//    answer with a DER ECDSA-Sig-Value, which is converted to r || s here.
import { createHash, createPublicKey, webcrypto, type KeyObject } from "node:crypto";
import { DerReader } from "../parsing/der.js";
import { COSE_ALG, COSE_ALGORITHMS, HASH_BYTES, keyMismatch, signWith, verifySignature, type CoseAlgorithm } from "./algorithms.js";

type CryptoKey = webcrypto.CryptoKey;

/** Signs the encoded Sig_structure; `alg` is the COSE algorithm id the signature is made with. */
export interface CoseSigner {
  readonly alg: number;
  sign(toBeSigned: Uint8Array): Promise<Uint8Array>;
}

function algorithm(id: number): CoseAlgorithm {
  const a = COSE_ALGORITHMS.get(id);
  if (!a) throw new TypeError(`unsupported COSE algorithm ${id}`);
  return a;
}

/** A signer over a node:crypto private KeyObject (checked against the algorithm when made). */
export function keyObjectSigner(key: KeyObject, alg: number): CoseSigner {
  if (!key || key.type !== "private") throw new TypeError("keyObjectSigner: expected a private KeyObject");
  const a = algorithm(alg);
  const mismatch = keyMismatch(a, createPublicKey(key));
  if (mismatch) throw new TypeError(`keyObjectSigner: ${mismatch}`);
  return Object.freeze({ alg, sign: async (tbs: Uint8Array) => signWith(a, key, tbs) });
}

const WEB_HASH: Record<string, "sha256" | "sha384" | "sha512"> = { "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };
const CURVE_ALG: Record<string, number> = { "P-256": COSE_ALG.ESP256!, "P-384": COSE_ALG.ESP384!, "P-521": COSE_ALG.ESP512! };

/** The COSE algorithm a WebCrypto key signs with by default (ECDSA as ESP256/384/512, the TEEP profile's ids). */
function defaultAlgFor(key: CryptoKey): number {
  const k = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } };
  switch (k.name) {
    case "ECDSA": {
      const id = CURVE_ALG[k.namedCurve ?? ""];
      if (id === undefined) throw new TypeError(`cryptoKeySigner: ECDSA curve ${k.namedCurve} has no COSE algorithm`);
      return id;
    }
    case "Ed25519":
      return COSE_ALG.Ed25519!;
    case "Ed448":
      return COSE_ALG.Ed448!;
    case "RSA-PSS":
      return ({ "SHA-256": COSE_ALG.PS256, "SHA-384": COSE_ALG.PS384, "SHA-512": COSE_ALG.PS512 } as Record<string, number>)[k.hash?.name ?? ""] ?? NaN;
    case "RSASSA-PKCS1-v1_5":
      return ({ "SHA-256": COSE_ALG.RS256, "SHA-384": COSE_ALG.RS384, "SHA-512": COSE_ALG.RS512 } as Record<string, number>)[k.hash?.name ?? ""] ?? NaN;
    default:
      throw new TypeError(`cryptoKeySigner: a ${k.name} key cannot make COSE signatures`);
  }
}

/** Why a WebCrypto key cannot sign `alg`, or undefined. */
function webKeyMismatch(key: CryptoKey, a: CoseAlgorithm): string | undefined {
  const k = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string }; modulusLength?: number };
  switch (a.kind) {
    case "ecdsa":
      if (k.name !== "ECDSA" || k.namedCurve !== a.curve!.name) return `${a.name} needs an ECDSA ${a.curve!.name} key, got ${k.name} ${k.namedCurve ?? ""}`.trim();
      return undefined;
    case "eddsa":
      if (!a.edKeys!.some((e) => e === k.name.toLowerCase())) return `${a.name} needs an ${a.edKeys!.join(" or ")} key, got ${k.name}`;
      return undefined;
    case "pss":
    case "pkcs1": {
      const want = a.kind === "pss" ? "RSA-PSS" : "RSASSA-PKCS1-v1_5";
      if (k.name !== want) return `${a.name} needs an ${want} key, got ${k.name}`;
      if (WEB_HASH[k.hash?.name ?? ""] !== a.hash) return `${a.name} uses ${a.hash}, the key is bound to ${k.hash?.name}`;
      if ((k.modulusLength ?? 0) < 2048) return `${a.name} needs an RSA key of at least 2048 bits, the key has ${k.modulusLength}`;
      return undefined;
    }
  }
}

/**
 * A signer over a WebCrypto private CryptoKey; works with non-extractable keys (the key
 * never leaves WebCrypto). `alg` defaults from the key: ECDSA P-256 -> ESP256 (-9), P-384 ->
 * ESP384, P-521 -> ESP512, Ed25519 -> Ed25519 (-19), RSA-PSS -> PS*, RSASSA-PKCS1-v1_5 -> RS*.
 */
export function cryptoKeySigner(key: CryptoKey, alg?: number): CoseSigner {
  if (!key || key.type !== "private") throw new TypeError("cryptoKeySigner: expected a private CryptoKey");
  if (!key.usages.includes("sign")) throw new TypeError("cryptoKeySigner: the CryptoKey's usages do not include \"sign\"");
  const id = alg ?? defaultAlgFor(key);
  const a = algorithm(id);
  const mismatch = webKeyMismatch(key, a);
  if (mismatch) throw new TypeError(`cryptoKeySigner: ${mismatch}`);
  const params =
    a.kind === "ecdsa"
      ? { name: "ECDSA", hash: { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" }[a.hash!] }
      : a.kind === "pss"
        ? { name: "RSA-PSS", saltLength: HASH_BYTES[a.hash!] } // RFC 8230 2: salt = hash length
        : { name: (key.algorithm as { name: string }).name };
  return Object.freeze({
    alg: id,
    sign: async (tbs: Uint8Array) => new Uint8Array(await webcrypto.subtle.sign(params, key, tbs)),
  });
}

export interface ExternalSignerOptions {
  /** COSE algorithm id the callback signs with. */
  alg: number;
  /**
   * What the callback receives: "message" (default) the to-be-signed bytes, or "digest" their
   * hash with the algorithm's hash function (PKCS#11 CKM_ECDSA / CKM_RSA_PKCS_PSS, KMS digest
   * signing). Not possible for EdDSA (RFC 8032 PureEdDSA signs the message itself).
   */
  input?: "message" | "digest";
  /** ECDSA: the form the callback answers in: "raw" r || s (default, COSE) or "der" ECDSA-Sig-Value. */
  signatureFormat?: "raw" | "der";
  /** Called with the bytes (or digest) to sign. */
  sign(data: Uint8Array): Promise<Uint8Array> | Uint8Array;
  /** The signer's public key (KeyObject, or DER SPKI): each signature is checked with it before use. */
  publicKey?: KeyObject | Uint8Array;
}

/** ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 2.2.3), DER -> r || s of `size` bytes each. */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(2 * size);
  let parts: Uint8Array[];
  try {
    const r = DerReader.only(der, 0x30, "ECDSA-Sig-Value");
    parts = [r.integerBytes("r"), r.integerBytes("s")];
    r.finish("ECDSA-Sig-Value");
  } catch (e) {
    throw new TypeError(`not a DER ECDSA-Sig-Value (${(e as Error).message})`);
  }
  parts.forEach((v, i) => {
    let b = v;
    while (b.length > size && b[0] === 0) b = b.subarray(1);
    if (b.length > size) throw new TypeError(`ECDSA-Sig-Value integer longer than ${size} bytes`);
    out.set(b, (i + 1) * size - b.length);
  });
  return out;
}

/** A signer whose key lives elsewhere (PKCS#11 token, HSM, cloud KMS): certpath only calls `sign`. */
export function externalSigner(o: ExternalSignerOptions): CoseSigner {
  if (!o || typeof o.sign !== "function") throw new TypeError("externalSigner: expected { alg, sign(data) }");
  const a = algorithm(o.alg);
  const input = o.input ?? "message";
  if (input === "digest" && a.kind === "eddsa") throw new TypeError(`externalSigner: ${a.name} signs the message itself, not a digest (RFC 8032 5.1)`);
  const pub = o.publicKey === undefined ? undefined : o.publicKey instanceof Uint8Array ? createPublicKey({ key: Buffer.from(o.publicKey), format: "der", type: "spki" }) : o.publicKey;
  if (pub) {
    const mismatch = keyMismatch(a, pub);
    if (mismatch) throw new TypeError(`externalSigner: ${mismatch}`);
  }
  return Object.freeze({
    alg: o.alg,
    sign: async (tbs: Uint8Array) => {
      const data = input === "digest" ? new Uint8Array(createHash(a.hash!).update(tbs).digest()) : tbs;
      let sig: Uint8Array = new Uint8Array(await o.sign(data));
      if (a.kind === "ecdsa" && o.signatureFormat === "der") sig = ecdsaDerToRaw(sig, a.curve!.bytes);
      if (pub && !verifySignature(a, pub, tbs, sig)) throw new Error(`externalSigner: the ${a.name} signature returned by the callback does not verify with the given public key`);
      return sig;
    },
  });
}
