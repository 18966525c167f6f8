// Distinguished names and general names for the test-PKI generator, built as
// @peculiar/asn1-x509 Name / GeneralName objects.
//
// A DN is written as an RFC 4514 string, least significant RDN first, as people
// usually write it: "CN=Sub CA,O=Dom1,C=US" encodes C=US first in the DER. Use "+"
// for a multi-valued RDN and "\" to escape (\, \+ \= \\ or \XX hex). Or give the RDNs
// in DER order, one attribute each: [["C", "US"], ["O", "Dom1"], ["CN", "Sub CA"]],
// or a ready DER Name (Uint8Array).
//
// A general name is a string with a prefix: "dns:host", "email:a@b", "uri:http://x/",
// "ip:10.1.2.3", "ip:10.0.0.0/8" (address and mask, for name constraints),
// "dn:CN=x,O=y", "rid:1.2.3", "other:1.2.3:<hex DER of the value>". Without a prefix,
// "://" means a URI, "@" an email address, "=" a DN, anything else a DNS name.
import { isIPv4, isIPv6 } from "node:net";
import { AsnAnyConverter, AsnOctetStringConverter } from "@peculiar/asn1-schema";
import { AsnIpConverter, AttributeTypeAndValue, AttributeValue, GeneralName, Name, OtherName, RelativeDistinguishedName } from "@peculiar/asn1-x509";
import { embed, isPrintable, octetText, oidText, sameBytes, toArrayBuffer, toDer, wellFormed } from "./asn.js";

export type StringEncoding = "printable" | "utf8";
export type NameInput = string | readonly (readonly [string, string])[] | Uint8Array;
export type GeneralNameInput = string;

export const ATTRIBUTE_OIDS: Record<string, string> = {
  CN: "2.5.4.3",
  SN: "2.5.4.4",
  SERIALNUMBER: "2.5.4.5",
  C: "2.5.4.6",
  L: "2.5.4.7",
  ST: "2.5.4.8",
  STREET: "2.5.4.9",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  TITLE: "2.5.4.12",
  GN: "2.5.4.42",
  DNQUALIFIER: "2.5.4.46",
  DC: "0.9.2342.19200300.100.1.25",
  UID: "0.9.2342.19200300.100.1.1",
  EMAILADDRESS: "1.2.840.113549.1.9.1",
  E: "1.2.840.113549.1.9.1",
};

/** Attribute types whose syntax fixes the string type (X.520, RFC 5280 Appendix A). */
const PRINTABLE_ONLY = new Set(["2.5.4.6", "2.5.4.5", "2.5.4.46"]);
const IA5_ONLY = new Set(["0.9.2342.19200300.100.1.25", "1.2.840.113549.1.9.1"]);

function attributeOid(type: string): string {
  if (/^\d+(\.\d+)+$/.test(type)) return oidText(type);
  const o = ATTRIBUTE_OIDS[type.toUpperCase()];
  if (!o) throw new Error(`unknown attribute type ${type}`);
  return o;
}

/** AttributeTypeAndValue with the string type its attribute requires, else PrintableString when `enc` asks and the value allows, else UTF8String. */
function attribute(type: string, value: string, enc: StringEncoding): AttributeTypeAndValue {
  const o = attributeOid(type);
  const v = IA5_ONLY.has(o)
    ? new AttributeValue({ ia5String: octetText(value) })
    : PRINTABLE_ONLY.has(o) || (enc === "printable" && isPrintable(value))
      ? new AttributeValue({ printableString: octetText(value) })
      : new AttributeValue({ utf8String: wellFormed(value) });
  return new AttributeTypeAndValue({ type: o, value: v });
}

/** A RelativeDistinguishedName: DER orders a SET OF by the encodings of its elements (X.690 11.6); the library writes them as given. */
function rdnOf(attributes: readonly AttributeTypeAndValue[]): RelativeDistinguishedName {
  const keyed = attributes.map((a) => ({ a, der: Buffer.from(toDer(a)) }));
  keyed.sort((x, y) => Buffer.compare(x.der, y.der));
  return new RelativeDistinguishedName(keyed.map((k) => k.a));
}

