// Header buckets (RFC 9052 3) and the X.509 header parameters (RFC 9360 2):
//   x5bag (32)   COSE_X509: an unordered bag of untrusted certificates;
//   x5chain (33) COSE_X509: an ordered candidate chain, end entity first, untrusted too;
//   x5t (34)     COSE_CertHash = [hashAlg, hashValue]: names the end-entity certificate.
// COSE_X509 = bstr / [ 2*certs: bstr ]; one-element arrays are accepted as well.
import { createHash } from "node:crypto";
import { isBytes, isInt, isMap, strictDecode, type CborDecoding } from "./cbor.js";
import { CoseError } from "./errors.js";
import type { HeaderMap, Label } from "./types.js";

/** Header labels (RFC 9052 3.1, RFC 9360 2). */
export const COSE_HEADER = Object.freeze({ alg: 1, crit: 2, contentType: 3, kid: 4, x5bag: 32, x5chain: 33, x5t: 34, x5u: 35 });

/** Labels this module processes; anything else named in crit must be in `understoodHeaders`. */
const PROCESSED: readonly Label[] = [1, 2, 3, 4, 32, 33, 34];

/** COSE hash algorithms usable in x5t (RFC 9054 2): id -> node digest and output length. */
const CERT_HASHES = new Map<number, { node: string; bytes: number; name: string }>([
  [-16, { node: "sha256", bytes: 32, name: "SHA-256" }],
  [-15, { node: "sha256", bytes: 8, name: "SHA-256/64" }],
  [-43, { node: "sha384", bytes: 48, name: "SHA-384" }],
  [-44, { node: "sha512", bytes: 64, name: "SHA-512" }],
  [-17, { node: "sha512-256", bytes: 32, name: "SHA-512/256" }],
]);

export interface Bucketed<T> {
  readonly value: T;
  readonly isProtected: boolean;
}

/** One layer's two buckets, with the protected bucket's bytes as received (they are signed). */
export interface HeaderLayer {
  readonly protectedBytes: Uint8Array;
  readonly protected: HeaderMap;
  readonly unprotected: HeaderMap;
}

export interface CertHash {
  readonly hashAlg: number;
  readonly hash: Uint8Array;
}

/** What the signer's layers say about algorithm and signer. */
export interface SignerHeaders {
  readonly alg?: Label;
  readonly kid?: Uint8Array;
  readonly x5chain?: Bucketed<Uint8Array[]>;
  readonly x5t?: Bucketed<CertHash>;
  /** Every x5bag of every layer. */
  readonly x5bag: Bucketed<Uint8Array[]>[];
}

const isLabel = (k: unknown): k is Label => isInt(k) || typeof k === "string";
const show = (l: Label) => (typeof l === "string" ? JSON.stringify(l) : String(l));

function checkLabels(m: Map<unknown, unknown>, what: string): HeaderMap {
  for (const k of m.keys()) if (!isLabel(k)) throw new CoseError("BAD_HEADER", `${what}: header label ${String(k)} is neither an int nor a tstr (RFC 9052 3)`);
  return m as HeaderMap;
}

/** Parses `protected` (bstr .cbor header_map, or empty) and `unprotected` (header_map) of one layer. */
export function parseLayer(protectedRaw: unknown, unprotectedRaw: unknown, what: string, decoding: CborDecoding = "strict"): HeaderLayer {
  if (!isBytes(protectedRaw)) throw new CoseError("MALFORMED_COSE", `${what}: the protected header is not a bstr (RFC 9052 3)`);
  if (!isMap(unprotectedRaw)) throw new CoseError("MALFORMED_COSE", `${what}: the unprotected header is not a map (RFC 9052 3)`);
  let prot: HeaderMap = new Map();
  if (protectedRaw.length > 0) {
    const m = strictDecode(protectedRaw, `${what} protected header`, decoding);
    if (!isMap(m)) throw new CoseError("MALFORMED_COSE", `${what}: the protected header does not encode a map (RFC 9052 3)`);
    prot = checkLabels(m, `${what} protected header`);
  }
  const unprot = checkLabels(unprotectedRaw, `${what} unprotected header`);
  for (const k of prot.keys())
    if (unprot.has(k)) throw new CoseError("BAD_HEADER", `${what}: label ${show(k)} is in both the protected and the unprotected header (RFC 9052 3)`);
  return { protectedBytes: protectedRaw, protected: prot, unprotected: unprot };
}

/**
 * Most certificates one x5chain or x5bag may carry (issue 10 item 3): every one is parsed
 * before the signature is checked, so the count bounds work an unauthenticated message
 * causes. Real chains hold a handful.
 */
export const MAX_COSE_X509_CERTS = 32;

function coseX509(v: unknown, name: string, what: string): Uint8Array[] {
  if (isBytes(v)) return [v];
  if (Array.isArray(v) && v.length > MAX_COSE_X509_CERTS)
    throw new CoseError("BUDGET_EXCEEDED", `${what}: ${name} holds ${v.length} certificates, more than the cap of ${MAX_COSE_X509_CERTS}`);
  if (Array.isArray(v) && v.length >= 1 && v.every(isBytes)) return v;
  throw new CoseError("BAD_HEADER", `${what}: ${name} is neither a bstr nor an array of bstr (COSE_X509, RFC 9360 2)`);
}

