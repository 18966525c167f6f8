// Keys and signatures for the test-PKI generator, on node:crypto (synchronous); key
// structures (PKCS#8, SubjectPublicKeyInfo, AlgorithmIdentifier) are @peculiar/asn1-*
// objects.
//
// Determinism: Ed25519 and Ed448 keys are derived from a seed string and their
// signatures are deterministic, so the same PKI description gives byte-identical
// certificates. ECDSA keys are derived from the seed too (the private scalar is a
// hash of it) but ECDSA signatures are randomised. RSA keys are random; they are
// cached per (algorithm, seed) in-process so a suite generates each one once.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, constants, type KeyObject } from "node:crypto";
import { AsnConvert, AsnProp, AsnPropTypes, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { RSAPublicKey, RsaSaPssParams } from "@peculiar/asn1-rsa";
import { ECParameters, ECPrivateKey } from "@peculiar/asn1-ecc";
import { integerOctets, tlvHeader, toDer } from "./asn.js";
import { derAlgorithm, derElement, derSpki } from "certpath/der";

/** Key algorithms. `rsaN` is an RSA key of N bits (e.g. rsa2048); `rsa-pss` a 2048-bit id-RSASSA-PSS key. */
export type KeyAlg = "ed25519" | "ed448" | "p256" | "p384" | "p521" | "rsa-pss" | `rsa${number}`;

export interface KeyPair {
  readonly alg: KeyAlg;
  /** SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
  /** Absent for public-only keys (fabricated SPKIs): certificates "signed" with them need `signatureValue`. */
  readonly privateKey?: KeyObject;
}

export type HashName = "sha1" | "sha224" | "sha256" | "sha384" | "sha512";

/** How to sign; defaults follow the key (SHA-256 for RSA and P-256, SHA-384 for P-384, ...). */
export interface SignatureSpec {
  hash?: HashName;
  /** RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys); always on for `rsa-pss` keys. */
  pss?: boolean;
  /** PSS salt length in bytes; default the hash length. */
  saltLength?: number;
}

export const HASH_OIDS: Record<HashName, string> = {
  sha1: "1.3.14.3.2.26",
  sha224: "2.16.840.1.101.3.4.2.4",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
};
const HASH_LEN: Record<HashName, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };
const RSA_SIG_OIDS: Record<HashName, string> = {
  sha1: "1.2.840.113549.1.1.5",
  sha224: "1.2.840.113549.1.1.14",
  sha256: "1.2.840.113549.1.1.11",
  sha384: "1.2.840.113549.1.1.12",
  sha512: "1.2.840.113549.1.1.13",
};
const ECDSA_SIG_OIDS: Record<HashName, string> = {
  sha1: "1.2.840.10045.4.1",
  sha224: "1.2.840.10045.4.3.1",
  sha256: "1.2.840.10045.4.3.2",
  sha384: "1.2.840.10045.4.3.3",
  sha512: "1.2.840.10045.4.3.4",
};
export const ALG_OIDS = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  mgf1: "1.2.840.113549.1.1.8",
  ecPublicKey: "1.2.840.10045.2.1",
  ed25519: "1.3.101.112",
  ed448: "1.3.101.113",
} as const;

const CURVES = {
  p256: { oid: "1.2.840.10045.3.1.7", hash: "sha256", order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n, bytes: 32 },
  p384: {
    oid: "1.3.132.0.34",
    hash: "sha384",
    order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    bytes: 48,
  },
  p521: {
    oid: "1.3.132.0.35",
    hash: "sha512",
    order: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    bytes: 66,
  },
} as const;

/**
 * PrivateKeyInfo (RFC 5208 5, the version-0 OneAsymmetricKey of RFC 5958), the PKCS#8
 * form node:crypto imports. No installed @peculiar package this project depends on
 * defines it, so it is declared here as an asn1-schema SEQUENCE (decorators applied as
 * plain calls, which needs no decorator syntax support from the TypeScript toolchain).
 */
