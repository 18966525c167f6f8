// Certificate profile rules beyond the RFC 5280 6.1 algorithm (README "Profiles").
//
// "rfc5280" (the default) holds the rules mainstream validators apply and real PKIs
// honour; a certificate breaking one fails in both profiles. "strict" adds every MUST of
// RFC 5280 section 4 that a relying party can check on one certificate of a path; in the
// default profile those are reported as deviations instead of failing the path (real
// cross-certified PKIs, such as the US Federal PKI, break many of them).
//
// Each rule is one small predicate over the parsed certificate and its place in the path,
// and cites the sentence of RFC 5280 it comes from.
import type { Certificate, TimeEncoding } from "../parsing/certificate.js";
import { KU } from "../parsing/certificate.js";
import { OID } from "../parsing/oids.js";
import type { Profile } from "../api/types.js";
import { malformedSubtree } from "./name-constraints.js";
import { isHostName, isMailbox } from "./name-syntax.js";

export type { Profile };

/** Where a certificate stands in the path being validated. */
export interface CertificateRole {
  /** An intermediate or the anchor certificate: it issues a certificate of this path. */
  readonly issuesInPath: boolean;
  /** Signed with its own key (its issuer key is its subject key). */
  readonly selfSigned: boolean;
}

export interface ProfileRule {
  /** Stable identifier, as reported in `deviations[].rule`. */
  readonly id: string;
  /** The RFC sentence's section, e.g. "RFC 5280 4.2.1.11". */
  readonly section: string;
  /** The profile that rejects a certificate breaking it (strict also applies every rfc5280 rule). */
  readonly profile: Profile;
  /** What the certificate does wrong, for the error message. */
  readonly what: string;
  /** The error code when the rule rejects a path; default PROFILE. */
  readonly code?: "NAME_CONSTRAINTS";
  /**
   * Extensions (OIDs) of which the certificate must carry one for the rule to be breakable:
   * without any of them the rule is not evaluated (a new end entity with three extensions
   * had all 38 predicates run, ~11 us of its call; bench/verifier.mjs). Absent: always run.
   */
  readonly needs?: readonly string[];
  /** True when the certificate breaks the rule. */
  readonly broken: (c: Certificate, role: CertificateRole) => boolean;
}

const ext = (c: Certificate, oid: string) => c.extensions.find((e) => e.oid === oid);
const critical = (c: Certificate, oid: string) => ext(c, oid)?.critical === true;
const nonCritical = (c: Certificate, oid: string) => ext(c, oid)?.critical === false;
/** RFC 5280 4.2.1.9: a CA certificate asserts cA; one that issues in the path is a CA too. */
const isCa = (c: Certificate, role: CertificateRole) => role.issuesInPath || c.basicConstraints?.cA === true;
const empty = (l: readonly unknown[] | undefined) => l !== undefined && l.length === 0;

/** A URI's host name (RFC 3986 reg-name as hosts spell it): letters, digits, hyphen, "_" tolerated, one leading "*" label. */
function validHost(v: string): boolean {
  return isHostName(v.startsWith("*.") ? v.slice(2) : v, false);
}

/**
 * RFC 5280 4.2.1.6: a dNSName "MUST be in the 'preferred name syntax', as specified by
 * Section 3.5 of [RFC1034] and as modified by Section 2.1 of [RFC1123]": letters, digits and
 * hyphen only (no "_"), and never the dotted-decimal form, "since at least the highest-level
 * component label will be alphabetic" (RFC 1123 2.1); one leading "*" label (RFC 6125 6.4.3).
 */
function validDnsName(v: string): boolean {
  if (!validHost(v) || v.includes("_")) return false;
  const top = v.slice(v.lastIndexOf(".") + 1);
  return !/^[0-9]+$/.test(top);
}

