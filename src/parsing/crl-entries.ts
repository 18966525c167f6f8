// The revokedCertificates list of a CRL (RFC 5280 5.1.2.6), read lazily.
//
// Real CRLs hold hundreds of thousands of entries, of which one call looks up a handful.
// Decoding every entry into objects cost about 8.5 us and 300 bytes of heap per entry
// (measured: the 1.37M entries of a 40 MB CRL set took 80 s and 436 MB), so the parse only
// walks the entries' tags and lengths once, checks their shape, and builds an open-addressing
// hash table over the serial numbers' content octets (a Uint32Array of entry offsets and an
// Int32Array of slots: 12-24 bytes per entry). An entry becomes an object only when it is
// looked up, and its extensions are decoded only then. The walk is hand-written on purpose:
// the schema parser was the measured bottleneck.
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificateIssuer, CRLReason, Extensions } from "@peculiar/asn1-x509";
import { OID } from "./oids.js";
import { MalformedError } from "./errors.js";
import { DerError, checkBooleanContents, checkIntegerContents, derElement, derHeader, derOid, integerHex, lastHeader, lenientTime, type DerElement } from "./der.js";
import { generalNameFromAsn, type GeneralName } from "./name.js";

export interface CrlEntry {
  readonly serial: string;
  readonly revocationDate: Date;
  /** CRLReason code; undefined when the entry has no reasonCode. */
  readonly reason?: number;
  readonly invalidityDate?: Date;
  /** RFC 5280 5.3.3: the issuer of the revoked certificate (the CRL issuer unless an indirect CRL says otherwise). */
  readonly certificateIssuer: readonly GeneralName[] | "crl-issuer";
  readonly unknownCriticalExtensions: readonly string[];
}

/** A check of the call's deadline, called periodically inside long parses; it throws to stop. */
export type DeadlineCheck = () => void;

export interface EntryFacts {
  readonly extensions: boolean;
  readonly nonCriticalCertificateIssuer: boolean;
  readonly criticalReasonCode: boolean;
  readonly criticalInvalidityDate: boolean;
}

/** Entries walked between two deadline checks. */
const CHECK_EVERY = 4096;

/** OBJECT IDENTIFIER contents of the entry extensions known here (RFC 5280 5.3). */
const OID_REASON = [0x55, 0x1d, 0x15];
const OID_INVALIDITY = [0x55, 0x1d, 0x18];
const OID_CERT_ISSUER = [0x55, 0x1d, 0x1d];

/** Thrown by the deadline check: never turned into a MALFORMED_CRL. */
class Stop {
  constructor(readonly error: unknown) {}
}

// Headers are read with der.ts's non-allocating reader, by the DER header rules (X.690 10.1:
// definite lengths in the fewest octets): the walk below is the DER check of the revoked list
// (checkSignedStructure skips it, so it is walked once).
let cStart = 0;
let cEnd = 0;
/** Reads the header of the element at `p` inside `limit`; returns its tag, its contents in cStart/cEnd. */
function header(der: Uint8Array, p: number, limit: number): number {
  const tag = derHeader(der, p, limit);
  cStart = lastHeader.start;
  cEnd = lastHeader.end;
  return tag;
}

function sameOid(der: Uint8Array, s: number, e: number, oid: readonly number[]): boolean {
  if (e - s !== oid.length) return false;
  for (let i = 0; i < oid.length; i++) if (der[s + i] !== oid[i]) return false;
  return true;
}

/**
 * The serial number's content octets without redundant sign octets (a non-minimal
 * INTEGER keeps its value), so equal values have equal bytes. Returns the start.
 */
function serialStart(der: Uint8Array, s: number, e: number): number {
  while (e - s > 1 && ((der[s] === 0x00 && !(der[s + 1]! & 0x80)) || (der[s] === 0xff && der[s + 1]! & 0x80))) s++;
  return s;
}

function hashBytes(der: Uint8Array, s: number, e: number): number {
  // FNV-1a, 32 bits.
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ der[i]!, 0x01000193);
  return h >>> 0;
}

