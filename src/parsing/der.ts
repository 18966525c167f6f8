// Input decoding shared by certificates, CRLs and OCSP: PEM or DER in, DER out,
// with size caps so absurd inputs are refused before any ASN.1 work.
import { MalformedError, type MalformedCode } from "./errors.js";
import { pemDecode, scanPem, type PemBlock } from "./pem.js";
import { WorkLimitError, checkpoint } from "./deadline.js";

/** Largest single DER object accepted (certificates and CRLs alike). */
export const MAX_DER_BYTES = 16 * 1024 * 1024;
/** Longest PEM block body read: the base64 of MAX_DER_BYTES with a CR LF every 64 characters, and some slack. */
const MAX_PEM_BODY_CHARS = Math.ceil(MAX_DER_BYTES / 3) * 4 * (66 / 64) + 4096;


export function bytesToHex(b: Uint8Array | ArrayBuffer): string {
  // A view over the same memory (Buffer.from(Uint8Array) would copy it first).
  return (b instanceof Uint8Array ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : Buffer.from(b)).toString("hex");
}

/** True when the bytes look like PEM text rather than DER. */
export function looksLikePem(b: Uint8Array): boolean {
  // DER always starts with a SEQUENCE tag (0x30); PEM starts with text.
  return b.length > 0 && b[0] !== 0x30 && Buffer.from(b.subarray(0, Math.min(b.length, 4096))).toString("latin1").includes("-----BEGIN ");
}

/**
 * Splits a PEM text into the DER bodies of its blocks whose label is one of `labels`.
 * Other blocks (keys, parameters) are skipped. Linear in the text (see pem.ts).
 */