class PrivateKeyInfo {
  version = 0;
  privateKeyAlgorithm = new AlgorithmIdentifier();
  privateKey = new OctetString();
  constructor(params: Partial<PrivateKeyInfo> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: AsnPropTypes.Integer })(PrivateKeyInfo.prototype, "version");
AsnProp({ type: AlgorithmIdentifier })(PrivateKeyInfo.prototype, "privateKeyAlgorithm");
AsnProp({ type: OctetString })(PrivateKeyInfo.prototype, "privateKey");

const cache = new Map<string, KeyPair>();

function digest(alg: string, s: string): Buffer {
  return createHash(alg).update(s).digest();
}

function fromPrivate(alg: KeyAlg, privateKey: KeyObject): KeyPair {
  const spki = new Uint8Array(createPublicKey(privateKey).export({ format: "der", type: "spki" }));
  return Object.freeze({ alg, spki, privateKey });
}

function pkcs8(privateKeyAlgorithm: AlgorithmIdentifier, privateKey: Uint8Array): KeyObject {
  const der = toDer(new PrivateKeyInfo({ privateKeyAlgorithm, privateKey: new OctetString(privateKey) }));
  return createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" });
}

function bigToBytes(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

function makeKey(alg: KeyAlg, seed: string | undefined): KeyPair {
  const s = seed ?? Math.random().toString(36) + Date.now();
  switch (alg) {
    case "ed25519": // RFC 8410 7: the private key is a CurvePrivateKey (OCTET STRING) of 32 octets; sha256(seed) serves.
      return fromPrivate(alg, pkcs8(new AlgorithmIdentifier({ algorithm: ALG_OIDS.ed25519 }), toDer(new OctetString(digest("sha256", s)))));
    case "ed448":
      return fromPrivate(alg, pkcs8(new AlgorithmIdentifier({ algorithm: ALG_OIDS.ed448 }), toDer(new OctetString(digest("sha512", s).subarray(0, 57)))));
    case "p256":
    case "p384":
    case "p521": {
      // The private scalar d = 1 + (H(seed) mod (n - 1)); OpenSSL derives the public point.
      const c = CURVES[alg];
      const h = Buffer.concat([digest("sha512", s + "#1"), digest("sha512", s + "#2")]);
      const d = 1n + (BigInt("0x" + h.toString("hex")) % (c.order - 1n));
      const ecPrivateKey = new ECPrivateKey({ version: 1, privateKey: new OctetString(bigToBytes(d, c.bytes)) });
      const algorithm = new AlgorithmIdentifier({ algorithm: ALG_OIDS.ecPublicKey, parameters: AsnConvert.serialize(new ECParameters({ namedCurve: c.oid })) });
      return fromPrivate(alg, pkcs8(algorithm, toDer(ecPrivateKey)));
    }
    case "rsa-pss": {
      const { privateKey } = generateKeyPairSync("rsa-pss", { modulusLength: 2048, hashAlgorithm: "sha256", mgf1HashAlgorithm: "sha256" });
      return fromPrivate(alg, privateKey);
    }
    default: {
      const bits = /^rsa(\d+)$/.exec(alg);
      if (!bits) throw new Error(`unknown key algorithm ${alg}`);
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: Number(bits[1]), publicExponent: 65537 });
      return fromPrivate(alg, privateKey);
    }
  }
}

/**
 * A key pair of `alg`. With a seed, the same (alg, seed) always gives the same key in
 * this process (and across processes for Ed25519, Ed448 and ECDSA). Without one, a fresh key.
 */
export function generateKey(alg: KeyAlg, seed?: string): KeyPair {
  if (seed === undefined) return makeKey(alg, undefined);
  const k = `${alg}|${seed}`;
  let key = cache.get(k);
  if (!key) cache.set(k, (key = makeKey(alg, seed)));
  return key;
}

