// Input decoding shared by certificates, CRLs and OCSP: PEM or DER in, DER out,
// with size caps so absurd inputs are refused before any ASN.1 work.
import * as asn1js from "asn1js";
import { MalformedError, type MalformedCode } from "./errors.js";

/** Largest single DER object accepted (certificates and CRLs alike). */
export const MAX_DER_BYTES = 16 * 1024 * 1024;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export function bytesToHex(b: Uint8Array | ArrayBuffer): string {
  return Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString("hex");
}

/** True when the bytes look like PEM text rather than DER. */
export function looksLikePem(b: Uint8Array): boolean {
  // DER always starts with a SEQUENCE tag (0x30); PEM starts with text.
  return b.length > 0 && b[0] !== 0x30 && Buffer.from(b.subarray(0, Math.min(b.length, 4096))).toString("latin1").includes("-----BEGIN ");
}

/**
 * Splits a PEM text into the DER bodies of its blocks whose label is one of `labels`.
 * Other blocks (keys, parameters) are skipped.
 */
export function pemBlocks(text: string, labels: readonly string[], code: MalformedCode, what: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (!labels.includes(m[1]!)) continue;
    const body = m[2]!.replace(/[\r\n\t ]/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new MalformedError(code, `${what}: PEM block ${m[1]} is not valid base64`);
    out.push(new Uint8Array(Buffer.from(body, "base64")));
  }
  if (out.length === 0) throw new MalformedError(code, `${what}: no PEM block labelled ${labels.join(" or ")}`);
  return out;
}

/**
 * Turns one input (DER bytes, PEM text, or PEM bytes) into one or more DER objects.
 */
export function inputToDers(
  input: Uint8Array | string,
  labels: readonly string[],
  code: MalformedCode,
  what: string,
): Uint8Array[] {
  if (typeof input === "string") return pemBlocks(input, labels, code, what);
  if (looksLikePem(input)) return pemBlocks(Buffer.from(input).toString("latin1"), labels, code, what);
  return [input];
}

/**
 * Checks the outer TLV of a DER object: a SEQUENCE whose definite length covers the
 * input exactly. Catches truncation and trailing garbage before the schema parser runs.
 */
export function checkOuterSequence(der: Uint8Array, code: MalformedCode, what: string): void {
  if (der.length > MAX_DER_BYTES) throw new MalformedError(code, `${what}: ${der.length} bytes exceeds the ${MAX_DER_BYTES}-byte cap`);
  if (der.length < 2 || der[0] !== 0x30) throw new MalformedError(code, `${what}: not a DER SEQUENCE`);
  let len = der[1]!;
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new MalformedError(code, `${what}: indefinite or oversized length`);
    if (der.length < 2 + n) throw new MalformedError(code, `${what}: truncated length`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
    off = 2 + n;
  }
  if (off + len !== der.length)
    throw new MalformedError(code, `${what}: DER length says ${off + len} bytes but ${der.length} were given (truncated or trailing data)`);
}

/** Deepest nesting accepted inside a signed object (real certificates nest about 10 deep). */
const MAX_NESTING = 64;

/** One DER element: its tag byte, where its header starts, and its contents [start, end). */
export interface DerElement {
  readonly tag: number;
  readonly headerStart: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Reads the element header at `off` (definite lengths only, X.690 10.1), checking it stays
 * inside `limit`. Throws a plain Error; callers turn it into their MALFORMED_* code.
 */
export function derElement(der: Uint8Array, off: number, limit: number): DerElement {
  if (off + 2 > limit) throw new Error("truncated element");
  const tag = der[off]!;
  let p = off + 1;
  if ((tag & 0x1f) === 0x1f) {
    // High tag number form (X.690 8.1.2.4): base-128 digits, the last without bit 8.
    while (p < limit && der[p]! & 0x80) p++;
    p++;
    if (p >= limit) throw new Error("truncated tag");
  }
  let len = der[p++]!;
  if (len === 0x80) throw new Error("indefinite length; X.690 10.1: DER uses definite lengths");
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || p + n > limit) throw new Error("length field too large or truncated");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[p++]!;
  }
  if (p + len > limit) throw new Error("element runs past its container");
  return { tag, headerStart: off, start: p, end: p + len };
}

/** The elements inside a constructed element's contents. */
export function derChildren(der: Uint8Array, e: { start: number; end: number }): DerElement[] {
  const out: DerElement[] = [];
  for (let off = e.start; off < e.end; off = out[out.length - 1]!.end) out.push(derElement(der, off, e.end));
  return out;
}

/**
 * The dotted form of an OBJECT IDENTIFIER's contents (X.690 8.19). Hand-written with the
 * walker: decoding each extension of a certificate through the schema parser's Extensions
 * class cost 160 us for four extensions (measured), most of a certificate's parse.
 */
export function derOid(der: Uint8Array, e: DerElement): string {
  if (e.tag !== 0x06 || e.end === e.start) throw new Error("not an OBJECT IDENTIFIER");
  const arcs: number[] = [];
  let v = 0;
  for (let p = e.start; p < e.end; p++) {
    const b = der[p]!;
    if (v === 0 && b === 0x80) throw new Error("OBJECT IDENTIFIER arc with a leading 0x80 (X.690 8.19.2)");
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new Error("OBJECT IDENTIFIER arc too large");
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  if (der[e.end - 1]! & 0x80) throw new Error("truncated OBJECT IDENTIFIER");
  const first = arcs.shift()!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs].join(".");
}