export function pemBlocks(text: string, labels: readonly string[], code: MalformedCode, what: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let blocks: PemBlock[];
  try {
    blocks = scanPem(text);
  } catch (e) {
    if (e instanceof WorkLimitError) throw e;
    throw new MalformedError(code, `${what}: ${(e as Error).message}`);
  }
  for (const b of blocks) {
    checkpoint(); // the call's deadline (issue 10 item 3): a 32 MiB text holds ~40,000 blocks to decode
    if (!labels.includes(b.label)) continue;
    // Size first (issue 10 items 2 and 3): a body whose base64 would decode past the DER cap is not decoded.
    if (b.body.length > MAX_PEM_BODY_CHARS) throw new MalformedError(code, `${what}: PEM block ${b.label} of ${b.body.length} characters exceeds the ${MAX_DER_BYTES}-byte cap once decoded`);
    const der = pemDecode(b.body);
    if (der === undefined) throw new MalformedError(code, `${what}: PEM block ${b.label} is not valid base64`);
    out.push(der);
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
 * Checks the outer TLV of a DER object before any other work: the size cap, then a
 * SEQUENCE whose definite, minimally encoded length covers the input exactly. Catches
 * truncation and trailing garbage.
 */
export function checkOuterSequence(der: Uint8Array, code: MalformedCode, what: string): void {
  if (der.length > MAX_DER_BYTES) throw new MalformedError(code, `${what}: ${der.length} bytes exceeds the ${MAX_DER_BYTES}-byte cap`);
  if (der.length < 2 || der[0] !== 0x30) throw new MalformedError(code, `${what}: not a DER SEQUENCE`);
  let top: DerElement;
  try {
    top = derElement(der, 0, Number.MAX_SAFE_INTEGER);
  } catch (e) {
    throw new MalformedError(code, `${what}: not valid DER (${(e as Error).message})`);
  }
  if (top.end !== der.length)
    throw new MalformedError(code, `${what}: DER length says ${top.end} bytes but ${der.length} were given (truncated or trailing data)`);
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

/** Thrown by the DER reader; callers turn it into their MALFORMED_* code naming the input. */
export class DerError extends Error {
  override name = "DerError";
}

/**
 * Reads the element header at `off`, checking it stays inside `limit` and is the one
 * DER encoding of that header: definite lengths (X.690 10.1), lengths in the fewest
 * octets (X.690 10.1: "the definite form of length encoding shall be used, encoded in
 * the minimum number of octets"), tag numbers below 31 in the low form and high tag
 * numbers without a leading 0x80 octet (X.690 8.1.2.4.2 (c)).
 */
export function derElement(der: Uint8Array, off: number, limit: number): DerElement {
  const tag = derHeader(der, off, limit);
  return { tag, headerStart: off, start: lastHeader.start, end: lastHeader.end };
}

/** Where the contents of the element `derHeader` read last start and end. */
export const lastHeader = { start: 0, end: 0 };

/**
 * `derElement` without allocating: checks the header at `off` by the same rules, returns
 * its tag and leaves the contents' bounds in `lastHeader`. For walks over hundreds of
 * thousands of elements (a CRL's revoked list).
 */
export function derHeader(der: Uint8Array, off: number, limit: number): number {
  if (off + 2 > limit) throw new DerError("truncated element");
  const tag = der[off]!;
  let p = off + 1;
  if ((tag & 0x1f) === 0x1f) {
    // High tag number form (X.690 8.1.2.4): base-128 digits, the last without bit 8.
    if (der[p] === 0x80) throw new DerError("tag number with a leading 0x80 octet (X.690 8.1.2.4.2)");
    let n = 0;
    while (p < limit && der[p]! & 0x80) {
      n = n * 128 + (der[p]! & 0x7f);
      if (n > 0xffffff) throw new DerError("tag number too large");
      p++;
    }
    if (p >= limit) throw new DerError("truncated tag");
    n = n * 128 + der[p]!;
    if (n < 31) throw new DerError("tag number below 31 in the high tag form (X.690 8.1.2.4.1)");
    p++;
    if (p >= limit) throw new DerError("truncated tag");
  }
  let len = der[p++]!;
  if (len === 0x80) throw new DerError("indefinite length; X.690 10.1: DER uses definite lengths");
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || p + n > limit) throw new DerError("length field too large or truncated");
    if (der[p] === 0) throw new DerError("length with a leading zero octet; X.690 10.1: minimum number of octets");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[p++]!;
    if (len < 0x80) throw new DerError(`length ${len} in the long form; X.690 10.1: minimum number of octets`);
  }
  if (p + len > limit) throw new DerError("element runs past its container");
  lastHeader.start = p;
  lastHeader.end = p + len;
  return tag;
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
  if (e.tag !== 0x06 || e.end === e.start) throw new DerError("not an OBJECT IDENTIFIER");
  // The attribute types and extensions of every certificate (2.5.4.x, 2.5.29.x): three
  // one-octet arcs, read without building the arc list (names are read on every parse).
  if (e.end - e.start === 3 && der[e.start] === 0x55 && !((der[e.start + 1]! | der[e.start + 2]!) & 0x80))
    return `2.5.${der[e.start + 1]}.${der[e.start + 2]}`;
  // Built as a string as the arcs are read (no arc list): the algorithm OIDs of every
  // certificate and key come through here.
  let out = "";
  let v = 0;
  for (let p = e.start; p < e.end; p++) {
    const b = der[p]!;
    if (v === 0 && b === 0x80) throw new DerError("OBJECT IDENTIFIER arc with a leading 0x80 (X.690 8.19.2)");
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new DerError("OBJECT IDENTIFIER arc too large");
    if (!(b & 0x80)) {
      out = out === "" ? (v < 40 ? `0.${v}` : v < 80 ? `1.${v - 40}` : `2.${v - 80}`) : `${out}.${v}`;
      v = 0;
    }
  }
  if (der[e.end - 1]! & 0x80) throw new DerError("truncated OBJECT IDENTIFIER");
  return out;
}

/** The OBJECT IDENTIFIER rules of derOid (X.690 8.19.2), checked without building the dotted form. */
function checkOid(der: Uint8Array, start: number, end: number): void {
  if (end === start) throw new DerError("not an OBJECT IDENTIFIER");
  let v = 0;
  for (let p = start; p < end; p++) {
    const b = der[p]!;
    if (v === 0 && b === 0x80) throw new DerError("OBJECT IDENTIFIER arc with a leading 0x80 (X.690 8.19.2)");
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new DerError("OBJECT IDENTIFIER arc too large");
    if (!(b & 0x80)) v = 0;
  }
  if (der[end - 1]! & 0x80) throw new DerError("truncated OBJECT IDENTIFIER");
}

/**
 * UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSS[.f]Z), the forms RFC 5280
 * 4.1.2.5 allows (UTCTime years 50-99 are 19xx). Undefined for any other form, which the
 * caller hands to the library instead. Hand-written for the same measured reason as derOid.
 */
export function derTime(der: Uint8Array, e: DerElement): Date | undefined {
  // The usual forms (UTCTime YYMMDDHHMMSSZ, GeneralizedTime YYYYMMDDHHMMSSZ) read digit by
  // digit: every certificate has two times, and the string + regular expression path was a
  // measured part of a cold parse. The same rules as the general path below.
  const n = e.end - e.start;
  if (der[e.end - 1] === 0x5a && ((e.tag === 0x17 && n === 13) || (e.tag === 0x18 && n === 15))) {
    let digits = true;
    for (let i = e.start; i < e.end - 1; i++) if (der[i]! < 0x30 || der[i]! > 0x39) digits = false;
    if (digits) {
      const d2 = (p: number) => (der[p]! - 48) * 10 + der[p + 1]! - 48;
      let p = e.start;
      let year: number;
      if (e.tag === 0x17) {
        const yy = d2(p);
        year = yy >= 50 ? 1900 + yy : 2000 + yy;
        p += 2;
      } else {
        year = d2(p) * 100 + d2(p + 2);
        p += 4;
      }
      return utcDate(year, d2(p), d2(p + 2), d2(p + 4), d2(p + 6), d2(p + 8), 0);
    }
  }
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
  return utcDate(year, mo, d, h, mi, se, ms);
}

/**
 * A Time that is not DER, read the same on every machine: the other forms X.680 allows
 * (UTCTime without seconds or with an offset; GeneralizedTime with minutes or seconds left
 * out, a fraction, an offset, or no zone at all, which is read as UTC). For the one field
 * certpath reads leniently, a CRL entry's revocationDate (crl-entries.ts): the schema
 * library's reader took the machine's time zone and got the day wrong ("20240101120000"
 * came out as 2024-01-04T17:00Z under America/New_York). Undefined when it is no time.
 */
export function lenientTime(der: Uint8Array, e: DerElement): Date | undefined {
  const strict = derTime(der, e);
  if (strict) return strict;
  const s = String.fromCharCode(...der.subarray(e.start, Math.min(e.end, e.start + 32)));
  let m: RegExpExecArray | null;
  let year: number;
  let rest: (string | undefined)[];
  if (e.tag === 0x17 && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(Z|[+-]\d{4})?$/.exec(s))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = [m[2], m[3], m[4], m[5], m[6], undefined, m[7]];
  } else if (e.tag === 0x18 && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(?:(\d\d)(?:(\d\d)(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d\d(?:\d\d)?)?$/.exec(s))) {
    year = Number(m[1]);
    rest = [m[2], m[3], m[4], m[5], m[6], m[7], m[8]];
  } else return undefined;
  const [mo, d, h, mi, se, frac, zone] = rest;
  const t = utcDate(year, Number(mo), Number(d), Number(h), Number(mi ?? 0), Number(se ?? 0), frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0);
  if (!t || !zone || zone === "Z") return t;
  // An offset: local = UTC + offset.
  const sign = zone[0] === "-" ? -1 : 1;
  const oh = Number(zone.slice(1, 3));
  const om = zone.length > 3 ? Number(zone.slice(3, 5)) : 0;
  if (oh > 23 || om > 59) return undefined;
  return new Date(t.getTime() - sign * (oh * 60 + om) * 60_000);
}

function utcDate(year: number, mo: number, d: number, h: number, mi: number, se: number, ms: number): Date | undefined {
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
 * X.690 DER content rules for the universal primitive types X.509 uses, and the
 * header rules of `derElement`, checked on every element under `e`. One certificate,
 * CRL or OCSP response then has exactly one encoding: the parts outside the signature
 * (outer SEQUENCE, signatureAlgorithm, signature BIT STRING) cannot be re-encoded into
 * a second accepted byte string with its own SHA-256.
 *  - BOOLEAN: one octet, 0x00 or 0xFF (X.690 11.1)
 *  - INTEGER, ENUMERATED: at least one octet, no redundant leading 0x00/0xFF (X.690 8.3.2)
 *  - NULL: no contents (X.690 8.8.2)
 *  - OBJECT IDENTIFIER: subidentifiers without a leading 0x80, the last one complete (X.690 8.19.2)
 *  - BIT STRING: unused-bits octet 0..7, 0 when empty, unused bits zero (X.690 8.6.2, 11.2.1)
 *  - constructed encodings only for SEQUENCE, SET and tagged types; never a string (X.690 10.2)
 *  - end-of-contents octets never appear (definite lengths only, X.690 10.1)
 */
export function checkDer(der: Uint8Array, e: { start: number; end: number }, depth = 0, skip = -1): void {
  checkDerRange(der, e.start, e.end, depth, skip);
}

function checkDerRange(der: Uint8Array, from: number, to: number, depth: number, skip: number): void {
  if (depth > MAX_NESTING) throw new DerError(`nested deeper than ${MAX_NESTING}`);
  for (let off = from; off < to; ) {
    checkpoint();
    derStats.elementsChecked++;
    // The non-allocating header read: every element of every certificate passes here (an
    // object per element made a measured share of a cold parse's garbage collection).
    const headerStart = off;
    const tag = derHeader(der, off, to);
    const start = lastHeader.start;
    const end = lastHeader.end;
    off = end;
    if (tag & 0x20) {
      if ((tag & 0xc0) === 0 && tag !== 0x30 && tag !== 0x31) throw new DerError("constructed encoding of a universal type other than SEQUENCE or SET; X.690 10.2");
      // The caller checks this element's contents itself, element by element (see checkSignedStructure).
      if (headerStart !== skip) checkDerRange(der, start, end, depth + 1, skip);
      continue;
    }
    if ((tag & 0xc0) !== 0) continue; // implicitly tagged primitive: its type is the schema's business
    checkPrimitive(der, tag, start, end);
  }
}

function checkPrimitive(der: Uint8Array, tag: number, start: number, end: number): void {
  const n = end - start;
  switch (tag) {
    case 0x00:
      throw new DerError("end-of-contents octets; X.690 10.1: DER uses definite lengths");
    case 0x01:
      if (n !== 1 || (der[start] !== 0 && der[start] !== 0xff)) throw new DerError("BOOLEAN not encoded as one octet 0x00 or 0xFF; X.690 11.1");
      return;
    case 0x02:
    case 0x0a:
      checkIntegerContents(der, start, end);
      return;
    case 0x05:
      if (n !== 0) throw new DerError("NULL with contents; X.690 8.8.2");
      return;
    case 0x06:
      checkOid(der, start, end);
      return;
    case 0x03: {
      if (n === 0) throw new DerError("BIT STRING without its unused-bits octet; X.690 8.6.2");
      const unused = der[start]!;
      if (unused > 7 || (n === 1 && unused !== 0)) throw new DerError(`BIT STRING with ${unused} unused bits; X.690 8.6.2`);
      if (unused && der[end - 1]! & ((1 << unused) - 1)) throw new DerError("BIT STRING with nonzero unused bits; X.690 11.2.1");
      return;
    }
  }
}

/** Elements visited by checkDer, process-wide (tests assert on it, never on time). */
export const derStats = { elementsChecked: 0 };

/** BOOLEAN contents: one octet, 0x00 or 0xFF (X.690 11.1). */
export function checkBooleanContents(der: Uint8Array, start: number, end: number): void {
  if (end - start !== 1 || (der[start] !== 0 && der[start] !== 0xff)) throw new DerError("BOOLEAN not encoded as one octet 0x00 or 0xFF; X.690 11.1");
}

/** INTEGER contents: at least one octet, no redundant leading 0x00/0xFF (X.690 8.3.2). */
export function checkIntegerContents(der: Uint8Array, start: number, end: number): void {
  const n = end - start;
  if (n === 0) throw new DerError("INTEGER without contents; X.690 8.3.1");
  if (n > 1) {
    const a = der[start]!;
    const b = der[start + 1]!;
    if ((a === 0 && !(b & 0x80)) || (a === 0xff && b & 0x80)) throw new DerError("INTEGER with a redundant leading octet; X.690 8.3.2");
  }
}

function checkMinimalInteger(der: Uint8Array, k: DerElement): void {
  checkIntegerContents(der, k.start, k.end);
}

/**
 * DER rules checked on a signed object (Certificate, CertificateList:
 * SEQUENCE { SEQUENCE, AlgorithmIdentifier, BIT STRING }): the whole input is DER
 * (`checkDer`), the three parts have exact universal tags, and nothing follows them.
 * Returns the three parts and the signature BIT STRING's unused-bits count.
 *
 * Hand-written on purpose: this is a walk over tags and lengths only, and doing it with
 * asn1js.fromBER cost about 40% of parseCertificate (1.2 ms of 2.7 ms per PKITS
 * certificate measured on this machine); neither asn1js nor the schema parser enforces
 * DER (both accept the re-encodings of issue 10 item 8).
 */
export function checkSignedStructure(
  der: Uint8Array,
  code: MalformedCode,
  what: string,
  checkedByCaller?: (tbs: DerElement) => DerElement | undefined,
): { signatureUnusedBits: number; tbs: DerElement; algorithm: DerElement; signature: DerElement } {
  let parts: DerElement[];
  try {
    const top = derElement(der, 0, der.length);
    if (top.tag !== 0x30 || top.end !== der.length) throw new DerError("outer SEQUENCE");
    parts = derChildren(der, top);
    // An element inside the signed part whose contents the caller checks by these same
    // rules as it reads them (a CRL's revoked list: walked once, not twice). Its header is
    // checked here.
    const skip = parts[0]?.tag === 0x30 && checkedByCaller ? checkedByCaller(parts[0]) : undefined;
    checkDer(der, top, 1, skip ? skip.headerStart : -1);
  } catch (e) {
    if (e instanceof WorkLimitError) throw e;
    throw new MalformedError(code, `${what}: not valid DER (${(e as Error).message})`);
  }
  if (parts.length !== 3 || parts[0]!.tag !== 0x30 || parts[1]!.tag !== 0x30 || parts[2]!.tag !== 0x03)
    throw new MalformedError(code, `${what}: not SEQUENCE { SEQUENCE, AlgorithmIdentifier, BIT STRING } (X.690 DER)`);
  const sig = parts[2]!;
  // Unused bits are valid DER but no signature scheme here produces them: the verifier refuses them.
  return { signatureUnusedBits: der[sig.start]!, tbs: parts[0]!, algorithm: parts[1]!, signature: sig };
}

/**
 * Typed, strict reads over the elements inside one constructed element (or a whole
 * buffer): each read names the tag it expects and checks the DER rule for its type.
 * Errors are DerError; the parsers wrap them into their MALFORMED_* code.
 */
export class DerReader {
  private pos: number;

  constructor(
    readonly der: Uint8Array,
    start = 0,
    readonly end = der.length,
  ) {
    this.pos = start;
  }

  /** A reader over the contents of `e`. */
  static inside(der: Uint8Array, e: { start: number; end: number }): DerReader {
    return new DerReader(der, e.start, e.end);
  }

  /** A reader over the contents of the single element of tag `tag` that fills `der` exactly. */
  static only(der: Uint8Array, tag: number, what: string): DerReader {
    const e = derElement(der, 0, der.length);
    if (e.tag !== tag || e.end !== der.length) throw new DerError(`${what} is not a single ${tagName(tag)}`);
    return DerReader.inside(der, e);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The tag of the next element, undefined at the end. */
  peekTag(): number | undefined {
    return this.done ? undefined : this.der[this.pos];
  }

  /** The next element, which must have tag `tag` when one is given. */
  next(tag?: number, what = "element"): DerElement {
    if (this.done) throw new DerError(`${what} is missing`);
    const e = derElement(this.der, this.pos, this.end);
    if (tag !== undefined && e.tag !== tag) throw new DerError(`${what} has tag 0x${e.tag.toString(16)}, expected ${tagName(tag)}`);
    this.pos = e.end;
    return e;
  }

  /** The next element when it has tag `tag`, else undefined (OPTIONAL and DEFAULT fields). */
  optional(tag: number): DerElement | undefined {
    return this.peekTag() === tag ? this.next(tag) : undefined;
  }

  /** A reader over the next element's contents (SEQUENCE by default). */
  sequence(what: string, tag = 0x30): DerReader {
    return DerReader.inside(this.der, this.next(tag, what));
  }

  /** Contents of the next element. */
  contents(tag: number, what: string): Uint8Array {
    const e = this.next(tag, what);
    return this.der.subarray(e.start, e.end);
  }

  /**
   * A `BOOLEAN DEFAULT FALSE` field: absent means FALSE; present it must be TRUE encoded
   * as 0xFF (X.690 11.1, and 11.5: a value equal to the default is never encoded).
   */
  defaultFalse(what: string): boolean {
    const e = this.optional(0x01);
    if (!e) return false;
    if (e.end - e.start !== 1 || this.der[e.start] !== 0xff) throw new DerError(`${what} must be encoded only when TRUE, as 0xFF (X.690 11.1, 11.5)`);
    return true;
  }

  /** An INTEGER's content octets, checked minimal (X.690 8.3.2). */
  integerBytes(what: string, tag = 0x02): Uint8Array {
    const e = this.next(tag, what);
    checkMinimalInteger(this.der, e);
    return this.der.subarray(e.start, e.end);
  }

  /** A small non-negative INTEGER (a counter): at most `maxOctets` content octets. */
  smallInt(what: string, maxOctets = 4, tag = 0x02): number {
    return smallIntFromContents(this.integerBytes(what, tag), what, maxOctets);
  }

  oid(what: string): string {
    return derOid(this.der, this.next(0x06, what));
  }

  /** The whole encoding of the next element (header and contents). */
  raw(what: string, tag?: number): Uint8Array {
    return derBytes(this.der, this.next(tag, what));
  }

  /** Throws if any element is left. */
  finish(what: string): void {
    if (!this.done) throw new DerError(`unexpected element after the fields of ${what}`);
  }
}

function tagName(tag: number): string {
  return tag === 0x30 ? "SEQUENCE" : tag === 0x02 ? "INTEGER" : tag === 0x06 ? "OBJECT IDENTIFIER" : tag === 0x04 ? "OCTET STRING" : tag === 0x03 ? "BIT STRING" : `tag 0x${tag.toString(16)}`;
}

/**
 * AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
 * (RFC 5280 4.1.1.2), read strictly: exactly the OID and at most one parameters element.
 * `params` is the parameters' whole DER (an explicit NULL is `0500`), absent when omitted.
 */
export function derAlgorithm(der: Uint8Array, e: DerElement): { oid: string; params?: Uint8Array } {
  if (e.tag !== 0x30) throw new DerError("AlgorithmIdentifier is not a SEQUENCE");
  const r = DerReader.inside(der, e);
  const oid = r.oid("AlgorithmIdentifier.algorithm");
  const params = r.done ? undefined : r.raw("AlgorithmIdentifier.parameters").slice();
  r.finish("AlgorithmIdentifier (RFC 5280 4.1.1.2: algorithm and at most one parameters element)");
  return params ? { oid, params } : { oid };
}

// ---------- INTEGER values: linear conversions only ----------
// Building a bigint octet by octet (v = v << 8n | x) is quadratic: a 256 KiB serial number
// took minutes (issue 10 item 1). Every conversion below is linear in the input.

/** A small non-negative INTEGER from its content octets (a counter: pathLen, SkipCerts). */
export function smallIntFromContents(c: Uint8Array, what: string, maxOctets = 4): number {
  if (c.length === 0) throw new DerError(`${what}: INTEGER without contents`);
  if (c[0]! & 0x80) throw new DerError(`${what}: negative`);
  if (c.length > maxOctets) throw new DerError(`${what}: INTEGER of ${c.length} octets, more than the ${maxOctets} a counter may take`);
  let v = 0;
  for (const x of c) v = v * 256 + x;
  return v;
}

/**
 * The value of an INTEGER's two's-complement content octets as lowercase hex, sign as a
 * leading '-', no leading zeros (what bigint.toString(16) gives), computed in linear time.
 */
export function integerHex(c: Uint8Array): string {
  if (c.length === 0) return "0";
  let bytes = c;
  let sign = "";
  if (c[0]! & 0x80) {
    // Negative: the magnitude is the two's complement (invert, add one), carried from the end.
    bytes = new Uint8Array(c.length);
    let carry = 1;
    for (let i = c.length - 1; i >= 0; i--) {
      const v = (~c[i]! & 0xff) + carry;
      bytes[i] = v & 0xff;
      carry = v >> 8;
    }
    sign = "-";
  }
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex").replace(/^0+/, "");
  return sign + (hex || "0");
}

/** The value of an INTEGER's content octets as a bigint; linear (through hex), for bounded inputs. */
export function bytesToBigInt(b: ArrayBuffer | Uint8Array): bigint {
  const u = b instanceof Uint8Array ? b : new Uint8Array(b);
  const hex = integerHex(u);
  return hex.startsWith("-") ? -BigInt(`0x${hex.slice(1)}`) : BigInt(`0x${hex}`);
}

/** Decodes a DER INTEGER that fills `der` (an extension value) to a bigint of at most `maxOctets` octets. */
export function derIntegerToBigInt(der: ArrayBuffer | Uint8Array, code: MalformedCode, what: string, maxOctets = 20): bigint {
  const buf = der instanceof Uint8Array ? der : new Uint8Array(der);
  try {
    const e = derElement(buf, 0, buf.length);
    if (e.tag !== 0x02 || e.end !== buf.length) throw new DerError("not a single INTEGER");
    checkMinimalInteger(buf, e);
    if (e.end - e.start > maxOctets) throw new DerError(`longer than ${maxOctets} octets`);
    return bytesToBigInt(buf.subarray(e.start, e.end));
  } catch (e) {
    throw new MalformedError(code, `${what}: not a DER INTEGER (${(e as Error).message})`);
  }
}

// ---------- Typed reads for the structures outside certificates and CRLs ----------

/**
 * SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
 * (RFC 5280 4.1.2.7), read strictly from the element `e`: exactly those two fields.
 * `keyBytes` are the BIT STRING's octets after its unused-bits octet.
 */
export function derSpki(der: Uint8Array, e: DerElement): { algorithm: { oid: string; params?: Uint8Array }; keyBytes: Uint8Array; unusedBits: number } {
  if (e.tag !== 0x30) throw new DerError("SubjectPublicKeyInfo is not a SEQUENCE");
  const r = DerReader.inside(der, e);
  const algorithm = derAlgorithm(der, r.next(0x30, "SubjectPublicKeyInfo.algorithm"));
  const bits = r.contents(0x03, "SubjectPublicKeyInfo.subjectPublicKey");
  r.finish("SubjectPublicKeyInfo (RFC 5280 4.1.2.7: algorithm and subjectPublicKey)");
  if (bits.length === 0) throw new DerError("subjectPublicKey BIT STRING without its unused-bits octet (X.690 8.6.2)");
  return { algorithm, keyBytes: bits.subarray(1), unusedBits: bits[0]! };
}

/** A DER SubjectPublicKeyInfo that fills `der` exactly, with the DER content rules checked (X.690 10). */
export function derSpkiOf(der: Uint8Array): ReturnType<typeof derSpki> {
  const e = derElement(der, 0, der.length);
  if (e.end !== der.length) throw new DerError("SubjectPublicKeyInfo does not fill its input");
  checkDer(der, { start: 0, end: der.length });
  return derSpki(der, e);
}

/** A BER element (X.690 8.1): `end` ends its contents, `after` is where the next element starts. */
export interface BerElement extends DerElement {
  readonly after: number;
}

/**
 * The element header at `off` under the BER rules (X.690 8.1.3): besides what `derElement`
 * accepts, the indefinite length (8.1.3.6, contents closed by end-of-contents octets) and
 * definite lengths in more octets than needed. Only for the envelopes RFC 5280 4.2.2.1
 * allows in BER (a "certs-only" CMS message); what is sliced out of them (certificates) is
 * then read as DER. Single-octet tags only (CMS uses no others).
 */
export function berElement(buf: Uint8Array, off: number, limit: number, depth = 0): BerElement {
  if (depth > MAX_NESTING) throw new DerError(`nested deeper than ${MAX_NESTING}`);
  checkpoint();
  if (off + 2 > limit) throw new DerError("truncated element");
  const tag = buf[off]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError("high tag number form where a CMS envelope has none");
  let p = off + 1;
  const first = buf[p++]!;
  if (first === 0x80) {
    // X.690 8.1.3.6: indefinite form, constructed encodings only; contents end at 00 00.
    if (!(tag & 0x20)) throw new DerError("indefinite length on a primitive encoding (X.690 8.1.3.2 (a))");
    let q = p;
    for (;;) {
      if (q + 2 > limit) throw new DerError("indefinite-length element without its end-of-contents octets");
      if (buf[q] === 0 && buf[q + 1] === 0) return { tag, headerStart: off, start: p, end: q, after: q + 2 };
      q = berElement(buf, q, limit, depth + 1).after;
    }
  }
  let len = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0x7f || p + n > limit) throw new DerError("length field reserved or truncated (X.690 8.1.3.5)");
    len = 0;
    for (let i = 0; i < n; i++) {
      len = len * 256 + buf[p++]!;
      if (len > limit) throw new DerError("element runs past its container");
    }
  }
  if (p + len > limit) throw new DerError("element runs past its container");
  return { tag, headerStart: off, start: p, end: p + len, after: p + len };
}

/** The BER elements inside a constructed BER element's contents, at most `max` of them. */
export function berChildren(buf: Uint8Array, e: { start: number; end: number }, max = Infinity, depth = 0): BerElement[] {
  const out: BerElement[] = [];
  for (let off = e.start; off < e.end && out.length < max; off = out[out.length - 1]!.after) out.push(berElement(buf, off, e.end, depth));
  return out;
}

// ---------- Writing: the two small structures the library builds itself ----------
// (an OCSP request, RFC 6960 4.1.1; a DSA SubjectPublicKeyInfo with inherited parameters,
// RFC 3279 2.3.2). Certificates and CRLs are never re-encoded.

/** One DER TLV with a single-octet tag and a definite, minimal length (X.690 10.1). */
export function derTlv(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  const len = contents.reduce((n, c) => n + c.length, 0);
  const lenOctets: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) lenOctets.unshift(v & 0xff);
  const head = len < 0x80 ? [tag, len] : [tag, 0x80 | lenOctets.length, ...lenOctets];
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let off = head.length;
  for (const c of contents) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** An OBJECT IDENTIFIER's DER from its dotted form (X.690 8.19: 40 * first + second, then base 128). */
export function derOidTlv(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map(Number);
  const first = arcs[0]! * 40 + arcs[1]!;
  const out: number[] = [];
  for (const arc of [first, ...arcs.slice(2)]) {
    const digits = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) digits.unshift(0x80 | (v & 0x7f));
    out.push(...digits);
  }
  return derTlv(0x06, Uint8Array.from(out));
}
