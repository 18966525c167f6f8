// Distinguished names and general names, normalised once at parse time.
// RFC 5280 7.1: names are compared after the RFC 4518 string preparation
// (case folding, insignificant whitespace removed), whatever the DirectoryString
// type that carries them (PKITS 4.3 mixes PrintableString and UTF8String).
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  Name as AsnName,
  GeneralName as AsnGeneralName,
  AttributeValue,
  RelativeDistinguishedName,
} from "@peculiar/asn1-x509";
import { AsnIpConverter } from "@peculiar/asn1-x509";
import type * as asn1js from "asn1js"; // a type only: the runtime reads no DER with asn1js
import { OID } from "./oids.js";
import { derBytes, derChildren, derElement, derOid, type DerElement } from "./der.js";
import { registerParseCache } from "./cache.js";

/** One attribute of a relative distinguished name. */
export interface NameAttribute {
  readonly type: string;
  /** The value as it was written, for display. */
  readonly text: string;
  /** The compare form: prepared string, or `#hex` for non-string values. */
  readonly norm: string;
}

export type Rdn = readonly NameAttribute[];

/** An X.500 distinguished name, normalised for comparison (RFC 5280 7.1). */
export interface DistinguishedName {
  readonly rdns: readonly Rdn[];
  /** Equal keys mean equal names under RFC 5280 7.1 matching. */
  readonly key: string;
  /** Human-readable form, RFC 4514 style, most significant RDN first. */
  readonly text: string;
}

export type GeneralName =
  | { readonly kind: "directoryName"; readonly name: DistinguishedName }
  | { readonly kind: "rfc822Name"; readonly value: string }
  | { readonly kind: "dNSName"; readonly value: string }
  | { readonly kind: "uniformResourceIdentifier"; readonly value: string }
  /** 4 or 16 bytes in a certificate; 8 or 32 (address then mask) in name constraints. */
  | { readonly kind: "iPAddress"; readonly bytes: Uint8Array }
  | { readonly kind: "registeredID"; readonly value: string }
  | { readonly kind: "otherName"; readonly typeId: string; readonly valueHex: string }
  | { readonly kind: "x400Address" }
  | { readonly kind: "ediPartyName" };

const SHORT_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.5": "serialNumber",
  "2.5.4.12": "title",
  "2.5.4.4": "SN",
  "2.5.4.42": "GN",
  "2.5.4.46": "dnQualifier",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
  [OID.emailAddress]: "emailAddress",
};

/** RFC 4518 string preparation, simplified: NFKC, case fold, insignificant space handling. */
export function prepareString(s: string): string {
  if (PRINTABLE_ASCII.test(s)) {
    // Printable ASCII is its own NFKC form, and its only whitespace is the space: most
    // names need no normalisation, no collapsing and no trimming (names are prepared on
    // every certificate parsed).
    const t = s.toLowerCase();
    return t.includes("  ") || t.charCodeAt(0) === 0x20 || t.charCodeAt(t.length - 1) === 0x20 ? t.replace(/\s+/g, " ").trim() : t;
  }
  return s.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function toHex(buf: ArrayBuffer | Uint8Array): string {
  return (buf instanceof Uint8Array ? Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength) : Buffer.from(buf)).toString("hex");
}

function attribute(type: string, value: AttributeValue): NameAttribute {
  const str =
    value.utf8String ??
    value.printableString ??
    value.teletexString ??
    value.bmpString ??
    value.universalString ??
    value.ia5String;
  if (str !== undefined) return { type, text: str, norm: prepareString(str) };
  const hex = value.anyValue ? toHex(value.anyValue) : "";
  return { type, text: `#${hex}`, norm: `#${hex}` };
}