/**
 * UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSS[.f]Z), the forms RFC 5280
 * 4.1.2.5 allows (UTCTime years 50-99 are 19xx). Undefined for any other form, which the
 * caller hands to the library instead. Hand-written for the same measured reason as derOid.
 */
export function derTime(der: Uint8Array, e: DerElement): Date | undefined {
  const s = String.fromCharCode(...der.subarray(e.start, e.end));
  let m: RegExpExecArray | null;
  let year: number;
  if (e.tag === 0x17 && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (e.tag === 0x18 && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d+))?Z$/.exec(s))) {
    year = Number(m[1]);
  } else return undefined;
  const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const t = new Date(Date.UTC(year, mo - 1, d, h, mi, se, ms));
  t.setUTCFullYear(year); // years below 100 would otherwise map to 19xx
  // Reject calendar overflow (month 13, day 32, 25:00): Date.UTC would roll it over.
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || t.getUTCHours() !== h || t.getUTCMinutes() !== mi || t.getUTCSeconds() !== se) return undefined;
  return t;
}

/** The whole encoding (header and contents) of an element. */
export function derBytes(der: Uint8Array, e: DerElement): Uint8Array {
  return der.subarray(e.headerStart, e.end);
}

/**
 * DER rules the schema parser lets through, checked on a signed object
 * (Certificate, CertificateList: SEQUENCE { SEQUENCE, AlgorithmIdentifier, BIT STRING }):
 * exact universal tags for the three parts, definite lengths everywhere (X.690 10.1), no
 * constructed string encodings (X.690 10.2), every element inside its container, so one
 * certificate has one encoding. Returns the three parts and the signature BIT STRING's
 * unused-bits count.
 *
 * Hand-written on purpose, like derElement: this is a walk over tags and lengths only,
 * and doing it with asn1js.fromBER cost about 40% of parseCertificate (1.2 ms of 2.7 ms
 * per PKITS certificate measured on this machine). The fields themselves are decoded by
 * the @peculiar/asn1-x509 classes.
 */
export function checkSignedStructure(
  der: Uint8Array,
  code: MalformedCode,
  what: string,
): { signatureUnusedBits: number; tbs: DerElement; algorithm: DerElement; signature: DerElement } {
  const walk = (e: DerElement, depth: number): void => {
    if (depth > MAX_NESTING) throw new Error(`nested deeper than ${MAX_NESTING}`);
    for (const k of derChildren(der, e)) {
      if (k.tag & 0x20) {
        // Constructed: SEQUENCE, SET, or a context/application/private tag; never a string (X.690 10.2).
        if ((k.tag & 0xc0) === 0 && k.tag !== 0x30 && k.tag !== 0x31) throw new Error("constructed string encoding; X.690 10.2");
        walk(k, depth + 1);
      }
    }
  };
  let parts: DerElement[];
  try {
    const top = derElement(der, 0, der.length);
    if (top.tag !== 0x30 || top.end !== der.length) throw new Error("outer SEQUENCE");
    parts = derChildren(der, top);
    walk(top, 1);
  } catch (e) {
    throw new MalformedError(code, `${what}: not valid DER (${(e as Error).message})`);
  }
  if (parts.length !== 3 || parts[0]!.tag !== 0x30 || parts[1]!.tag !== 0x30 || parts[2]!.tag !== 0x03)
    throw new MalformedError(code, `${what}: not SEQUENCE { SEQUENCE, AlgorithmIdentifier, BIT STRING } (X.690 DER)`);
  const sig = parts[2]!;
  if (sig.end === sig.start) throw new MalformedError(code, `${what}: not valid DER (empty signature BIT STRING)`);
  // Unused bits are valid DER but no signature scheme here produces them: the verifier refuses them.
  return { signatureUnusedBits: der[sig.start]!, tbs: parts[0]!, algorithm: parts[1]!, signature: sig };
}

/** Decodes a DER INTEGER (as found inside an extension value) to a bigint. */
export function derIntegerToBigInt(der: ArrayBuffer | Uint8Array, code: MalformedCode, what: string): bigint {
  const buf = der instanceof Uint8Array ? der : new Uint8Array(der);
  const parsed = asn1js.fromBER(buf);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Integer) || parsed.offset !== buf.length)
    throw new MalformedError(code, `${what}: not a DER INTEGER`);
  return parsed.result.toBigInt();
}

/** Unsigned big-endian bytes (an INTEGER's content octets) to a bigint. */
export function bytesToBigInt(b: ArrayBuffer | Uint8Array): bigint {
  const u = b instanceof Uint8Array ? b : new Uint8Array(b);
  if (u.length === 0) return 0n;
  let v = 0n;
  for (const x of u) v = (v << 8n) | BigInt(x);
  // two's complement: a set top bit means negative
  if (u[0]! & 0x80) v -= 1n << BigInt(u.length * 8);
  return v;
}
