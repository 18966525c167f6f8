// A bridge-of-bridges PKI laid out the way its operators would publish it (RFC 5280
// 4.2.1.13, 4.2.2.1, 4.2.2.2; RFC 4523; RFC 2587): three domains, two bridges, every
// certificate naming where its issuer's certificates and CRLs are.
//
//   Domain A (HTTP)  Root A ─┐            ┌─ Root B  Domain B (HTTP and LDAP)
//                            ├─ Bridge X ─┤
//                                 │
//                              Bridge Y (LDAP) ── Root C  Domain C (LDAP)
//
// Each root issues one issuing CA, each issuing CA one end entity. Cross-certification is
// mutual (Root A <-> Bridge X, Root B <-> Bridge X, Bridge X <-> Bridge Y, Root C <->
// Bridge Y). A relying party of Domain A, holding only Root A, reaches an end entity of
// Domain C through Issuing CA C, Root C (certified by Bridge Y), Bridge Y (certified by
// Bridge X) and Bridge X (certified by Root A): five certificates fetched by AIA, one hop
// at a time, and five CRLs fetched as the CRL distribution points say.
//
// Publication, per CA, by what its domain uses:
//  - HTTP: `/<slug>/issued-to.p7c` (certificates issued to the CA: the AIA caIssuers
//    target of what it issues), `/<slug>/issued-by.p7c` (certificates it issued to CAs:
//    its SIA caRepository), `/<slug>/<slug>.crt` (its own certificate from its issuer),
//    `/<slug>/<slug>.crl` (its CRL);
//  - LDAP: the entry named by its DN (pkiCA): cACertificate (issued to it within its
//    domain, self-issued included), crossCertificatePair (per peer CA: forward = issued to
//    it by the peer, reverse = issued by it to the peer), certificateRevocationList and
//    authorityRevocationList (its one complete CRL). AIA asks for
//    `cACertificate;binary,crossCertificatePair;binary`, CRL distribution points for
//    `certificateRevocationList;binary` (end entities) or `authorityRevocationList;binary`
//    (CA certificates).
// A CA publishing both ways names both URLs; each certificate it issues names them all.
import { explicit, integer, oid, seq, setOf, tlv } from "../generate/der.js";
import { TestPki, type Entity, type KeyAlg } from "../generate/pki.js";
import type { LdifEntry } from "./slapd.js";

export type Publication = "http" | "ldap" | "both";

export interface PublishedCa {
  readonly slug: string;
  readonly name: string;
  /** RFC 4514 DN of its directory entry (for LDAP publication). */
  readonly dn: string;
  readonly publish: Publication;
  /** Certificates whose subject is this CA (self-signed and cross-certificates). */
  readonly issuedTo: Entity[];
  /** CA certificates this CA issued to other CAs. */
  readonly issuedBy: Entity[];
  /** The certificate of this CA from its own domain (the root's self-signed one, the issuing CA's from its root). */
  cert: Entity;
  crl?: Uint8Array;
  /** URLs this CA's subordinates name. */
  readonly aia: string[];
  readonly sia: string[];
  readonly crlForEe: string[];
  readonly crlForCa: string[];
}

export interface PublishedPkiSpec {
  /** Where the HTTP server will be: `http://127.0.0.1:PORT` (no trailing slash). */
  httpBase: string;
  /** Where slapd will be: `127.0.0.1:PORT`. */
  ldapHostport: string;
  /** Reference time: certificates are valid around it (default now, to the second). */
  now?: Date;
  keyAlg?: KeyAlg;
}

export interface PublishedPki {
  readonly now: Date;
  readonly cas: Record<"rootA" | "issuingA" | "rootB" | "issuingB" | "rootC" | "issuingC" | "bridgeX" | "bridgeY", PublishedCa>;
  /** The relying party's anchor (Domain A). */
  readonly anchor: Entity;
  /** One end entity per domain. */
  readonly targets: Record<"A" | "B" | "C", Entity>;
  /** What the HTTP server serves: path -> body. */
  readonly files: Map<string, Uint8Array>;
  /** The directory's entries (DN, object classes, attributes with ;binary values). */
  readonly ldapEntries: LdifEntry[];
  /** The LDAP suffix every entry is under. */
  readonly suffix: string;
}

const AIA_ATTRS = "cACertificate;binary,crossCertificatePair;binary";