/** A public-only key from an SPKI (for fabricated or foreign keys). */
export function publicKeyFromSpki(spki: Uint8Array, alg: KeyAlg = "rsa2048"): KeyPair {
  return Object.freeze({ alg, spki });
}

/**
 * An RSA public key of `bits` bits without generating one: a pseudo-random odd modulus
 * with the top bit set. Nothing can sign for it; it exists to test key-size limits.
 */
export function fabricateRsaPublicKey(bits: number, seed = "fabricated"): KeyPair {
  const len = Math.ceil(bits / 8);
  const mod = new Uint8Array(len);
  for (let off = 0, i = 0; off < len; i++) {
    const block = digest("sha256", `${seed}#${i}`);
    mod.set(block.subarray(0, Math.min(32, len - off)), off);
    off += 32;
  }
  const topBits = bits - (len - 1) * 8; // bits used in the first octet
  mod[0] = (mod[0]! & ((1 << topBits) - 1)) | (1 << (topBits - 1));
  mod[len - 1]! |= 1;
  const rsaPublicKey = new RSAPublicKey({ modulus: integerOctets(BigInt("0x" + Buffer.from(mod).toString("hex"))), publicExponent: integerOctets(65537) });
  const spki = new SubjectPublicKeyInfo({
    algorithm: new AlgorithmIdentifier({ algorithm: ALG_OIDS.rsaEncryption, parameters: null }),
    subjectPublicKey: AsnConvert.serialize(rsaPublicKey),
  });
  return publicKeyFromSpki(toDer(spki), `rsa${bits}`);
}

/** The elements of a SEQUENCE's content, as complete TLVs. */
export function tlvs(content: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  while (off < content.length) {
    const { headerLength, length } = tlvHeader(content.subarray(off));
    out.push(content.subarray(off, off + headerLength + length));
    off += headerLength + length;
  }
  return out;
}

/** The elements of the SEQUENCE `der` (for fabricated SPKIs that are not SubjectPublicKeyInfos). */
function elements(der: Uint8Array): Uint8Array[] {
  const h = tlvHeader(der);
  return tlvs(der.subarray(h.headerLength, h.headerLength + h.length));
}

/** Memoizes `f` over SPKI contents (every certificate a key signs asks again). */
function perSpki<T>(f: (spki: Uint8Array) => T): (spki: Uint8Array) => T {
  const memo = new Map<string, T>();
  return (spki) => {
    const k = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString("hex");
    if (!memo.has(k)) {
      if (memo.size >= 10_000) memo.clear();
      memo.set(k, f(spki));
    }
    return memo.get(k)!;
  };
}

const spkiKeyIdentifier = perSpki((spki): string => {
  let bits: Uint8Array;
  try {
    bits = derSpki(spki, derElement(spki, 0, spki.length)).keyBytes.slice();
  } catch {
    // A fabricated "SPKI" that is not one: the second element's contents after the first octet, as ever.
    const second = elements(spki)[1]!;
    const h = tlvHeader(second);
    bits = second.subarray(h.headerLength + 1, h.headerLength + h.length);
  }
  return createHash("sha1").update(bits).digest("hex");
});

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value (unused-bits octet excluded). */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.from(spkiKeyIdentifier(spki), "hex"));
}

/** The OID of the SPKI's AlgorithmIdentifier (tells rsaEncryption from id-RSASSA-PSS, EdDSA, ...). */
const spkiAlgorithm = perSpki((spki): string | undefined => {
  try {
    return derSpki(spki, derElement(spki, 0, spki.length)).algorithm.oid;
  } catch {
    try {
      const alg = elements(spki)[0]!;
      return derAlgorithm(alg, derElement(alg, 0, alg.length)).oid;
    } catch {
      return undefined;
    }
  }
});

function keyKind(key: KeyPair): "ed25519" | "ed448" | "ecdsa" | "rsa" | "pss" {
  const o = spkiAlgorithm(key.spki);
  if (o === ALG_OIDS.ed25519) return "ed25519";
  if (o === ALG_OIDS.ed448) return "ed448";
  if (o === ALG_OIDS.ecPublicKey) return "ecdsa";
  if (o === ALG_OIDS.rsassaPss) return "pss";
  return "rsa";
}