/**
 * RFC 5321 4.1.2 Mailbox, as RFC 5280 4.2.1.6 asks of an rfc822Name: local-part "@" domain,
 * the domain's sub-domains letters, digits and hyphens (Let-dig [Ldh-str]: no "_", which
 * isMailbox tolerates for name constraints), or an address literal in brackets.
 */
const validMailbox = (v: string) => isMailbox(v, false) && !v.slice(v.lastIndexOf("@") + 1).replace(/^\[.*\]$/s, "").includes("_");

/**
 * RFC 5280 4.2.1.6: a uniformResourceIdentifier is an absolute URI (RFC 3986 4.3): a
 * scheme and a scheme-specific part, and when it has an authority, a host that is a fully
 * qualified domain name or an IP address.
 */
function validUri(v: string): boolean {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.+)$/s.exec(v);
  if (!m || /[\s<>"{}|\\^`]/.test(v)) return false;
  const rest = m[2]!;
  if (!rest.startsWith("//")) return true;
  const authority = rest.slice(2).split(/[/?#]/, 1)[0]!;
  const host = authority.replace(/^[^@]*@/, "").replace(/:\d*$/, "");
  return host.startsWith("[") ? /^\[[0-9A-Fa-f:.]+\]$/.test(host) : host.length > 0 && validHost(host);
}

/** RFC 5280 4.1.2.5 (and 5.1.2.4 for CRLs): UTCTime for 1950 through 2049, GeneralizedTime otherwise. */
export function wrongTimeEncoding(d: Date, enc: TimeEncoding): boolean {
  const y = d.getUTCFullYear();
  return enc !== (y >= 1950 && y <= 2049 ? "UTCTime" : "GeneralizedTime");
}

/** Octets of the DER INTEGER content for a serial given as hex of its value ('-' for negative). */
function serialOctets(hex: string): number {
  const h = hex.replace(/^-/, "").replace(/^0+(?=.)/, "");
  const bytes = Math.ceil(h.length / 2);
  // A positive value whose top bit is set needs a leading 0x00 octet.
  const top = parseInt(h.length % 2 ? h[0]! : h.slice(0, 2), 16);
  return bytes + (!hex.startsWith("-") && h.length % 2 === 0 && top >= 0x80 ? 1 : 0);
}

export const PROFILE_RULES: readonly ProfileRule[] = [
  // ---- rfc5280: rejected in both profiles -------------------------------------------
  {
    id: "nameConstraints-only-in-CA",
    section: "RFC 5280 4.2.1.10",
    profile: "rfc5280",
    what: "nameConstraints MUST be used only in a CA certificate",
    needs: [OID.nameConstraints],
    broken: (c) => c.nameConstraints !== undefined && c.basicConstraints?.cA !== true,
  },
  {
    id: "nameConstraints-well-formed",
    section: "RFC 5280 4.2.1.10",
    profile: "rfc5280",
    code: "NAME_CONSTRAINTS",
    what: "a name-constraint subtree is malformed (iPAddress: 8 or 32 octets with a contiguous mask; dNSName, rfc822Name and URI of valid syntax)",
    needs: [OID.nameConstraints],
    broken: (c) => c.nameConstraints !== undefined && malformedSubtree(c.nameConstraints) !== undefined,
  },
  {
    id: "nameConstraints-not-empty",
    section: "RFC 5280 4.2.1.10",
    profile: "rfc5280",
    what: "nameConstraints is an empty sequence",
    needs: [OID.nameConstraints],
    broken: (c) => c.nameConstraints !== undefined && !c.nameConstraints.permitted?.length && !c.nameConstraints.excluded?.length,
  },
  {
    id: "extKeyUsage-not-empty",
    section: "RFC 5280 4.2.1.12",
    profile: "rfc5280",
    what: "extKeyUsage is empty (ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX))",
    needs: [OID.extKeyUsage],
    broken: (c) => empty(c.extKeyUsage),
  },
  {
    id: "certificatePolicies-not-empty",
    section: "RFC 5280 4.2.1.4",
    profile: "rfc5280",
    what: "certificatePolicies is empty (SEQUENCE SIZE (1..MAX))",
    needs: [OID.certificatePolicies],
    broken: (c) => empty(c.policies),
  },
  {
    id: "policyMappings-not-empty",
    section: "RFC 5280 4.2.1.5",
    profile: "rfc5280",
    what: "policyMappings is empty (SEQUENCE SIZE (1..MAX))",
    needs: [OID.policyMappings],
    broken: (c) => empty(c.policyMappings),
  },
  {
    id: "subjectAltName-not-empty",
    section: "RFC 5280 4.2.1.6",
    profile: "rfc5280",
    what: "subjectAltName is empty (GeneralNames ::= SEQUENCE SIZE (1..MAX))",
    needs: [OID.subjectAltName],
    broken: (c) => empty(c.subjectAltName),
  },
  {
    id: "issuerAltName-not-empty",
    section: "RFC 5280 4.2.1.7",
    profile: "rfc5280",
    what: "issuerAltName is empty (GeneralNames ::= SEQUENCE SIZE (1..MAX))",
    needs: [OID.issuerAltName],
    broken: (c) => empty(c.issuerAltName),
  },
  {
    id: "crlDistributionPoints-not-empty",
    section: "RFC 5280 4.2.1.13",
    profile: "rfc5280",
    what: "cRLDistributionPoints is empty (SEQUENCE SIZE (1..MAX))",
    needs: [OID.crlDistributionPoints, OID.freshestCRL],
    broken: (c) => empty(c.crlDistributionPoints) || empty(c.freshestCrl),
  },
  {
    id: "infoAccess-not-empty",
    section: "RFC 5280 4.2.2.1",
    profile: "rfc5280",
    what: "authorityInfoAccess or subjectInfoAccess is empty (SEQUENCE SIZE (1..MAX))",
    needs: [OID.authorityInfoAccess, OID.subjectInfoAccess],
    broken: (c) => empty(c.authorityInfoAccess) || empty(c.subjectInfoAccess),
  },

  // ---- strict: rejected in strict, a deviation in rfc5280 ----------------------------
  {
    id: "version-3-with-extensions",
    section: "RFC 5280 4.1.2.1",
    profile: "strict",
    what: "extensions are present, so the version MUST be 3",
    broken: (c) => c.extensions.length > 0 && c.version !== 3, // the model numbers versions 1, 2, 3
  },
  {
    id: "serialNumber-positive",
    section: "RFC 5280 4.1.2.2",
    profile: "strict",
    what: "the serial number MUST be a positive integer",
    broken: (c) => c.serial.startsWith("-") || /^0*$/.test(c.serial),
  },
  {
    id: "serialNumber-length",
    section: "RFC 5280 4.1.2.2",
    profile: "strict",
    what: "the serial number is longer than 20 octets",
    broken: (c) => serialOctets(c.serial) > 20,
  },
  {
    id: "validity-encoding",
    section: "RFC 5280 4.1.2.5",
    profile: "strict",
    what: "a validity date is not UTCTime through 2049 and GeneralizedTime from 2050",
    broken: (c) => wrongTimeEncoding(c.notBefore, c.validityEncoding.notBefore) || wrongTimeEncoding(c.notAfter, c.validityEncoding.notAfter),
  },
  {
    id: "validity-whole-seconds",
    section: "RFC 5280 4.1.2.5",
    profile: "strict",
    what: "a validity date is not written in whole seconds in Zulu (YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ; GeneralizedTime values MUST NOT include fractional seconds)",
    broken: (c) => !c.validityWholeSeconds,
  },
  {
    id: "issuer-not-empty",
    section: "RFC 5280 4.1.2.4",
    profile: "strict",
    what: "the issuer field MUST contain a non-empty distinguished name",
    broken: (c) => c.issuer.rdns.length === 0,
  },
  {
    id: "CA-subject-not-empty",
    section: "RFC 5280 4.1.2.6",
    profile: "strict",
    what: "a CA certificate MUST have a non-empty subject",
    broken: (c, r) => isCa(c, r) && c.subject.rdns.length === 0,
  },
  {
    id: "uniqueIdentifiers-absent",
    section: "RFC 5280 4.1.2.8",
    profile: "strict",
    what: "issuerUniqueID or subjectUniqueID is present (conforming CAs MUST NOT generate them)",
    broken: (c) => c.uniqueIdentifiers,
  },
  {
    id: "authorityKeyIdentifier-present",
    section: "RFC 5280 4.2.1.1",
    profile: "strict",
    what: "authorityKeyIdentifier MUST be present (except in a self-signed certificate)",
    broken: (c, r) => !r.selfSigned && ext(c, OID.authorityKeyIdentifier) === undefined,
  },
  {
    id: "authorityKeyIdentifier-keyIdentifier",
    section: "RFC 5280 4.2.1.1",
    profile: "strict",
    what: "authorityKeyIdentifier has no keyIdentifier (the keyIdentifier field MUST be included, except in a self-signed certificate)",
    needs: [OID.authorityKeyIdentifier],
    // "The keyIdentifier field of the authorityKeyIdentifier extension MUST be included in all
    // certificates generated by conforming CAs": authorityCertIssuer and serial alone do not do.
    broken: (c, r) => !r.selfSigned && ext(c, OID.authorityKeyIdentifier) !== undefined && c.authorityKeyId?.keyId === undefined,
  },
  {
    id: "authorityKeyIdentifier-non-critical",
    section: "RFC 5280 4.2.1.1",
    profile: "strict",
    what: "authorityKeyIdentifier MUST be non-critical",
    needs: [OID.authorityKeyIdentifier],
    broken: (c) => critical(c, OID.authorityKeyIdentifier),
  },
  {
    id: "subjectKeyIdentifier-present-in-CA",
    section: "RFC 5280 4.2.1.2",
    profile: "strict",
    what: "subjectKeyIdentifier MUST be present in a CA certificate",
    broken: (c, r) => isCa(c, r) && ext(c, OID.subjectKeyIdentifier) === undefined,
  },
  {
    id: "subjectKeyIdentifier-non-critical",
    section: "RFC 5280 4.2.1.2",
    profile: "strict",
    what: "subjectKeyIdentifier MUST be non-critical",
    needs: [OID.subjectKeyIdentifier],
    broken: (c) => critical(c, OID.subjectKeyIdentifier),
  },
  {
    id: "keyUsage-present-in-CA",
    section: "RFC 5280 4.2.1.3",
    profile: "strict",
    what: "a CA certificate MUST carry keyUsage (its key validates signatures on certificates or CRLs)",
    // "Conforming CAs MUST include this extension in certificates that contain public keys
    // that are used to validate digital signatures on other public key certificates or CRLs."
    broken: (c, r) => isCa(c, r) && ext(c, OID.keyUsage) === undefined,
  },
  {
    id: "keyUsage-some-bit",
    section: "RFC 5280 4.2.1.3",
    profile: "strict",
    what: "keyUsage is present with no bit set (at least one bit MUST be 1)",
    needs: [OID.keyUsage],
    broken: (c) => c.keyUsage === 0,
  },
  {
    id: "keyCertSign-requires-cA",
    section: "RFC 5280 4.2.1.3",
    profile: "strict",
    what: "keyCertSign is asserted but basicConstraints cA is not TRUE",
    needs: [OID.keyUsage],
    broken: (c) => c.keyUsage !== undefined && (c.keyUsage & (1 << KU.keyCertSign)) !== 0 && c.basicConstraints?.cA !== true,
  },
  {
    id: "policyMappings-critical",
    section: "RFC 5280 4.2.1.5",
    profile: "strict",
    what: "policyMappings is not critical",
    needs: [OID.policyMappings],
    broken: (c) => nonCritical(c, OID.policyMappings),
  },
  {
    id: "subjectAltName-critical-when-subject-empty",
    section: "RFC 5280 4.2.1.6",
    profile: "strict",
    what: "the subject is empty, so subjectAltName MUST be present and critical",
    broken: (c) => c.subject.rdns.length === 0 && !critical(c, OID.subjectAltName),
  },
  {
    id: "subjectAltName-dNSName-syntax",
    section: "RFC 5280 4.2.1.6",
    profile: "strict",
    what: "a dNSName is not in the preferred name syntax of RFC 1034 3.5 and RFC 1123 2.1 (letters, digits, hyphen; an alphabetic top-level label)",
    needs: [OID.subjectAltName],
    broken: (c) => (c.subjectAltName ?? []).some((g) => g.kind === "dNSName" && !validDnsName(g.value)),
  },
  {
    id: "subjectAltName-iPAddress-syntax",
    section: "RFC 5280 4.2.1.6",
    profile: "strict",
    what: "an iPAddress is neither 4 nor 16 octets",
    needs: [OID.subjectAltName],
    broken: (c) => (c.subjectAltName ?? []).some((g) => g.kind === "iPAddress" && g.bytes.length !== 4 && g.bytes.length !== 16),
  },
  {
    id: "subjectAltName-rfc822Name-syntax",
    section: "RFC 5280 4.2.1.6",
    profile: "strict",
    what: "an rfc822Name is not a Mailbox of RFC 5321 4.1.2 (local-part@domain)",
    needs: [OID.subjectAltName],
    broken: (c) => (c.subjectAltName ?? []).some((g) => g.kind === "rfc822Name" && !validMailbox(g.value)),
  },
  {
    id: "subjectAltName-URI-syntax",
    section: "RFC 5280 4.2.1.6",
    profile: "strict",
    what: "a uniformResourceIdentifier is not an absolute URI with a scheme (and a host name or address when it has an authority)",
    needs: [OID.subjectAltName],
    broken: (c) => (c.subjectAltName ?? []).some((g) => g.kind === "uniformResourceIdentifier" && !validUri(g.value)),
  },
  {
    id: "basicConstraints-critical-in-CA",
    section: "RFC 5280 4.2.1.9",
    profile: "strict",
    what: "a CA certificate MUST carry basicConstraints marked critical",
    broken: (c, r) => isCa(c, r) && !critical(c, OID.basicConstraints),
  },
  {
    id: "pathLenConstraint-requires-cA-and-keyCertSign",
    section: "RFC 5280 4.2.1.9",
    profile: "strict",
    what: "pathLenConstraint is present but cA is not TRUE or keyUsage does not assert keyCertSign",
    needs: [OID.basicConstraints],
    broken: (c) =>
      c.basicConstraints?.pathLen !== undefined && (!c.basicConstraints.cA || (c.keyUsage !== undefined && (c.keyUsage & (1 << KU.keyCertSign)) === 0)),
  },
  {
    id: "nameConstraints-critical",
    section: "RFC 5280 4.2.1.10",
    profile: "strict",
    what: "nameConstraints MUST be critical",
    needs: [OID.nameConstraints],
    broken: (c) => nonCritical(c, OID.nameConstraints),
  },
  {
    id: "nameConstraints-minimum-maximum",
    section: "RFC 5280 4.2.1.10",
    profile: "strict",
    what: "a subtree has minimum other than 0 or a maximum",
    needs: [OID.nameConstraints],
    broken: (c) => [...(c.nameConstraints?.permitted ?? []), ...(c.nameConstraints?.excluded ?? [])].some((st) => st.minimum !== 0 || st.maximum !== undefined),
  },
  {
    // RFC 5280 4.2.1.10: "DNS name restrictions are expressed as host.example.com"; only the
    // URI and rfc822Name forms give a leading period a meaning. OpenSSL, NSS and Go accept
    // ".example.com" as a dNSName subtree (names strictly below example.com), and the engine
    // keeps that reading (name-constraints.ts parseDnsSubtree); strict rejects the CA that
    // wrote it (x509-limbo rfc5280::nc::invalid-dnsname-leading-period). The empty dNSName
    // (every name; the CA/Browser Forum's way to exclude all) is not broken by this rule.
    id: "nameConstraints-dNSName-syntax",
    section: "RFC 5280 4.2.1.10",
    profile: "strict",
    what: "a dNSName subtree begins with a period (DNS restrictions are expressed as host.example.com)",
    needs: [OID.nameConstraints],
    broken: (c) =>
      [...(c.nameConstraints?.permitted ?? []), ...(c.nameConstraints?.excluded ?? [])].some((st) => st.base.kind === "dNSName" && st.base.value.startsWith(".")),
  },
  {
    id: "policyConstraints-critical",
    section: "RFC 5280 4.2.1.11",
    profile: "strict",
    what: "policyConstraints MUST be critical",
    needs: [OID.policyConstraints],
    broken: (c) => nonCritical(c, OID.policyConstraints),
  },
  {
    id: "inhibitAnyPolicy-critical",
    section: "RFC 5280 4.2.1.14",
    profile: "strict",
    what: "inhibitAnyPolicy MUST be critical",
    needs: [OID.inhibitAnyPolicy],
    broken: (c) => nonCritical(c, OID.inhibitAnyPolicy),
  },
  {
    id: "crlDistributionPoints-point-or-issuer",
    section: "RFC 5280 4.2.1.13",
    profile: "strict",
    what: "a DistributionPoint has neither distributionPoint nor cRLIssuer (it MUST NOT consist of only the reasons field)",
    needs: [OID.crlDistributionPoints, OID.freshestCRL],
    broken: (c) => [...(c.crlDistributionPoints ?? []), ...(c.freshestCrl ?? [])].some((dp) => !dp.name && !dp.crlIssuer),
  },
  {
    id: "authorityInfoAccess-non-critical",
    section: "RFC 5280 4.2.2.1",
    profile: "strict",
    what: "authorityInfoAccess MUST be non-critical",
    needs: [OID.authorityInfoAccess],
    broken: (c) => critical(c, OID.authorityInfoAccess),
  },
  {
    id: "subjectInfoAccess-non-critical",
    section: "RFC 5280 4.2.2.2",
    profile: "strict",
    what: "subjectInfoAccess MUST be non-critical",
    needs: [OID.subjectInfoAccess],
    broken: (c) => critical(c, OID.subjectInfoAccess),
  },
];

/** Answers of brokenRules by certificate and role (parsed certificates are cached across calls). */
const answers = new WeakMap<Certificate, Map<string, readonly ProfileRule[]>>();

/** The rules `c` breaks, in table order. */
export function brokenRules(c: Certificate, role: CertificateRole): readonly ProfileRule[] {
  const key = `${+role.issuesInPath}${+role.selfSigned}`;
  let byRole = answers.get(c);
  if (!byRole) answers.set(c, (byRole = new Map()));
  let out = byRole.get(key);
  if (!out) {
    let carried = 0;
    for (const e of c.extensions) carried |= NEEDED_BIT.get(e.oid) ?? 0;
    const broken: ProfileRule[] = [];
    for (let i = 0; i < PROFILE_RULES.length; i++) {
      const r = PROFILE_RULES[i]!;
      if (r.needs && !(NEEDS_MASK[i]! & carried)) continue;
      if (r.broken(c, role)) broken.push(r);
    }
    byRole.set(key, (out = Object.freeze(broken)));
  }
  return out;
}

/** A bit per extension some rule needs, and each rule's mask of them. */
const NEEDED_BIT = new Map([...new Set(PROFILE_RULES.flatMap((r) => r.needs ?? []))].map((oid, i) => [oid, 1 << i]));
const NEEDS_MASK = PROFILE_RULES.map((r) => (r.needs ?? []).reduce((m, oid) => m | NEEDED_BIT.get(oid)!, 0));