/** RFC 4516 URL of a DN on the directory, percent-encoding what a URL may not hold literally. */
function ldapUrlOf(hostport: string, dn: string, attrs: string): string {
  return `ldap://${hostport}/${encodeURIComponent(dn).replace(/%3D/g, "=").replace(/%2C/g, ",")}?${attrs}`;
}

/** RFC 5280 4.1.2.4 name (generator order) -> the RFC 4514 DN of the directory entry. */
function dnOf(name: string): string {
  return name
    .split(",")
    .map((rdn) => {
      const [t, v] = rdn.split("=");
      return `${t!.toLowerCase()}=${v}`;
    })
    .join(",");
}

/** SubjectInfoAccess (RFC 5280 4.2.2.2) with id-ad-caRepository URIs ([6] IA5String). */
function subjectInfoAccess(uris: readonly string[]) {
  const ads = uris.map((u) => seq(oid("1.3.6.1.5.5.7.48.5"), tlv(0x86, new Uint8Array(Buffer.from(u, "latin1")))));
  return { oid: "1.3.6.1.5.5.7.1.11", critical: false, valueDer: seq(...ads) };
}

/** A CertificatePair (RFC 4523 2.3): SEQUENCE { [0] forward OPTIONAL, [1] reverse OPTIONAL }. */
export function certificatePair(forward?: Entity, reverse?: Entity): Uint8Array {
  return seq(...(forward ? [explicit(0, forward.der)] : []), ...(reverse ? [explicit(1, reverse.der)] : []));
}

