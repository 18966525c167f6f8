// A minimal DER encoder (X.690) for the test-PKI generator: every byte of a generated
// certificate or CRL is written here, so tests control each field exactly (including
// deliberately odd ones) without depending on a high-level library's choices.

/** Concatenates byte strings. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function lengthOctets(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV with a single-octet tag (all this generator needs). */
export function tlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  const body = concat(...content);
  return concat(Uint8Array.of(tag), lengthOctets(body.length), body);
}

export const seq = (...c: readonly Uint8Array[]) => tlv(0x30, ...c);

/** SET OF: DER sorts the encodings of the elements (X.690 11.6). */
export function setOf(...c: readonly Uint8Array[]): Uint8Array {
  const sorted = [...c].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  return tlv(0x31, ...sorted);
}

export const bool = (b: boolean) => tlv(0x01, Uint8Array.of(b ? 0xff : 0x00));
export const nullValue = () => Uint8Array.of(0x05, 0x00);
export const octets = (b: Uint8Array) => tlv(0x04, b);
export const utf8 = (s: string) => tlv(0x0c, new TextEncoder().encode(s));
export const printable = (s: string) => tlv(0x13, new TextEncoder().encode(s));
export const ia5 = (s: string) => tlv(0x16, new TextEncoder().encode(s));

/** PrintableString's character set (X.680 41.4). */
export function isPrintable(s: string): boolean {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s);
}

/** Two's complement, minimal INTEGER content octets. */
export function integerContent(v: bigint): Uint8Array {
  if (v === 0n) return Uint8Array.of(0);
  const bytes: number[] = [];
  let x = v;
  // Emit bytes until the remaining value is pure sign extension of the top emitted byte.
  for (;;) {
    bytes.unshift(Number(x & 0xffn));
    x >>= 8n;
    const top = bytes[0]!;
    if ((x === 0n && !(top & 0x80)) || (x === -1n && top & 0x80)) break;
  }
  return Uint8Array.from(bytes);
}

export const integer = (v: bigint | number) => tlv(0x02, integerContent(BigInt(v)));

/** An INTEGER from unsigned big-endian magnitude bytes (e.g. an RSA modulus). */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return tlv(0x02, m[0]! & 0x80 ? concat(Uint8Array.of(0), m) : m);
}

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map((a) => BigInt(a));
  if (arcs.length < 2) throw new Error(`bad OID ${dotted}`);
  const out: number[] = [];
  const push = (v: bigint) => {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (let x = v >> 7n; x > 0n; x >>= 7n) chunk.unshift(Number(x & 0x7fn) | 0x80);
    out.push(...chunk);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, Uint8Array.from(out));
}

/** BIT STRING with whole octets. */
export const bitString = (bytes: Uint8Array, unusedBits = 0) => tlv(0x03, Uint8Array.of(unusedBits), bytes);

/** A NamedBitList BIT STRING (KeyUsage, ReasonFlags): DER drops trailing zero bits (X.690 11.2.2). */
export function namedBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return bitString(new Uint8Array(0));
  const hi = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(hi / 8) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return bitString(bytes, 7 - (hi & 7));
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; seconds, Zulu. */
export function time(d: Date): Uint8Array {
  if (isNaN(d.getTime())) throw new Error("invalid date");
  const y = d.getUTCFullYear();
  const rest = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, new TextEncoder().encode(pad(y % 100) + rest));
  return generalizedTime(d);
}

export function generalizedTime(d: Date): Uint8Array {
  const s = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  return tlv(0x18, new TextEncoder().encode(s));
}

/** [n] EXPLICIT: a constructed context tag around a complete encoding. */
export const explicit = (n: number, inner: Uint8Array) => tlv(0xa0 | n, inner);

/**
 * [n] IMPLICIT: the encoding `inner` with its tag replaced by the context tag,
 * keeping its constructed bit (so SEQUENCEs stay constructed, strings primitive).
 */
export function implicit(n: number, inner: Uint8Array): Uint8Array {
  const out = inner.slice();
  out[0] = (inner[0]! & 0x20) | 0x80 | n;
  return out;
}

/** The content octets of a TLV (its value without tag and length). */
export function contentOf(der: Uint8Array): Uint8Array {
  let off = 1;
  let len = der[off++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[off++]!;
  }
  return der.subarray(off, off + len);
}

export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString("base64");
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;
}
