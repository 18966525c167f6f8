// A directory as an issuer source (RFC 4158 3.1, RFC 2587): for each certificate whose
// issuer the search could not find, read the directory entry named by its issuer DN and
// take the certificates in cACertificate and crossCertificatePair (both elements). This
// finds paths where certificates carry no AIA. Only names under the configured base are
// asked for; every read goes through the call's retriever (its limits, cache and
// `fetched` log).
import type { Certificate } from "../parsing/certificate.js";
import type { AsyncIssuerSource } from "./issuer-source.js";
import type { OnlineRetriever } from "./online.js";
import { ldapUrl, parseLdapUrl, rfc4514 } from "./ldap-url.js";

/** The attributes read from an issuer's entry. */
export const ISSUER_ATTRIBUTES = ["cACertificate;binary", "crossCertificatePair;binary"] as const;

/** RDNs of an RFC 4514 string, lower-cased, split at unescaped commas. */
function rdnsOf(dn: string): string[] {
  return dn
    .split(/(?<!\\),/)
    .map((r) => r.trim().toLowerCase())
    .filter(Boolean);
}

export class LdapDirectoryIssuerSource implements AsyncIssuerSource {
  private readonly hostport: string;
  private readonly secure: boolean;
  private readonly base: string[];

  /** `directory`: `ldap://host[:port]/base-dn` (the base may be empty: every name is asked for). */
  constructor(
    private readonly online: OnlineRetriever,
    directory: string,
  ) {
    const u = parseLdapUrl(directory);
    if (!u.host) throw new TypeError(`${directory}: a directory URL needs a host`);
    this.secure = u.secure;
    this.hostport = `${u.host.includes(":") ? `[${u.host}]` : u.host}:${u.port}`;
    this.base = rdnsOf(u.dn);
  }

  /** The URL that reads the entry of `cert`'s issuer, or undefined when its name is outside the base. */
  urlFor(cert: Certificate): string | undefined {
    const dn = rfc4514(cert.issuer);
    const rdns = rdnsOf(dn);
    if (!dn || rdns.length < this.base.length) return undefined;
    const tail = rdns.slice(rdns.length - this.base.length);
    if (tail.some((r, i) => r.replace(/\s*=\s*/, "=") !== this.base[i]!.replace(/\s*=\s*/, "="))) return undefined;
    return ldapUrl(this.hostport, dn, ISSUER_ATTRIBUTES, this.secure);
  }

  issuersFor(certs: Iterable<Certificate>, _anchors: readonly Certificate[], deadline: number): Promise<Certificate[]> {
    const urls: string[] = [];
    for (const c of certs) {
      const url = this.urlFor(c);
      if (url) urls.push(url);
    }
    return this.online.certificates(this.online.fresh(urls), deadline);
  }
}