function escapeRdnValue(s: string): string {
  return RDN_SPECIAL.test(s) ? s.replace(/([,+"\\<>;])/g, "\\$1") : s;
}
const RDN_SPECIAL = /[,+"\\<>;]/;

export function dnFromRdns(rdns: readonly Rdn[]): DistinguishedName {
  // Written as loops (single-attribute RDNs need no sort): names are built for every
  // certificate parsed, and the map/sort/join form was a measured part of a cold parse.
  let key = "";
  let text = "";
  for (let i = 0; i < rdns.length; i++) {
    const rdn = rdns[i]!;
    if (i) {
      key += ",";
      text += ", ";
    }
    if (rdn.length === 1) key += `${rdn[0]!.type}=${JSON.stringify(rdn[0]!.norm)}`;
    else
      key += rdn
        .map((a) => `${a.type}=${JSON.stringify(a.norm)}`)
        .sort()
        .join("+");
    // RFC 4514 writes the last RDN first; we keep the X.500 order (root first), as PKITS.pdf does.
    for (let j = 0; j < rdn.length; j++) {
      const a = rdn[j]!;
      text += `${j ? "+" : ""}${SHORT_NAMES[a.type] ?? a.type}=${escapeRdnValue(a.text)}`;
    }
  }
  return { rdns, key, text };
}

export function dnFromAsn(name: AsnName): DistinguishedName {
  const rdns: Rdn[] = [];
  for (const rdn of name as unknown as RelativeDistinguishedName[]) {
    rdns.push(Object.freeze([...rdn].map((atv) => Object.freeze(attribute(atv.type, atv.value)))));
  }
  return Object.freeze(dnFromRdns(Object.freeze(rdns)));
}

/** Parses a DER-encoded Name (for example from a trust anchor given as name + key). */
export function dnFromDer(der: Uint8Array): DistinguishedName {
  return dnFromAsn(AsnConvert.parse(der, AsnName));
}

const utf8Strict = new TextDecoder("utf-8", { fatal: true });

/** String contents the way the library decodes them (asn1js): see `attribute`. */
function decodeString(tag: number, der: Uint8Array, start: number, end: number): string | undefined {
  switch (tag) {
    case 0x0c: // UTF8String
      return utf8Strict.decode(der.subarray(start, end));
    case 0x13: // PrintableString
    case 0x14: // TeletexString (bytes as Latin-1, as asn1js does)
    case 0x16: {
      // IA5String (read in place: a view per attribute was a measured share of a parse's garbage)
      let out = "";
      for (let i = start; i < end; i++) out += String.fromCharCode(der[i]!);
      return out;
    }
    case 0x1e: {
      const b = der.subarray(start, end);
      // BMPString: UTF-16BE
      if (b.length % 2) throw new Error("odd BMPString");
      let out = "";
      for (let i = 0; i < b.length; i += 2) out += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
      return out;
    }
    case 0x1c: {
      const b = der.subarray(start, end);
      // UniversalString: UTF-32BE
      if (b.length % 4) throw new Error("bad UniversalString");
      let out = "";
      for (let i = 0; i < b.length; i += 4) out += String.fromCodePoint(((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0);
      return out;
    }
    default:
      return undefined;
  }
}

/**
 * A Name element of a certificate read with the DER walker, giving the same model as
 * dnFromAsn. Hand-written because the schema parser took ~50 us a name (two per
 * certificate; measured with the hostile-bag benchmark, where parsing is the whole cost);
 * anything unusual falls back to the library.
 */
export function dnFromDerElement(der: Uint8Array, e: DerElement): DistinguishedName {
  // Interned by encoding: a new end entity's issuer is a name already read (its CA's
  // subject), and reading and preparing a name was ~20% of parsing a new certificate
  // (bench/verifier.mjs, first sights). Long names are not kept (the table's bound is in
  // entries and in each key's size).
  const len = e.end - e.headerStart;
  if (len > INTERN_MAX_NAME_BYTES) return readName(der, e);
  const key = Buffer.from(der.buffer, der.byteOffset + e.headerStart, len).toString("latin1");
  let dn = interned.get(key);
  if (dn === undefined) {
    dn = readName(der, e);
    if (interned.size >= INTERN_MAX_NAMES) interned.clear();
    interned.set(key, dn);
  }
  return dn;
}
const INTERN_MAX_NAMES = 4096;
const INTERN_MAX_NAME_BYTES = 1024;
const interned = new Map<string, DistinguishedName>();
registerParseCache(interned);

function readName(der: Uint8Array, e: DerElement): DistinguishedName {
  try {
    const rdns: Rdn[] = [];
    for (const set of derChildren(der, e)) {
      if (set.tag !== 0x31) throw new Error("RDN is not a SET");
      const rdn: NameAttribute[] = [];
      for (const atv of derChildren(der, set)) {
        if (atv.tag !== 0x30 || atv.end - atv.start < 4) throw new Error("bad AttributeTypeAndValue");
        const t = derElement(der, atv.start, atv.end);
        const v = derElement(der, t.end, atv.end);
        if (v.end !== atv.end) throw new Error("bad AttributeTypeAndValue");
        const type = derOid(der, t);
        const text = decodeString(v.tag, der, v.start, v.end);
        // The library maps a NULL value to an empty hex string.
        // Not a string: the hex of the whole value (the library maps a NULL value to an empty one).
        const raw = text !== undefined ? "" : v.tag === 0x05 ? "" : toHex(derBytes(der, v));
        rdn.push(
          Object.freeze(
            text !== undefined
              ? { type, text, norm: prepareString(text) }
              : { type, text: `#${raw}`, norm: `#${raw}` },
          ),
        );
      }
      if (!rdn.length) throw new Error("empty RDN");
      rdns.push(Object.freeze(rdn));
    }
    return Object.freeze(dnFromRdns(Object.freeze(rdns)));
  } catch {
    return dnFromDer(derBytes(der, e));
  }
}

/**
 * Parses a name written the way certpath prints names: most significant RDN first,
 * "C=US, O=Example, CN=Root" (X.500 order, the reverse of RFC 4514's), `+` joining
 * the attributes of a multi-valued RDN, backslash escaping a special character.
 */
export function dnFromString(text: string): DistinguishedName {
  const byName = new Map(Object.entries(SHORT_NAMES).map(([oid, n]) => [n.toLowerCase(), oid]));
  const split = (s: string, sep: string): string[] => {
    const out: string[] = [];
    let cur = "";
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if (ch === "\\" && i + 1 < s.length) cur += ch + s[++i];
      else if (ch === sep) {
        out.push(cur);
        cur = "";
      } else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const rdns: Rdn[] = [];
  if (text.trim() === "") return dnFromRdns([]);
  for (const part of split(text, ",")) {
    const rdn: NameAttribute[] = [];
    for (const atv of split(part, "+")) {
      const eq = atv.indexOf("=");
      if (eq <= 0) throw new Error(`"${atv.trim()}" is not TYPE=value`);
      const t = atv.slice(0, eq).trim();
      const type = /^[0-9.]+$/.test(t) ? t : byName.get(t.toLowerCase());
      if (!type) throw new Error(`unknown attribute type ${t}`);
      const value = atv.slice(eq + 1).trim().replace(/\\(.)/g, "$1");
      rdn.push({ type, text: value, norm: prepareString(value) });
    }
    rdns.push(rdn);
  }
  return dnFromRdns(rdns);
}

/** RFC 5280 7.1: `sub` is within the subtree `base` when base's RDNs are a prefix of sub's. */
export function dnWithin(sub: DistinguishedName, base: DistinguishedName): boolean {
  if (base.rdns.length > sub.rdns.length) return false;
  for (let i = 0; i < base.rdns.length; i++) {
    const a = base.rdns[i]!;
    const b = sub.rdns[i]!;
    if (a.length !== b.length) return false;
    const ka = a.map((x) => `${x.type}=${x.norm}`).sort();
    const kb = b.map((x) => `${x.type}=${x.norm}`).sort();
    for (let j = 0; j < ka.length; j++) if (ka[j] !== kb[j]) return false;
  }
  return true;
}

/** The emailAddress attributes of a subject DN (RFC 5280 4.2.1.10: they are rfc822 names too). */
export function dnEmailAddresses(dn: DistinguishedName): string[] {
  const out: string[] = [];
  for (const rdn of dn.rdns) for (const a of rdn) if (a.type === OID.emailAddress) out.push(a.text);
  return out;
}

function ipBytes(text: string): Uint8Array {
  // peculiar decodes iPAddress to text; its own converter gives the bytes back.
  return new Uint8Array((AsnIpConverter.toASN(text) as unknown as asn1js.OctetString).getValue());
}

export function generalNameFromAsn(gn: AsnGeneralName): GeneralName {
  if (gn.directoryName) return { kind: "directoryName", name: dnFromAsn(gn.directoryName) };
  if (gn.rfc822Name !== undefined) return { kind: "rfc822Name", value: gn.rfc822Name };
  if (gn.dNSName !== undefined) return { kind: "dNSName", value: gn.dNSName };
  if (gn.uniformResourceIdentifier !== undefined)
    return { kind: "uniformResourceIdentifier", value: gn.uniformResourceIdentifier };
  if (gn.iPAddress !== undefined) return { kind: "iPAddress", bytes: ipBytes(gn.iPAddress) };
  if (gn.registeredID !== undefined) return { kind: "registeredID", value: gn.registeredID };
  if (gn.otherName) return { kind: "otherName", typeId: gn.otherName.typeId, valueHex: toHex(gn.otherName.value) };
  if (gn.x400Address) return { kind: "x400Address" };
  if (gn.ediPartyName) return { kind: "ediPartyName" };
  throw new Error("empty GeneralName");
}

export function generalNameText(gn: GeneralName): string {
  switch (gn.kind) {
    case "directoryName":
      return `DirName:${gn.name.text}`;
    case "iPAddress":
      return `IP:${Buffer.from(gn.bytes).toString("hex")}`;
    case "otherName":
      return `othername:${gn.typeId}`;
    case "x400Address":
    case "ediPartyName":
      return gn.kind;
    default:
      return `${gn.kind}:${gn.value}`;
  }
}