function certHash(v: unknown, what: string): CertHash {
  if (!Array.isArray(v) || v.length !== 2 || !isBytes(v[1]) || !(isInt(v[0]) || typeof v[0] === "string"))
    throw new CoseError("BAD_HEADER", `${what}: x5t is not [hashAlg, hashValue] (COSE_CertHash, RFC 9360 2)`);
  const h = isInt(v[0]) ? CERT_HASHES.get(v[0]) : undefined;
  if (!h) throw new CoseError("BAD_HEADER", `${what}: x5t hash algorithm ${show(v[0] as Label)} is not supported (SHA-256 -16, SHA-256/64 -15, SHA-384 -43, SHA-512 -44, SHA-512/256 -17)`);
  if (v[1].length !== h.bytes) throw new CoseError("BAD_HEADER", `${what}: x5t ${h.name} value has ${v[1].length} bytes, expected ${h.bytes}`);
  return { hashAlg: v[0] as number, hash: v[1] };
}

/** Does the x5t hash name this certificate? */
export function certHashMatches(x5t: CertHash, der: Uint8Array): boolean {
  const h = CERT_HASHES.get(x5t.hashAlg)!;
  const d = createHash(h.node).update(der).digest().subarray(0, h.bytes);
  return Buffer.compare(d, Buffer.from(x5t.hash.buffer, x5t.hash.byteOffset, x5t.hash.byteLength)) === 0;
}

/** COSE_CertHash of a certificate (SHA-256 unless told). */
export function certHashOf(der: Uint8Array, hashAlg = -16): [number, Uint8Array] {
  const h = CERT_HASHES.get(hashAlg);
  if (!h) throw new TypeError(`unsupported x5t hash algorithm ${hashAlg}`);
  return [hashAlg, new Uint8Array(createHash(h.node).update(der).digest().subarray(0, h.bytes))];
}

/** RFC 9052 3.1 crit: in the protected bucket, a non-empty array of labels, each present there and understood. */
function checkCrit(layer: HeaderLayer, understood: readonly Label[], what: string): void {
  if (layer.unprotected.has(COSE_HEADER.crit)) throw new CoseError("BAD_HEADER", `${what}: crit is in the unprotected header; it MUST be protected (RFC 9052 3.1)`);
  const crit = layer.protected.get(COSE_HEADER.crit);
  if (crit === undefined) return;
  if (!Array.isArray(crit) || crit.length === 0 || !crit.every(isLabel)) throw new CoseError("BAD_HEADER", `${what}: crit is not a non-empty array of labels (RFC 9052 3.1)`);
  for (const l of crit) {
    if (!layer.protected.has(l)) throw new CoseError("BAD_HEADER", `${what}: crit names label ${show(l)}, which is not in the protected header (RFC 9052 3.1)`);
    if (!PROCESSED.includes(l) && !understood.includes(l)) throw new CoseError("BAD_HEADER", `${what}: crit names label ${show(l)}, which is not understood (RFC 9052 3.1)`);
  }
}

function find(layers: readonly HeaderLayer[], label: number): Bucketed<unknown> | undefined {
  for (const l of layers) {
    if (l.protected.has(label)) return { value: l.protected.get(label), isProtected: true };
    if (l.unprotected.has(label)) return { value: l.unprotected.get(label), isProtected: false };
  }
  return undefined;
}

/**
 * Reads the signer's parameters from its layers, innermost first: for a COSE_Sign1 the
 * message itself; for a COSE_Signature the signature layer, then the COSE_Sign body
 * (whose protected bucket every signature covers too). `alg` must be protected in the
 * signer's own layer.
 */
export function readSignerHeaders(layers: readonly HeaderLayer[], understood: readonly Label[], what: string): SignerHeaders {
  for (const l of layers) checkCrit(l, understood, what);
  const own = layers[0]!;
  if (own.unprotected.has(COSE_HEADER.alg)) throw new CoseError("BAD_HEADER", `${what}: alg is in the unprotected header; it must be protected`);
  const alg = own.protected.get(COSE_HEADER.alg);
  if (alg !== undefined && !isLabel(alg)) throw new CoseError("BAD_HEADER", `${what}: alg is neither an int nor a tstr (RFC 9052 3.1)`);
  const ct = find(layers, COSE_HEADER.contentType);
  if (ct && !(typeof ct.value === "string" || (isInt(ct.value) && ct.value >= 0))) throw new CoseError("BAD_HEADER", `${what}: content type is neither a tstr nor a uint (RFC 9052 3.1)`);
  const kidH = find(layers, COSE_HEADER.kid);
  if (kidH && !isBytes(kidH.value)) throw new CoseError("BAD_HEADER", `${what}: kid is not a bstr (RFC 9052 3.1)`);
  const chainH = find(layers, COSE_HEADER.x5chain);
  const x5tH = find(layers, COSE_HEADER.x5t);
  const x5bag: Bucketed<Uint8Array[]>[] = [];
  for (const l of layers) {
    if (l.protected.has(COSE_HEADER.x5bag)) x5bag.push({ value: coseX509(l.protected.get(COSE_HEADER.x5bag), "x5bag", what), isProtected: true });
    if (l.unprotected.has(COSE_HEADER.x5bag)) x5bag.push({ value: coseX509(l.unprotected.get(COSE_HEADER.x5bag), "x5bag", what), isProtected: false });
  }
  return {
    alg: alg as Label | undefined,
    kid: kidH?.value as Uint8Array | undefined,
    x5chain: chainH && { value: coseX509(chainH.value, "x5chain", what), isProtected: chainH.isProtected },
    x5t: x5tH && { value: certHash(x5tH.value, what), isProtected: x5tH.isProtected },
    x5bag,
  };
}