/** Minimal two's complement content octets of a serial given as the model's hex text. */
export function serialOctets(hex: string): Uint8Array {
  let v = hex.startsWith("-") ? -BigInt(`0x${hex.slice(1)}`) : BigInt(`0x${hex}`);
  const out: number[] = [];
  if (v >= 0n) {
    do {
      out.unshift(Number(v & 0xffn));
      v >>= 8n;
    } while (v > 0n);
    if (out[0]! & 0x80) out.unshift(0);
  } else {
    do {
      out.unshift(Number(v & 0xffn));
      v >>= 8n;
    } while (v < -1n);
    if (!(out[0]! & 0x80)) out.unshift(0xff);
  }
  return new Uint8Array(out);
}

/**
 * The revoked certificates of one CRL: an index over the DER, entries decoded on lookup.
 * Immutable once built; shared by every call that uses the CRL.
 */
export class RevokedList {
  /** Number of entries. */
  readonly count: number;
  /** OIDs of unrecognised critical entry extensions anywhere in the list (RFC 5280 5.3: such a CRL is not used). */
  readonly unknownCriticalEntryExtensions: readonly string[];
  /** Bytes held by the index (not counting the CRL's DER). */
  readonly indexBytes: number;
  /**
   * What the entry walk saw that the strict CRL profile checks (revocation/crl-profile.ts):
   * any entry extensions (RFC 5280 5.1.2.1: then the CRL is v2), a certificateIssuer not
   * marked critical (5.3.3), a reasonCode or invalidityDate marked critical (5.3.1, 5.3.2).
   */
  readonly entryFacts: EntryFacts;
  /** Offset of each entry's SEQUENCE header, in CRL order. */
  private readonly offsets: Uint32Array;
  /** Open addressing: entry number + 1, 0 = empty. */
  private readonly slots: Int32Array;
  /** Entries that carry a certificateIssuer extension (RFC 5280 5.3.3), ascending. */
  private readonly issuerChanges: Uint32Array;
  private readonly issuerCache = new Map<number, readonly GeneralName[]>();

