// Glue between the test-PKI generator and the ASN.1 libraries: every structure is an
// @peculiar/asn1-x509 (or -rsa, -ecc) object serialized by @peculiar/asn1-schema; this
// module holds the few conversions those objects need from the generator's inputs.
import { AsnAnyConverter, AsnConvert, AsnIntegerBigIntConverter, AsnSerializer } from "@peculiar/asn1-schema";
import { Time } from "@peculiar/asn1-x509";
import { derElement, type DerElement } from "certpath/der";

/** The DER of an @peculiar/asn1-* object. */
export function toDer(value: object): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(value));
}

/**
 * Serializes `value` (a TBSCertificate, a TBSCertList) and returns its DER together
 * with `value` made to reuse that encoding, through asn1-schema's IAsnConvertible hook
 * (toASN), when it is serialized again inside the signed structure: the bytes signed
 * and the bytes written are one encoding, done once.
 */
export function encodeOnce<T extends object>(value: T): { value: T; der: Uint8Array } {
  const block = AsnSerializer.toASN(value);
  const der = new Uint8Array(block.toBER(false));
  return {
    value: Object.assign(value, {
      toASN: () => block,
      fromASN(): never {
        throw new Error("write-only");
      },
    }),
    der,
  };
}

/** A copy of `bytes` as an ArrayBuffer of exactly its length (what the library's byte-valued fields hold). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength); // not bytes.slice(): a Buffer's slice shares its pool
  copy.set(bytes);
  return copy.buffer;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * INTEGER content octets (two's complement, minimal: X.690 8.3.2) of `v`, from the
 * library's bigint converter. The library's ArrayBuffer-valued INTEGER fields (serial
 * numbers, SkipCerts, RSA moduli) take content octets, not numbers.
 */
export function integerOctets(v: bigint | number): ArrayBuffer {
  return AsnIntegerBigIntConverter.toASN(BigInt(v)).valueBlock.valueHexView.slice().buffer;
}

/**
 * `s` as a string of UTF-8 octets (one UTF-16 code unit per octet). asn1js writes
 * IA5String and PrintableString values one octet per code unit, so ASCII is unchanged
 * and non-ASCII test input (invalid in those types, on purpose) is written as UTF-8.
 */
export function octetText(s: string): string {
  return Buffer.from(s, "utf8").toString("latin1");
}

/** `s` with lone surrogates replaced by U+FFFD (as TextEncoder does); asn1js rejects them in UTF8String. */
export function wellFormed(s: string): string {
  return Buffer.from(s, "utf8").toString("utf8");
}

/**
 * A dotted OID for the library, validated (it would write garbage for a malformed one).
 * A first arc above 2 is not valid, but the generator has always written such OIDs as
 * 40 * first + second; asn1js cannot, so it is given the equivalent 2.x form.
 */
export function oidText(dotted: string): string {
  if (!/^\d+(\.\d+)+$/.test(dotted)) throw new Error(`bad OID ${dotted}`);
  const [first, second, ...rest] = dotted.split(".").map((a) => BigInt(a)) as [bigint, bigint, ...bigint[]];
  if (first <= 2n) return dotted;
  return [2n, first * 40n + second - 80n, ...rest].join(".");
}

/** PrintableString's character set (X.680 41.4). */
export function isPrintable(s: string): boolean {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s);
}

/** `d` without its milliseconds: DER times carry whole seconds here (RFC 5280 4.1.2.5.1, 4.1.2.5.2). */
export function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** RFC 5280 4.1.2.5: UTCTime for 1950 through 2049, GeneralizedTime otherwise; seconds, Zulu. */
export function asnTime(d: Date): Time {
  if (isNaN(d.getTime())) throw new Error("invalid date");
  const t = wholeSeconds(d);
  const y = t.getUTCFullYear();
  return y >= 1950 && y < 2050 ? new Time({ utcTime: t }) : new Time({ generalTime: t });
}

/**
 * A value of `type` that serializes to exactly `der`: for DER a caller hands over
 * ready-made (a Name, a SubjectPublicKeyInfo, an AlgorithmIdentifier override), which
 * is written as given so that names chain byte for byte and odd inputs stay odd. The
 * bytes are embedded through asn1-schema's IAsnConvertible hook (toASN), never decoded
 * into the library's classes: the generator writes with the schema library and reads
 * nothing back with it (what it reads, it reads with certpath/der).
 */
export function embed<T extends object>(type: new () => T, der: Uint8Array): T {
  // Issuer names and keys recur from certificate to certificate: wrap each once.
  const key = `${type.name}:${Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("hex")}`;
  let value = embedded.get(key) as T | undefined;
  if (!value) {
    if (embedded.size >= 10_000) embedded.clear();
    embedded.set(key, (value = pin(type, der)));
  }
  return value;
}

/** Embedded values (shared: the generator never modifies them). */
const embedded = new Map<string, object>();

function pin<T extends object>(type: new () => T, der: Uint8Array): T {
  const block = AsnAnyConverter.toASN(toArrayBuffer(der)) as { toBER(sizeOnly?: boolean): ArrayBuffer };
  if (!sameBytes(new Uint8Array(block.toBER(false)), der)) throw new Error(`${type.name}: cannot embed this DER exactly (not a single BER TLV with minimal lengths)`);
  return Object.assign(new type(), {
    toASN: () => block,
    fromASN(): never {
      throw new Error("embedded DER is write-only");
    },
  });
}

/**
 * The identifier and length of the TLV at the start of `der`, read with the library's DER
 * reader (certpath/der: one reader for the parser, the generator and the tests). The
 * header must be DER (definite, minimal length); the content is not checked.
 */
export function tlvHeader(der: Uint8Array): { headerLength: number; length: number; isConstructed: boolean } {
  let e: DerElement;
  try {
    e = derElement(der, 0, der.length);
  } catch (err) {
    throw new Error(`not a TLV: ${(err as Error).message}`);
  }
  return { headerLength: e.start - e.headerStart, length: e.end - e.start, isConstructed: (e.tag & 0x20) !== 0 };
}

export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString("base64");
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;
}
