// COSE signature algorithms (RFC 9053 2, RFC 9864 2, RFC 8230 2) and how node:crypto
// verifies them. ECDSA signatures in COSE are r || s, each the size of the curve's
// order (RFC 9053 2.1), hence dsaEncoding "ieee-p1363". The key must fit the algorithm:
// ESP256/ES256 only with P-256, ESP384/ES384 with P-384, ESP512/ES512 with P-521,
// Ed25519 with Ed25519 keys, EdDSA with Ed25519 or Ed448, PS* and RS* with RSA keys >= 2048
// bits (RS256/384/512 are RSASSA-PKCS1-v1_5, RFC 8812 2).
import { constants, sign as nodeSign, verify as nodeVerify, type KeyObject } from "node:crypto";

export type CoseHash = "sha256" | "sha384" | "sha512";

export interface CoseAlgorithm {
  readonly id: number;
  readonly name: string;
  readonly kind: "ecdsa" | "eddsa" | "pss" | "pkcs1";
  readonly hash?: CoseHash;
  /** ECDSA: node's namedCurve and the size of r and s in bytes. */
  readonly curve?: { readonly node: string; readonly name: string; readonly bytes: number };
  /** EdDSA: the key types allowed. */
  readonly edKeys?: readonly ("ed25519" | "ed448")[];
}

const P256 = { node: "prime256v1", name: "P-256", bytes: 32 } as const;
const P384 = { node: "secp384r1", name: "P-384", bytes: 48 } as const;
const P521 = { node: "secp521r1", name: "P-521", bytes: 66 } as const;

const list: CoseAlgorithm[] = [
  { id: -7, name: "ES256", kind: "ecdsa", hash: "sha256", curve: P256 },
  { id: -9, name: "ESP256", kind: "ecdsa", hash: "sha256", curve: P256 },
  { id: -35, name: "ES384", kind: "ecdsa", hash: "sha384", curve: P384 },
  { id: -51, name: "ESP384", kind: "ecdsa", hash: "sha384", curve: P384 },
  { id: -36, name: "ES512", kind: "ecdsa", hash: "sha512", curve: P521 },
  { id: -52, name: "ESP512", kind: "ecdsa", hash: "sha512", curve: P521 },
  { id: -8, name: "EdDSA", kind: "eddsa", edKeys: ["ed25519", "ed448"] },
  { id: -19, name: "Ed25519", kind: "eddsa", edKeys: ["ed25519"] },
  { id: -53, name: "Ed448", kind: "eddsa", edKeys: ["ed448"] },
  { id: -37, name: "PS256", kind: "pss", hash: "sha256" },
  { id: -38, name: "PS384", kind: "pss", hash: "sha384" },
  { id: -39, name: "PS512", kind: "pss", hash: "sha512" },
  // RFC 8812 2: RSASSA-PKCS1-v1_5 (not recommended by RFC 8812 for new designs, but what
  // WebAuthn, many HSMs and TPM-backed signers produce).
  { id: -257, name: "RS256", kind: "pkcs1", hash: "sha256" },
  { id: -258, name: "RS384", kind: "pkcs1", hash: "sha384" },
  { id: -259, name: "RS512", kind: "pkcs1", hash: "sha512" },
];

/** Supported COSE signature algorithms by id. */
export const COSE_ALGORITHMS: ReadonlyMap<number, CoseAlgorithm> = new Map(list.map((a) => [a.id, Object.freeze(a)]));

/** COSE algorithm ids by name ("ESP256" -> -9, ...). */
export const COSE_ALG = Object.freeze(Object.fromEntries(list.map((a) => [a.name, a.id]))) as Readonly<Record<string, number>>;

export const HASH_BYTES: Record<CoseHash, number> = { sha256: 32, sha384: 48, sha512: 64 };
const RSA_MIN_BITS = 2048;

/** Why `key` cannot be used with `alg`, or undefined when it fits. */
export function keyMismatch(alg: CoseAlgorithm, key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  const d = key.asymmetricKeyDetails ?? {};
  switch (alg.kind) {
    case "ecdsa":
      if (type !== "ec") return `${alg.name} (${alg.id}) needs an EC ${alg.curve!.name} key, the signer has a ${type} key`;
      if (d.namedCurve !== alg.curve!.node) return `${alg.name} (${alg.id}) needs a ${alg.curve!.name} key, the signer's curve is ${d.namedCurve}`;
      return undefined;
    case "eddsa":
      if (!alg.edKeys!.includes(type as "ed25519")) return `${alg.name} (${alg.id}) needs an ${alg.edKeys!.join(" or ")} key, the signer has a ${type} key`;
      return undefined;
    case "pkcs1":
      if (type !== "rsa") return `${alg.name} (${alg.id}) needs an RSA key, the signer has a ${type} key`;
      if ((d.modulusLength ?? 0) < RSA_MIN_BITS) return `${alg.name} (${alg.id}) needs an RSA key of at least ${RSA_MIN_BITS} bits, the signer's has ${d.modulusLength} (RFC 8812 2)`;
      return undefined;
    case "pss":
      if (type !== "rsa" && type !== "rsa-pss") return `${alg.name} (${alg.id}) needs an RSA key, the signer has a ${type} key`;
      if ((d.modulusLength ?? 0) < RSA_MIN_BITS) return `${alg.name} (${alg.id}) needs an RSA key of at least ${RSA_MIN_BITS} bits, the signer's has ${d.modulusLength} (RFC 8230 2)`;
      if (type === "rsa-pss" && d.hashAlgorithm && d.hashAlgorithm !== alg.hash)
        return `${alg.name} (${alg.id}) uses ${alg.hash}, the signer's RSASSA-PSS key is restricted to ${d.hashAlgorithm}`;
      return undefined;
  }
}

/** Verifies a COSE signature (the `signature` bstr) over `toBeSigned` (the encoded Sig_structure). */
export function verifySignature(alg: CoseAlgorithm, key: KeyObject, toBeSigned: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (alg.kind) {
      case "ecdsa":
        if (signature.length !== 2 * alg.curve!.bytes) return false;
        return nodeVerify(alg.hash!, toBeSigned, { key, dsaEncoding: "ieee-p1363" }, signature);
      case "eddsa":
        return nodeVerify(null, toBeSigned, key, signature);
      case "pss":
        return nodeVerify(alg.hash!, toBeSigned, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_BYTES[alg.hash!] }, signature);
      case "pkcs1":
        return nodeVerify(alg.hash!, toBeSigned, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
    }
  } catch {
    return false;
  }
}

/** Signs `toBeSigned` the COSE way with a node private key (used by the KeyObject signer, ./signer.ts). */
export function signWith(alg: CoseAlgorithm, key: KeyObject, toBeSigned: Uint8Array): Uint8Array {
  switch (alg.kind) {
    case "ecdsa":
      return new Uint8Array(nodeSign(alg.hash!, toBeSigned, { key, dsaEncoding: "ieee-p1363" }));
    case "eddsa":
      return new Uint8Array(nodeSign(null, toBeSigned, key));
    case "pss":
      return new Uint8Array(nodeSign(alg.hash!, toBeSigned, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_BYTES[alg.hash!] }));
    case "pkcs1":
      return new Uint8Array(nodeSign(alg.hash!, toBeSigned, { key, padding: constants.RSA_PKCS1_PADDING }));
  }
}