  /**
   * Walks `list` (the revokedCertificates SEQUENCE OF contents) of `der`, checking each
   * entry's shape: SEQUENCE { INTEGER, Time, Extensions OPTIONAL }, every extension
   * SEQUENCE { OID, BOOLEAN OPTIONAL, OCTET STRING }, no extension twice in an entry.
   * Throws a plain Error for a malformed list; `check` errors pass through unchanged.
   */
  constructor(
    private readonly der: Uint8Array,
    list: { start: number; end: number } | undefined,
    private readonly what: string,
    check?: DeadlineCheck,
  ) {
    const tick = () => {
      try {
        check!();
      } catch (e) {
        throw new Stop(e);
      }
    };
    // The smallest entry is 7 bytes (SEQUENCE, a one-octet INTEGER, an empty Time).
    const cap = list ? Math.floor((list.end - list.start) / 7) + 1 : 0;
    let offsets = new Uint32Array(cap);
    const changes: number[] = [];
    const unknown = new Set<string>();
    const facts = { extensions: false, nonCriticalCertificateIssuer: false, criticalReasonCode: false, criticalInvalidityDate: false };
    let n = 0;
    for (let p = list?.start ?? 0; list && p < list.end; ) {
      if (check && (n & (CHECK_EVERY - 1)) === 0 && n > 0) tick();
      if (header(der, p, list.end) !== 0x30) throw new Error(`revoked certificate #${n}: not a SEQUENCE`);
      offsets[n] = p;
      const entryEnd = cEnd;
      p = cEnd;
      if (header(der, cStart, entryEnd) !== 0x02 || cEnd === cStart) throw new Error(`revoked certificate #${n}: userCertificate is not an INTEGER`);
      checkIntegerContents(der, cStart, cEnd);
      const t = header(der, cEnd, entryEnd);
      if (t !== 0x17 && t !== 0x18) throw new Error(`revoked certificate #${n}: revocationDate is not a Time`);
      if (cEnd < entryEnd) {
        // crlEntryExtensions (RFC 5280 5.3).
        if (header(der, cEnd, entryEnd) !== 0x30 || cEnd !== entryEnd) throw new Error(`revoked certificate #${n}: unexpected field after revocationDate`);
        const xs = cStart;
        const xe = cEnd;
        if (xs === xe) throw new Error(`revoked certificate #${n}: empty crlEntryExtensions`);
        facts.extensions = true;
        const oids: [number, number][] = [];
        for (let q = xs; q < xe; ) {
          if (header(der, q, xe) !== 0x30) throw new Error(`revoked certificate #${n}: extension is not a SEQUENCE`);
          const extEnd = cEnd;
          q = cEnd;
          if (header(der, cStart, extEnd) !== 0x06) throw new Error(`revoked certificate #${n}: extnID is not an OBJECT IDENTIFIER`);
          const os = cStart;
          const oe = cEnd;
          // An OID other than the three known ones is checked as checkDer would (X.690 8.19.2).
          const known = sameOid(der, os, oe, OID_CERT_ISSUER) || sameOid(der, os, oe, OID_REASON) || sameOid(der, os, oe, OID_INVALIDITY);
          if (!known) derOid(der, { tag: 6, headerStart: os, start: os, end: oe });
          for (const [s, e] of oids)
            if (e - s === oe - os && der.subarray(s, e).every((b, i) => b === der[os + i]))
              throw new MalformedError("MALFORMED_CRL", `${what} entry: extension ${derOid(der, { tag: 6, headerStart: os, start: os, end: oe })} appears twice (RFC 5280 5.2)`);
          oids.push([os, oe]);
          let critical = false;
          let tag = header(der, oe, extEnd);
          if (tag === 0x01) {
            checkBooleanContents(der, cStart, cEnd);
            critical = der[cStart] !== 0;
            tag = header(der, cEnd, extEnd);
          }
          if (tag !== 0x04 || cEnd !== extEnd) throw new Error(`revoked certificate #${n}: extnValue is not an OCTET STRING`);
          if (sameOid(der, os, oe, OID_CERT_ISSUER)) {
            if (changes[changes.length - 1] !== n) changes.push(n);
            if (!critical) facts.nonCriticalCertificateIssuer = true;
          } else if (critical && sameOid(der, os, oe, OID_REASON)) {
            facts.criticalReasonCode = true;
          } else if (critical && sameOid(der, os, oe, OID_INVALIDITY)) {
            facts.criticalInvalidityDate = true;
          } else if (critical && !sameOid(der, os, oe, OID_REASON) && !sameOid(der, os, oe, OID_INVALIDITY)) {
            unknown.add(derOid(der, { tag: 6, headerStart: os, start: os, end: oe }));
          }
        }
      }
      n++;
    }
    offsets = offsets.slice(0, n);
    // Hash table, load factor at most 2/3.
    let size = 16;
    while (size < n * 1.5) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let i = 0; i < n; i++) {
      if (check && (i & (CHECK_EVERY - 1)) === 0 && i > 0) tick();
      // The serial's normalised content octets, read inline (no pair allocated per entry).
      header(der, offsets[i]!, der.length);
      header(der, cStart, cEnd);
      let h = hashBytes(der, serialStart(der, cStart, cEnd), cEnd) & mask;
      while (slots[h] !== 0) h = (h + 1) & mask;
      slots[h] = i + 1;
    }
    this.count = n;
    this.offsets = offsets;
    this.slots = slots;
    this.issuerChanges = Uint32Array.from(changes);
    this.unknownCriticalEntryExtensions = Object.freeze([...unknown]);
    this.entryFacts = Object.freeze(facts);
    this.indexBytes = offsets.byteLength + slots.byteLength + this.issuerChanges.byteLength;
  }

  /** Runs the constructor, turning a deadline stop back into the check's own error. */
  static build(der: Uint8Array, list: DerElement | undefined, what: string, check?: DeadlineCheck): RevokedList {
    try {
      return new RevokedList(der, list, what, check);
    } catch (e) {
      if (e instanceof Stop) throw Object.assign(e.error as Error, { deadlineStop: true });
      // A DER rule broken in the list: reported as checkSignedStructure reports one elsewhere.
      if (e instanceof DerError) throw new Error(`not valid DER (${e.message})`);
      throw e;
    }
  }

  /** The normalised serial content octets of the entry at `off`: [start, end). */
  private serialAt(off: number): [number, number] {
    const der = this.der;
    header(der, off, der.length);
    header(der, cStart, cEnd);
    return [serialStart(der, cStart, cEnd), cEnd];
  }

  /**
   * The entries whose serial number is `serialHex` (the model's form: lowercase hex,
   * "-" for negative), in CRL order. One hash probe sequence: O(1) expected.
   * Throws MalformedError when a found entry's extensions cannot be decoded.
   */
  find(serialHex: string): CrlEntry[] {
    const want = serialOctets(serialHex);
    const der = this.der;
    const mask = this.slots.length - 1;
    let h = hashBytes(want, 0, want.length) & mask;
    const hits: number[] = [];
    for (let v = this.slots[h]!; v !== 0; h = (h + 1) & mask, v = this.slots[h]!) {
      const [s, e] = this.serialAt(this.offsets[v - 1]!);
      if (e - s !== want.length) continue;
      let same = true;
      for (let i = 0; i < want.length && same; i++) same = der[s + i] === want[i];
      if (same) hits.push(v - 1);
    }
    return hits.sort((a, b) => a - b).map((i) => this.entry(i));
  }

  /** Every entry, decoded, in CRL order (a full decode: for audits and tests, not for lookups). */
  entries(): CrlEntry[] {
    const out: CrlEntry[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.entry(i));
    return out;
  }

  /** Decodes entry `i`. */
  entry(i: number): CrlEntry {
    const der = this.der;
    try {
      header(der, this.offsets[i]!, der.length);
      const entryEnd = cEnd;
      header(der, cStart, entryEnd);
      const serial = integerHex(der.subarray(cStart, cEnd));
      const tStart = cEnd;
      const tTag = header(der, tStart, entryEnd);
      const time: DerElement = { tag: tTag, headerStart: tStart, start: cStart, end: cEnd };
      // Read leniently (a CRL with one odd date stays usable), the same in every time zone.
      const revocationDate = lenientTime(der, time);
      if (!revocationDate) throw new Error("bad revocationDate");
      let reason: number | undefined;
      let invalidityDate: Date | undefined;
      const unknown: string[] = [];
      if (cEnd < entryEnd) {
        for (const ext of AsnConvert.parse(der.subarray(cEnd, entryEnd), Extensions)) {
          const v = ext.extnValue.buffer;
          switch (ext.extnID) {
            case OID.crlReason:
              reason = AsnConvert.parse(v, CRLReason).reason as number;
              break;
            case OID.invalidityDate: {
              // InvalidityDate ::= GeneralizedTime (RFC 5280 5.3.2), read as revocationDate is.
              const b = new Uint8Array(v);
              const t = derElement(b, 0, b.length);
              invalidityDate = t.tag === 0x18 && t.end === b.length ? lenientTime(b, t) : undefined;
              if (!invalidityDate) throw new Error("invalidityDate is not a GeneralizedTime");
              break;
            }
            case OID.certificateIssuer:
              break;
            default:
              if (ext.critical) unknown.push(ext.extnID);
          }
        }
      }
      return Object.freeze({
        serial,
        revocationDate,
        reason,
        invalidityDate,
        certificateIssuer: this.issuerOf(i),
        unknownCriticalExtensions: Object.freeze(unknown),
      });
    } catch (e) {
      if (e instanceof MalformedError) throw e;
      throw new MalformedError("MALFORMED_CRL", `${this.what}: revoked certificate #${i}: ${(e as Error).message}`);
    }
  }

  /** RFC 5280 5.3.3: the certificateIssuer of the nearest entry at or before `i` that has one. */
  private issuerOf(i: number): readonly GeneralName[] | "crl-issuer" {
    const ch = this.issuerChanges;
    let lo = 0;
    let hi = ch.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ch[mid]! <= i) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return "crl-issuer";
    const at = ch[lo - 1]!;
    let names = this.issuerCache.get(at);
    if (!names) {
      const der = this.der;
      header(der, this.offsets[at]!, der.length);
      const entryEnd = cEnd;
      header(der, cStart, entryEnd);
      header(der, cEnd, entryEnd);
      const ext = [...AsnConvert.parse(der.subarray(cEnd, entryEnd), Extensions)].find((x) => x.extnID === OID.certificateIssuer)!;
      names = Object.freeze([...AsnConvert.parse(ext.extnValue.buffer, CertificateIssuer)].map(generalNameFromAsn));
      this.issuerCache.set(at, names);
    }
    return names;
  }
}
