// LDAP URLs (RFC 4516) as certificates name them in AIA, SIA and CRL distribution
// points (RFC 5280 4.2.1.13, 4.2.2.1, 4.2.2.2), and the RFC 4514 string form of a
// certificate's issuer name for directory lookups (RFC 4158 3.1).
import type { DistinguishedName } from "../parsing/name.js";
import { UrlError } from "./url-error.js";

export type LdapScope = "base" | "one" | "sub";

export interface LdapUrl {
  readonly secure: boolean;
  /** Host name or address (IPv6 without brackets); empty when the URL names none. */
  readonly host: string;
  readonly port: number;
  /** The entry's DN as an RFC 4514 string (percent-decoded; RFC 4514 escapes kept). */
  readonly dn: string;
  /** Attribute descriptions, options included (`cACertificate;binary`). */
  readonly attributes: readonly string[];
  readonly scope: LdapScope;
  readonly filter: string;
  /** Non-critical extensions, by type (the critical ones this client knows none of make the URL invalid). */
  readonly extensions: ReadonlyMap<string, string | undefined>;
}

export class LdapUrlError extends UrlError {}

export function isLdapUrl(url: string): boolean {
  return /^ldaps?:\/\//i.test(url);
}

/** RFC 3986 2.1 percent-decoding of one component; a bad escape is an error. */
function pctDecode(url: string, s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new LdapUrlError(url, `bad percent-encoding in the ${what}`);
  }
}

/**
 * RFC 4516 2: `ldap://[host[:port]][/dn[?[attributes][?[scope][?[filter][?extensions]]]]]`.
 * Every component is percent-decoded after splitting on the unencoded `?` and `,`.
 */
export function parseLdapUrl(url: string): LdapUrl {
  const m = /^(ldaps?):\/\/([^/?#]*)(?:\/([^#]*))?$/i.exec(url);
  if (!m) throw new LdapUrlError(url, "not an LDAP URL (RFC 4516 2)");
  const secure = m[1]!.toLowerCase() === "ldaps";
  const hostport = m[2]!;
  let host = hostport;
  let port = secure ? 636 : 389;
  const hp = /^(\[[0-9a-fA-F:.]+\]|[^:]*)(?::(\d*))?$/.exec(hostport);
  if (!hp) throw new LdapUrlError(url, "bad host and port");
  host = pctDecode(url, hp[1]!.replace(/^\[|\]$/g, ""), "host");
  if (hp[2]) {
    port = Number(hp[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LdapUrlError(url, `bad port ${hp[2]}`);
  }
  const [dnPart = "", attrPart = "", scopePart = "", filterPart = "", extPart = "", ...extra] = (m[3] ?? "").split("?");
  if (extra.length) throw new LdapUrlError(url, "more than four '?' separators (RFC 4516 2)");
  const dn = pctDecode(url, dnPart, "DN");
  const attributes = attrPart ? attrPart.split(",").map((a) => pctDecode(url, a, "attribute list")) : [];
  if (attributes.some((a) => !/^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$|^[0-9]+(\.[0-9]+)*(;[A-Za-z0-9-]+)*$/.test(a)))
    throw new LdapUrlError(url, "an attribute description is malformed (RFC 4512 2.5)");
  const scopeText = pctDecode(url, scopePart, "scope").toLowerCase() || "base";
  if (scopeText !== "base" && scopeText !== "one" && scopeText !== "sub") throw new LdapUrlError(url, `unknown scope "${scopeText}" (RFC 4516 2)`);
  const filter = pctDecode(url, filterPart, "filter") || "(objectClass=*)";
  const extensions = new Map<string, string | undefined>();
  for (const raw of extPart ? extPart.split(",") : []) {
    const critical = raw.startsWith("!");
    const [type = "", ...rest] = pctDecode(url, critical ? raw.slice(1) : raw, "extensions").split("=");
    // RFC 4516 2.1: a critical extension the client does not implement makes the URL unusable.
    if (critical) throw new LdapUrlError(url, `critical extension "${type}" is not supported (RFC 4516 2.1)`);
    extensions.set(type.toLowerCase(), rest.length ? rest.join("=") : undefined);
  }
  return { secure, host, port, dn, attributes, scope: scopeText, filter, extensions };
}

/** RFC 4516 2: percent-encodes what may not appear literally in a DN or attribute component. */
function pctEncode(s: string): string {
  return encodeURIComponent(s).replace(/%3D/gi, "=").replace(/%2C/gi, ",").replace(/%3B/gi, ";").replace(/%2B/gi, "+");
}

/** An LDAP URL for a base-scope read of `attributes` of the entry `dn`. */
export function ldapUrl(hostport: string, dn: string, attributes: readonly string[], secure = false): string {
  return `${secure ? "ldaps" : "ldap"}://${hostport}/${pctEncode(dn)}?${attributes.map(pctEncode).join(",")}`;
}

/** Attribute types by OID, as RFC 4514 3 writes them (the others are written as dotted OIDs). */
const RFC4514_TYPES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.6": "C",
  "2.5.4.9": "STREET",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
};

/** RFC 4514 2.4: escapes a string attribute value. */
export function escapeDnValue(v: string): string {
  let s = v.replace(/[\\"+,;<>=]/g, (c) => `\\${c}`).replace(/\0/g, "\\00");
  if (s.startsWith(" ") || s.startsWith("#")) s = `\\${s}`;
  if (s.endsWith(" ") && !s.endsWith("\\ ")) s = `${s.slice(0, -1)}\\ `;
  return s;
}

/** RFC 4514 2.1: the string form of a DN, last RDN of the sequence first. Non-string values as `#hex` (RFC 4514 2.4). */
export function rfc4514(name: DistinguishedName): string {
  return [...name.rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${RFC4514_TYPES[a.type] ?? a.type}=${a.text.startsWith("#") && a.norm === a.text ? a.text : escapeDnValue(a.text)}`).join("+"))
    .join(",");
}