/** Splits on `sep` where it is not escaped by a backslash. */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "\\" && i + 1 < s.length) {
      cur += ch + s[++i];
      continue;
    }
    if (ch === sep) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function unescape(v: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < v.length; i++) {
    const ch = v[i]!;
    if (ch === "\\" && /^[0-9a-fA-F]{2}$/.test(v.slice(i + 1, i + 3))) {
      bytes.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === "\\" && i + 1 < v.length) bytes.push(...enc.encode(v[++i]!));
    else bytes.push(...enc.encode(ch));
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

/** One RDN, e.g. "OU=CRL1" or "CN=a+UID=b", as a library object. */
export function rdnAsn(rdn: string, enc: StringEncoding = "printable"): RelativeDistinguishedName {
  return rdnOf(
    splitUnescaped(rdn, "+").map((av) => {
      const eq = av.indexOf("=");
      if (eq < 0) throw new Error(`bad attribute "${av}" (expected TYPE=value)`);
      return attribute(av.slice(0, eq).trim(), unescape(av.slice(eq + 1).trim()), enc);
    }),
  );
}

/** One RDN, e.g. "OU=CRL1" or "CN=a+UID=b", as its SET encoding. */
export function encodeRdn(rdn: string, enc: StringEncoding = "printable"): Uint8Array {
  return toDer(rdnAsn(rdn, enc));
}

/** The Name for `name` as a library object (a DER Name is embedded exactly as given). */
export function nameAsn(name: NameInput, enc: StringEncoding = "printable"): Name {
  if (name instanceof Uint8Array) return embed(Name, name);
  if (typeof name !== "string") return new Name(name.map(([t, v]) => rdnOf([attribute(t, v, enc)])));
  if (name.trim() === "") return new Name();
  return new Name(
    splitUnescaped(name, ",")
      .reverse()
      .map((rdn) => rdnAsn(rdn, enc)),
  );
}

/** The DER Name for `name`. */
export function encodeName(name: NameInput, enc: StringEncoding = "printable"): Uint8Array {
  if (name instanceof Uint8Array) return name;
  return toDer(nameAsn(name, enc));
}

/** A readable label for a name input (for seeds and messages). */
export function nameLabel(name: NameInput): string {
  if (name instanceof Uint8Array) return Buffer.from(name).toString("hex");
  if (typeof name === "string") return name;
  return [...name].reverse().map(([t, v]) => `${t}=${v}`).join(",");
}

function ipv6Bytes(s: string): Uint8Array {
  const [head, tail] = s.includes("::") ? s.split("::") : [s, undefined];
  const parse = (p: string | undefined) => (p ? p.split(":").filter((x) => x !== "") : []);
  let groups: string[] = parse(head);
  const last = parse(tail);
  // An embedded IPv4 address in the last group.
  const fix = (list: string[]) => {
    const v4 = list[list.length - 1];
    if (v4 && isIPv4(v4)) {
      const b = v4.split(".").map(Number);
      list.splice(list.length - 1, 1, ((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16));
    }
    return list;
  };
  groups = fix(groups);
  const tailGroups = fix(last);
  const zeros = tail === undefined ? 0 : 8 - groups.length - tailGroups.length;
  const all = [...groups, ...Array<string>(zeros).fill("0"), ...tailGroups];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/** An IP address, or with "/prefix" an address and mask (RFC 5280 4.2.1.10), as octets. */
export function ipOctets(s: string): Uint8Array {
  const [addr, prefix] = s.split("/") as [string, string | undefined];
  let bytes: Uint8Array;
  if (isIPv4(addr)) bytes = Uint8Array.from(addr.split(".").map(Number));
  else if (isIPv6(addr)) bytes = ipv6Bytes(addr);
  else throw new Error(`bad IP address ${addr}`);
  if (prefix === undefined) return bytes;
  const p = Number(prefix);
  const mask = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) mask[i] = p >= (i + 1) * 8 ? 0xff : p <= i * 8 ? 0 : (0xff << (8 - (p - i * 8))) & 0xff;
  const out = new Uint8Array(bytes.length * 2);
  out.set(bytes.map((b, i) => b & mask[i]!));
  out.set(mask, bytes.length);
  return out;
}

/**
 * The library's text for iPAddress octets: GeneralName.iPAddress is a string that its
 * converter turns into the OCTET STRING ("10.0.0.0/8" -> address and mask). Octets from
 * ipOctets (an address, or a masked address with a prefix mask) always map back exactly.
 */
function ipText(octets: Uint8Array): string {
  const text = AsnIpConverter.fromASN(AsnOctetStringConverter.toASN(toArrayBuffer(octets)));
  const back = new Uint8Array(AsnOctetStringConverter.fromASN(AsnIpConverter.toASN(text) as Parameters<typeof AsnOctetStringConverter.fromASN>[0]));
  if (!sameBytes(back, octets)) throw new Error(`iPAddress ${Buffer.from(octets).toString("hex")} has no exact text form`);
  return text;
}

/** A GeneralName (RFC 5280 4.2.1.6) as a library object. */
export function generalNameAsn(gn: GeneralNameInput, enc: StringEncoding = "printable"): GeneralName {
  const m = /^(dns|email|rfc822|uri|ip|dn|rid|other):([\s\S]*)$/i.exec(gn);
  let kind: string;
  let v: string;
  if (m) [kind, v] = [m[1]!.toLowerCase(), m[2]!];
  else [kind, v] = [gn.includes("://") ? "uri" : gn.includes("@") ? "email" : gn.includes("=") ? "dn" : "dns", gn];
  switch (kind) {
    case "email":
    case "rfc822":
      return new GeneralName({ rfc822Name: octetText(v) });
    case "dns":
      return new GeneralName({ dNSName: octetText(v) });
    case "uri":
      return new GeneralName({ uniformResourceIdentifier: octetText(v) });
    case "ip":
      return new GeneralName({ iPAddress: ipText(ipOctets(v)) });
    case "dn":
      return new GeneralName({ directoryName: nameAsn(v, enc) });
    case "rid":
      return new GeneralName({ registeredID: oidText(v) });
    case "other": {
      const i = v.indexOf(":");
      const value = new Uint8Array(Buffer.from(v.slice(i + 1), "hex"));
      // The value is an ANY: the library decodes it to embed it, so it must be one whole TLV.
      try {
        if (!sameBytes(new Uint8Array(AsnAnyConverter.toASN(toArrayBuffer(value)).toBER(false)), value)) throw new Error("trailing or non-minimal octets");
      } catch (e) {
        throw new Error(`bad general name ${gn}: the otherName value is not one DER TLV (${(e as Error).message})`);
      }
      return new GeneralName({ otherName: new OtherName({ typeId: oidText(v.slice(0, i)), value: toArrayBuffer(value) }) });
    }
    default:
      throw new Error(`bad general name ${gn}`);
  }
}

/** A GeneralName (RFC 5280 4.2.1.6), DER. */
export function encodeGeneralName(gn: GeneralNameInput, enc: StringEncoding = "printable"): Uint8Array {
  return toDer(generalNameAsn(gn, enc));
}