function defaultHash(key: KeyPair): HashName {
  if (key.alg === "p384") return "sha384";
  if (key.alg === "p521") return "sha512";
  return "sha256";
}

/** RFC 4055 3.1 RSASSA-PSS AlgorithmIdentifier, MGF1 over the same hash, as a library object (DER: DEFAULT values omitted). */
function pssAlgorithm(hash: HashName, saltLength: number): AlgorithmIdentifier {
  const hashAlgorithm = new AlgorithmIdentifier({ algorithm: HASH_OIDS[hash], parameters: null });
  const maskGenAlgorithm = new AlgorithmIdentifier({ algorithm: ALG_OIDS.mgf1, parameters: AsnConvert.serialize(hashAlgorithm) });
  const params = new RsaSaPssParams({ hashAlgorithm, maskGenAlgorithm, saltLength });
  return new AlgorithmIdentifier({ algorithm: ALG_OIDS.rsassaPss, parameters: AsnConvert.serialize(params) });
}

/** RFC 4055 3.1 RSASSA-PSS-params with MGF1 over the same hash. */
export function pssAlgorithmId(hash: HashName, saltLength: number): Uint8Array {
  return toDer(pssAlgorithm(hash, saltLength));
}

export interface Signer {
  /** The AlgorithmIdentifier, DER. */
  readonly algorithmId: Uint8Array;
  sign(data: Uint8Array): Uint8Array;
}

/** The signature AlgorithmIdentifier `key` signs with under `spec`, as a library object. */
export function signatureAlgorithm(key: KeyPair, spec: SignatureSpec = {}): AlgorithmIdentifier {
  return algorithmFor(keyKind(key), spec.hash ?? defaultHash(key), spec);
}

function algorithmFor(kind: ReturnType<typeof keyKind>, hash: HashName, spec: SignatureSpec): AlgorithmIdentifier {
  switch (kind) {
    case "ed25519":
    case "ed448": // RFC 8410 3: parameters absent
      return new AlgorithmIdentifier({ algorithm: ALG_OIDS[kind] });
    case "ecdsa": // RFC 5758 3.2: parameters absent
      return new AlgorithmIdentifier({ algorithm: ECDSA_SIG_OIDS[hash] });
    case "rsa":
    case "pss":
      if (kind === "rsa" && !spec.pss) return new AlgorithmIdentifier({ algorithm: RSA_SIG_OIDS[hash], parameters: null }); // RFC 4055 5: NULL
      return pssAlgorithm(hash, spec.saltLength ?? HASH_LEN[hash]);
  }
}

/** The signature algorithm `key` signs with under `spec`, and a function that signs. */
export function signer(key: KeyPair, spec: SignatureSpec = {}): Signer {
  const kind = keyKind(key);
  const hash = spec.hash ?? defaultHash(key);
  const algorithmId = toDer(algorithmFor(kind, hash, spec));
  const need = () => {
    if (!key.privateKey) throw new Error("this key has no private part: give signatureValue explicitly");
    return key.privateKey;
  };
  switch (kind) {
    case "ed25519":
    case "ed448":
      return { algorithmId, sign: (d) => new Uint8Array(sign(null, d, need())) };
    case "ecdsa":
      return { algorithmId, sign: (d) => new Uint8Array(sign(hash, d, { key: need(), dsaEncoding: "der" })) };
    case "rsa":
    case "pss": {
      if (kind === "rsa" && !spec.pss) return { algorithmId, sign: (d) => new Uint8Array(sign(hash, d, { key: need(), padding: constants.RSA_PKCS1_PADDING })) };
      const saltLength = spec.saltLength ?? HASH_LEN[hash];
      return { algorithmId, sign: (d) => new Uint8Array(sign(hash, d, { key: need(), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength })) };
    }
  }
}
