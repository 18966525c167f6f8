// Raw DER building blocks for tests that fabricate deliberately odd input (an unknown
// algorithm's AlgorithmIdentifier, an extension value of the wrong type, a CRL that is
// not one). The generator itself does not use this module: it builds @peculiar/asn1-x509
// objects (./pki.ts, ./names.ts, ./keys.ts).
//
// Why it still exists: it is part of the generator's public API (test/** and
// testsuite/src/multidomain/generate.ts import it), and some values here
// are by design not well-formed instances of any schema (a TLV with arbitrary content,
// an [n] IMPLICIT re-tagging of arbitrary bytes), which the schema-driven
// @peculiar/asn1-schema cannot express. Even so no TLV is encoded by hand: identifier
// and length octets come from asn1js (the BER/DER codec under @peculiar/asn1-schema),
// universal types from its classes, times and named bits from @peculiar/asn1-*. What is
// read back (contentOf, implicit) is read with the library's DER reader (certpath/der).
import * as asn1js from "asn1js";
import { BitString } from "@peculiar/asn1-schema";
import { Time } from "@peculiar/asn1-x509";
import { asnTime, octetText, oidText, tlvHeader, toDer, wellFormed, wholeSeconds } from "./asn.js";

export { isPrintable, toPem } from "./asn.js";

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

const encode = (block: { toBER(sizeOnly?: boolean): ArrayBuffer }) => new Uint8Array(block.toBER(false));

/**
 * One TLV with a single-octet tag and the given content octets. The identifier octet
 * is `tag` itself (class, constructed bit, number 0-30); asn1js writes it and the
 * definite, minimal length octets.
 */
export function tlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) throw new RangeError(`tlv: ${tag} is not a single-octet tag`);
  const block = new asn1js.Primitive({ idBlock: { tagClass: (tag >> 6) + 1, tagNumber: tag & 0x1f }, valueHex: concat(...content) });
  block.idBlock.isConstructed = (tag & 0x20) !== 0; // Primitive's constructor clears it
  return encode(block);
}

export const seq = (...c: readonly Uint8Array[]) => tlv(0x30, ...c);

/** SET OF: DER sorts the encodings of the elements (X.690 11.6). */
export function setOf(...c: readonly Uint8Array[]): Uint8Array {
  return tlv(0x31, ...[...c].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
}

export const bool = (b: boolean) => encode(new asn1js.Boolean({ value: b }));
export const nullValue = () => encode(new asn1js.Null());
export const octets = (b: Uint8Array) => encode(new asn1js.OctetString({ valueHex: b }));
export const utf8 = (s: string) => encode(new asn1js.Utf8String({ value: wellFormed(s) }));
/** PrintableString / IA5String; characters outside their sets are written as UTF-8, on purpose (see octetText). */
export const printable = (s: string) => encode(new asn1js.PrintableString({ value: octetText(s) }));
export const ia5 = (s: string) => encode(new asn1js.IA5String({ value: octetText(s) }));

/** Two's complement, minimal INTEGER content octets. */
export function integerContent(v: bigint): Uint8Array {
  return asn1js.Integer.fromBigInt(v).valueBlock.valueHexView.slice();
}

export const integer = (v: bigint | number) => encode(asn1js.Integer.fromBigInt(BigInt(v)));

/** An INTEGER from unsigned big-endian magnitude bytes (e.g. an RSA modulus). */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  // No magnitude octets at all: an INTEGER with empty content, as this helper always wrote.
  if (magnitude.length === 0) return encode(new asn1js.Integer({ valueHex: new Uint8Array(0) }));
  return encode(asn1js.Integer.fromBigInt(BigInt("0x" + Buffer.from(magnitude).toString("hex"))));
}

export const oid = (dotted: string) => encode(new asn1js.ObjectIdentifier({ value: oidText(dotted) }));

/** BIT STRING with whole octets. */
export function bitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  // asn1js drops the unused-bits count of an empty BIT STRING and rejects counts above 7;
  // tests fabricate exactly such invalid ones, so those get the content octets as given.
  if (bytes.length === 0 ? unusedBits !== 0 : unusedBits < 0 || unusedBits > 7) return tlv(0x03, Uint8Array.of(unusedBits), bytes);
  return encode(new asn1js.BitString({ valueHex: bytes, unusedBits }));
}

/** A NamedBitList BIT STRING (KeyUsage, ReasonFlags): DER drops trailing zero bits (X.690 11.2.2). */
export function namedBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return bitString(new Uint8Array(0));
  if (bits.some((b) => !Number.isInteger(b) || b < 0 || b > 52)) throw new RangeError("namedBits: bit numbers 0-52");
  const named = new BitString([...new Set(bits)].reduce((flags, b) => flags + 2 ** b, 0));
  return toDer(named);
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; seconds, Zulu. */
export function time(d: Date): Uint8Array {
  return toDer(asnTime(d));
}

export function generalizedTime(d: Date): Uint8Array {
  return toDer(new Time({ generalTime: wholeSeconds(d) }));
}

/** [n] EXPLICIT: a constructed context tag around a complete encoding. */
export const explicit = (n: number, inner: Uint8Array) => tlv(0xa0 | n, inner);

/**
 * [n] IMPLICIT: the encoding `inner` with its tag replaced by the context tag,
 * keeping its constructed bit (so SEQUENCEs stay constructed, strings primitive).
 */
export function implicit(n: number, inner: Uint8Array): Uint8Array {
  const h = tlvHeader(inner);
  return tlv((h.isConstructed ? 0x20 : 0) | 0x80 | n, inner.subarray(h.headerLength, h.headerLength + h.length));
}

/** The content octets of a TLV (its value without tag and length). */
export function contentOf(der: Uint8Array): Uint8Array {
  const h = tlvHeader(der);
  return der.subarray(h.headerLength, h.headerLength + h.length);
}
