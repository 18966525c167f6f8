// RFC 9679 COSE Key Thumbprint: the COSE_Key of a public key with only its required
// parameters (OKP: kty, crv, x; EC2: kty, crv, x, y; RSA: kty, n, e), encoded as
// deterministic CBOR (RFC 8949 4.2.1: shortest forms, keys in bytewise order, so
// 1, -1, -2, -3), hashed (SHA-256 unless told). The EAT `cnf` claim (RFC 8747) carries
// it as ckt (5), or the key itself as COSE_Key (1).
import { createHash, createPublicKey } from "node:crypto";
import { DerReader, derSpkiOf } from "../parsing/der.js";
import { bytesEqual, encodeDeterministic, isBytes, isInt, isMap } from "./cbor.js";

export type CoseKey = Map<number, number | Uint8Array>;

/** COSE key types and curves (RFC 9053 7). */
export const COSE_KTY = Object.freeze({ OKP: 1, EC2: 2, RSA: 3, Symmetric: 4 });
export const COSE_CRV = Object.freeze({ "P-256": 1, "P-384": 2, "P-521": 3, X25519: 4, X448: 5, Ed25519: 6, Ed448: 7 }) as Readonly<Record<string, number>>;

const RSA_OIDS = ["1.2.840.113549.1.1.1", "1.2.840.113549.1.1.10"];

const b64u = (s: string) => new Uint8Array(Buffer.from(s, "base64url"));

function unsigned(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** The COSE_Key (required parameters only) of a DER SubjectPublicKeyInfo. */
export function coseKeyFromSpki(spki: Uint8Array): CoseKey {
  const info = derSpkiOf(spki);
  if (RSA_OIDS.includes(info.algorithm.oid)) {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1)
    const rsa = DerReader.only(info.keyBytes, 0x30, "RSAPublicKey");
    const modulus = rsa.integerBytes("modulus");
    const publicExponent = rsa.integerBytes("publicExponent");
    rsa.finish("RSAPublicKey (RFC 8017 A.1.1)");
    return new Map<number, number | Uint8Array>([
      [1, COSE_KTY.RSA],
      [-1, unsigned(modulus.slice())],
      [-2, unsigned(publicExponent.slice())],
    ]);
  }
  const jwk = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }).export({ format: "jwk" });
  const crv = COSE_CRV[jwk.crv ?? ""];
  if (jwk.kty === "EC" && crv !== undefined && jwk.x && jwk.y)
    return new Map<number, number | Uint8Array>([
      [1, COSE_KTY.EC2],
      [-1, crv],
      [-2, b64u(jwk.x)],
      [-3, b64u(jwk.y)],
    ]);
  if (jwk.kty === "OKP" && crv !== undefined && jwk.x)
    return new Map<number, number | Uint8Array>([
      [1, COSE_KTY.OKP],
      [-1, crv],
      [-2, b64u(jwk.x)],
    ]);
  throw new TypeError(`no COSE_Key form for a ${jwk.kty ?? info.algorithm.oid} ${jwk.crv ?? ""} key`);
}

/** The required parameters of a COSE_Key (RFC 9679 4), dropping kid, alg, key_ops, ... */
export function requiredCoseKeyParams(key: ReadonlyMap<unknown, unknown>): CoseKey {
  const kty = key.get(1);
  const need: Record<number, number[]> = { [COSE_KTY.OKP]: [-1, -2], [COSE_KTY.EC2]: [-1, -2, -3], [COSE_KTY.RSA]: [-1, -2], [COSE_KTY.Symmetric]: [-1] };
  if (!isInt(kty) || !need[kty]) throw new TypeError(`COSE_Key kty ${String(kty)} is not OKP, EC2, RSA or Symmetric`);
  const out: CoseKey = new Map([[1, kty]]);
  for (const l of need[kty]!) {
    const v = key.get(l);
    if (!(isBytes(v) || (isInt(v) && l === -1 && kty !== COSE_KTY.RSA && kty !== COSE_KTY.Symmetric))) throw new TypeError(`COSE_Key parameter ${l} is missing or of the wrong type`);
    out.set(l, v);
  }
  return out;
}

/** RFC 9679 thumbprint of a public key (DER SPKI) or of a COSE_Key map. */
export function coseKeyThumbprint(key: Uint8Array | ReadonlyMap<unknown, unknown>, hash = "sha256"): Uint8Array {
  const m = key instanceof Uint8Array ? coseKeyFromSpki(key) : requiredCoseKeyParams(key);
  return new Uint8Array(createHash(hash).update(encodeDeterministic(m)).digest());
}

/**
 * Does an EAT / CWT `cnf` claim (RFC 8747 3.1) confirm this thumbprint? ckt (5, RFC 9679 5.6)
 * is compared directly; COSE_Key (1) by its thumbprint. kid (3) and encrypted keys do not match.
 */
export function cnfMatches(cnf: ReadonlyMap<unknown, unknown>, thumbprint: Uint8Array): boolean {
  const ckt = cnf.get(5);
  if (isBytes(ckt)) return bytesEqual(ckt, thumbprint);
  const k = cnf.get(1);
  if (isMap(k)) {
    try {
      return bytesEqual(coseKeyThumbprint(k, thumbprint.length === 32 ? "sha256" : thumbprint.length === 48 ? "sha384" : "sha512"), thumbprint);
    } catch {
      return false;
    }
  }
  return false;
}