export function buildPublishedPki(spec: PublishedPkiSpec): PublishedPki {
  const now = spec.now ?? new Date(Math.floor(Date.now() / 1000) * 1000);
  const p = new TestPki({ now, seed: "certpath-published-pki", keyAlg: spec.keyAlg });
  const files = new Map<string, Uint8Array>();

  const ca = (slug: string, name: string, publish: Publication): PublishedCa => {
    const dn = dnOf(name);
    const http = publish !== "ldap";
    const ldap = publish !== "http";
    return {
      slug,
      name,
      dn,
      publish,
      issuedTo: [],
      issuedBy: [],
      cert: undefined as unknown as Entity,
      aia: [...(http ? [`${spec.httpBase}/${slug}/issued-to.p7c`] : []), ...(ldap ? [ldapUrlOf(spec.ldapHostport, dn, AIA_ATTRS)] : [])],
      sia: [...(http ? [`${spec.httpBase}/${slug}/issued-by.p7c`] : []), ...(ldap ? [ldapUrlOf(spec.ldapHostport, dn, AIA_ATTRS)] : [])],
      crlForEe: [...(http ? [`${spec.httpBase}/${slug}/${slug}.crl`] : []), ...(ldap ? [ldapUrlOf(spec.ldapHostport, dn, "certificateRevocationList;binary")] : [])],
      crlForCa: [...(http ? [`${spec.httpBase}/${slug}/${slug}.crl`] : []), ...(ldap ? [ldapUrlOf(spec.ldapHostport, dn, "authorityRevocationList;binary")] : [])],
    };
  };
  const cas = {
    rootA: ca("root-a", "CN=Root CA A,O=Domain A,C=US", "http"),
    issuingA: ca("issuing-a", "CN=Issuing CA A,O=Domain A,C=US", "http"),
    rootB: ca("root-b", "CN=Root CA B,O=Domain B,C=US", "both"),
    issuingB: ca("issuing-b", "CN=Issuing CA B,O=Domain B,C=US", "both"),
    rootC: ca("root-c", "CN=Root CA C,O=Domain C,C=US", "ldap"),
    issuingC: ca("issuing-c", "CN=Issuing CA C,O=Domain C,C=US", "ldap"),
    bridgeX: ca("bridge-x", "CN=Bridge CA X,O=Bridges,C=US", "http"),
    bridgeY: ca("bridge-y", "CN=Bridge CA Y,O=Bridges,C=US", "ldap"),
  };

  /** What a certificate issued by `issuer` to `subject` (a CA) carries. */
  const caExtensions = (issuer: PublishedCa, subject: PublishedCa) => ({
    authorityInfoAccess: { caIssuers: issuer.aia },
    crlDistributionPoints: issuer.crlForCa,
    custom: [subjectInfoAccess(subject.sia)],
  });

  // Roots (self-signed; they name their repository, and nothing above them).
  for (const r of [cas.rootA, cas.rootB, cas.rootC, cas.bridgeX, cas.bridgeY]) {
    r.cert = p.root(r.name);
    r.issuedTo.push(r.cert);
  }
  // Issuing CAs under their roots.
  for (const [root, sub] of [
    [cas.rootA, cas.issuingA],
    [cas.rootB, cas.issuingB],
    [cas.rootC, cas.issuingC],
  ] as const) {
    sub.cert = p.ca(sub.name, root.cert, { extensions: caExtensions(root, sub) });
    sub.issuedTo.push(sub.cert);
    root.issuedBy.push(sub.cert);
  }
  // Mutual cross-certification.
  const pairs: [PublishedCa, PublishedCa][] = [
    [cas.rootA, cas.bridgeX],
    [cas.rootB, cas.bridgeX],
    [cas.bridgeX, cas.bridgeY],
    [cas.rootC, cas.bridgeY],
  ];
  const crossed = new Map<string, Entity>(); // "issuer>subject" -> certificate
  for (const [a, b] of pairs)
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const c = p.cross(from.cert, to.cert, { extensions: caExtensions(from, to) });
      crossed.set(`${from.slug}>${to.slug}`, c);
      to.issuedTo.push(c);
      from.issuedBy.push(c);
    }
  // One end entity per domain.
  const ee = (issuer: PublishedCa, name: string) =>
    p.ee(name, issuer.cert, { extensions: { authorityInfoAccess: { caIssuers: issuer.aia }, crlDistributionPoints: issuer.crlForEe } });
  const targets = {
    A: ee(cas.issuingA, "CN=Alice,O=Domain A,C=US"),
    B: ee(cas.issuingB, "CN=Bob,O=Domain B,C=US"),
    C: ee(cas.issuingC, "CN=Carol,O=Domain C,C=US"),
  };
  // One complete CRL per CA (no issuing distribution point: it covers everything it issued).
  for (const c of Object.values(cas)) c.crl = p.crl(c.cert).der;

  // HTTP files.
  for (const c of Object.values(cas)) {
    if (c.publish === "ldap") continue;
    files.set(`/${c.slug}/issued-to.p7c`, certsOnlyCms(c.issuedTo.map((e) => e.der)));
    files.set(`/${c.slug}/issued-by.p7c`, certsOnlyCms(c.issuedBy.map((e) => e.der)));
    files.set(`/${c.slug}/${c.slug}.crt`, c.cert.der);
    files.set(`/${c.slug}/${c.slug}.crl`, c.crl!);
  }

  // Directory entries.
  const ldapEntries: LdifEntry[] = [];
  const peersOf = (c: PublishedCa) => pairs.flatMap(([a, b]) => (a === c ? [b] : b === c ? [a] : []));
  for (const c of Object.values(cas)) {
    if (c.publish === "http") continue;
    const inDomain = c.issuedTo.filter((e) => !peersOf(c).some((peer) => crossed.get(`${peer.slug}>${c.slug}`) === e));
    const pairValues = peersOf(c).map((peer) => certificatePair(crossed.get(`${peer.slug}>${c.slug}`), crossed.get(`${c.slug}>${peer.slug}`)));
    ldapEntries.push({
      dn: c.dn,
      objectClass: ["applicationProcess", "pkiCA"],
      attrs: {
        cn: c.name.split(",")[0]!.slice(3),
        "cACertificate;binary": inDomain.map((e) => e.der),
        ...(pairValues.length ? { "crossCertificatePair;binary": pairValues } : {}),
        "certificateRevocationList;binary": c.crl!,
        "authorityRevocationList;binary": c.crl!,
      },
    });
  }
  return { now, cas, anchor: cas.rootA.cert, targets, files, ldapEntries, suffix: "c=US" };
}

/**
 * A certs-only CMS SignedData (RFC 5652 5.1; the ".p7c" of RFC 5280 4.2.2.1): ContentInfo
 * { id-signedData, [0] SignedData { version 1, digestAlgorithms {}, encapContentInfo
 * { id-data }, certificates [0] IMPLICIT, signerInfos {} } }.
 */
export function certsOnlyCms(certs: readonly Uint8Array[]): Uint8Array {
  const signedData = seq(integer(1), setOf(), seq(oid("1.2.840.113549.1.7.1")), tlv(0xa0, ...certs), setOf());
  return seq(oid("1.2.840.113549.1.7.2"), explicit(0, signedData));
}
