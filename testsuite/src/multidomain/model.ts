// The declarative description of a multi-domain test PKI and of one validation case on it.
//
// A Scenario is plain data: the domains, the entities (a name and a key: CAs, bridge CAs,
// end entities, CRL and OCSP signers), the certificates binding a subject entity to an
// issuer entity with the extensions they carry, the CRLs and OCSP responses, then the case
// (target, bag of untrusted certificates, trust anchors, settings) and its expected outcome.
// ./generate.ts turns a Scenario into bytes, deterministically (Ed25519/Ed448 keys derived
// from seeds, deterministic signatures), so the same description always yields the same
// certificates. ./cases/*.ts hold the scenarios, ./suite.ts runs them.
//
// Conventions:
//  - names are RFC 4514 strings, least significant RDN first ("CN=PCA1,O=Dom1,C=JP");
//  - times are days relative to the scenario's reference time (fractions allowed), or ISO
//    8601 strings for exact instants (UTCTime/GeneralizedTime boundaries);
//  - the validation time of the case is the reference time;
//  - a certificate, CRL or OCSP response is referred to by its id, an entity by its id.

import type { ErrorCode, Limits, RevocationMode } from "certpath";
import type { DistributionPointInput, KeyUsageName, ReasonFlagName, ReasonName, StringEncoding } from "../generate/pki.js";

/** The groups (report sections) of the suite, in report order. */
export const GROUPS = [
  "hierarchical",
  "mesh",
  "bridge",
  "bridge-of-bridges",
  "trust-list",
  "rollover",
  "gpki",
  "revocation",
  "encoding",
  "pathological",
] as const;
export type Group = (typeof GROUPS)[number];

/** A time relative to the reference time: days (number) or an exact ISO 8601 instant. */
export type RelTime = number | string;

export interface DomainDecl {
  id: string;
  /** What the domain is, for people ("Ministry of Foreign Affairs", "Bridge"). */
  title: string;
  /** Its policy OIDs by label, for reference ({ medium: "2.999.1.1" }). */
  policies?: Record<string, string>;
}

/** Key algorithms a scenario may use: deterministic ones only (ECDSA and RSA signatures are not). */
export type ScenarioKeyAlg = "ed25519" | "ed448" | "p256";

/** A name and a key: a CA (principal, subordinate, bridge), an end entity, a CRL or OCSP signer. */
export interface EntityDecl {
  id: string;
  /** RFC 4514 distinguished name, least significant RDN first. */
  name: string;
  domain?: string;
  /** Seeds the key together with the name; entities sharing a name need distinct seeds. Default "". */
  keySeed?: string;
  /** Default ed25519. */
  keyAlg?: ScenarioKeyAlg;
  /** A public-only RSA key of this many bits (a decoy: it can be certified but cannot sign). */
  fabricatedRsaBits?: number;
  /** DirectoryString type of the name wherever it is written for this entity. Default printable when possible. */
  stringEncoding?: StringEncoding;
}

/**
 * root: self-signed (subject === issuer); ca: a subordinate; cross: a cross-certificate
 * between domains (or with a bridge); rollover: self-issued, same name, another key
 * (OldWithNew / NewWithOld, RFC 4210 4.4); ee: an end entity; crl-signer: a separate
 * CRL-signing certificate (keyUsage cRLSign, no basicConstraints); ocsp-responder: a
 * delegated OCSP responder (EKU OCSPSigning, id-pkix-ocsp-nocheck).
 */
export type CertKind = "root" | "ca" | "cross" | "rollover" | "ee" | "crl-signer" | "ocsp-responder";

export interface NameConstraintsDecl {
  /** General names: "dn:O=Dom3,C=JP", "dns:example.com", "email:...", "uri:...". */
  permitted?: string[];
  excluded?: string[];
}

export interface PolicyConstraintsDecl {
  requireExplicitPolicy?: number;
  inhibitPolicyMapping?: number;
}

export interface CertDecl {
  id: string;
  kind: CertKind;
  /** Entity id of the subject (its name and public key). */
  subject: string;
  /** Entity id of the issuer (its name, and its key signs). Equal to `subject` for a root. */
  issuer: string;
  /** Defaults by kind: root -365/+3650, ca/cross/rollover -180/+1825, ee and signers -30/+365. */
  notBefore?: RelTime;
  notAfter?: RelTime;
  /** "rfc5280" (default): UTCTime through 2049, GeneralizedTime from 2050; "generalized": always GeneralizedTime. */
  timeEncoding?: "rfc5280" | "generalized";
  /** basicConstraints pathLenConstraint (CA kinds). */
  pathLen?: number;
  /** certificatePolicies OIDs ("2.5.29.32.0" is anyPolicy). */
  policies?: string[];
  /** [issuerDomainPolicy, subjectDomainPolicy] pairs. */
  policyMappings?: [string, string][];
  policyConstraints?: PolicyConstraintsDecl;
  inhibitAnyPolicy?: number;
  nameConstraints?: NameConstraintsDecl;
  /** Replaces the kind's default keyUsage. */
  keyUsage?: KeyUsageName[];
  /** Purpose names (serverAuth, clientAuth, OCSPSigning, ...) or OIDs. */
  extKeyUsage?: string[];
  subjectAltName?: string[];
  /** Authority information access URLs (data only: nothing in the suite fetches them). */
  aia?: { caIssuers?: string[]; ocsp?: string[] };
  crlDistributionPoints?: DistributionPointInput[];
  freshestCrl?: string[];
  /** Hex key identifier written as authorityKeyIdentifier instead of the issuer key's; false: none. */
  authorityKeyId?: string | false;
  /** Hex key identifier written as subjectKeyIdentifier instead of the key's; false: none. */
  subjectKeyId?: string | false;
  /** DirectoryString type of the subject name (and of `issuerName`). Default: the subject entity's. */
  stringEncoding?: StringEncoding;
  /** Writes this issuer DN instead of the issuer entity's name (case folding, encoding mixes). */
  issuerName?: string;
  issuerStringEncoding?: StringEncoding;
}

export interface CrlEntryDecl {
  /** Certificate id of the revoked certificate. */
  cert: string;
  reason?: ReasonName;
  /** Revocation date; default one day before the reference time. */
  date?: RelTime;
  /** Entity id written as the entry's certificateIssuer (indirect CRLs, RFC 5280 5.3.3). */
  certificateIssuer?: string;
}

export interface IdpDecl {
  fullName?: string[];
  onlyContainsUserCerts?: boolean;
  onlyContainsCACerts?: boolean;
  onlySomeReasons?: ReasonFlagName[];
  indirectCRL?: boolean;
}

export interface CrlDecl {
  id: string;
  /** Entity id whose name is the CRL issuer. */
  issuer: string;
  /** Entity id whose key signs; default the issuer. */
  signer?: string;
  /** Default -1 (a day before the reference time). */
  thisUpdate?: RelTime;
  /** Default +7; null for none. */
  nextUpdate?: RelTime | null;
  /** Default 1. */
  crlNumber?: number;
  /** Makes a delta CRL: the BaseCRLNumber. */
  deltaBase?: number;
  entries?: CrlEntryDecl[];
  issuingDistributionPoint?: IdpDecl;
  freshestCrl?: string[];
}

export interface OcspDecl {
  id: string;
  /** Certificate id whose status the response gives. */
  cert: string;
  /** Entity id whose key signs: the certificate's issuer, or a delegated responder. */
  signer: string;
  /** Certificate ids included in the response (the delegated responder's certificate). */
  include?: string[];
  status: "good" | "revoked" | "unknown";
  revokedAt?: RelTime;
  reason?: ReasonName;
  /** Default -0.5 (half a day before the reference time). */
  thisUpdate?: RelTime;
  /** Default +3.5. */
  nextUpdate?: RelTime | null;
  producedAt?: RelTime;
}

/** The PKITS-shaped validation settings (RFC 5280 6.1.1). */
export interface Settings {
  initialPolicySet: string[];
  initialExplicitPolicy: boolean;
  initialPolicyMappingInhibit: boolean;
  initialInhibitAnyPolicy: boolean;
}

export interface CaseDecl {
  /** Certificate id of the certificate to validate. */
  target: string;
  /** Certificate ids handed over as untrusted intermediates (shuffled deterministically). */
  bag: string[];
  /** Certificate ids of the trust anchors, in order. */
  anchors: string[];
  crls?: string[];
  ocsp?: string[];
  /** Missing fields take the RFC 5280 defaults (anyPolicy, all flags false). */
  settings?: Partial<Settings>;
  /** Default "none". */
  revocation?: RevocationMode;
  limits?: Limits;
}

export interface Expectation {
  valid: boolean;
  /** The user-constrained policy set of a valid path (compared as a set); [] otherwise. */
  userConstrainedPolicySet: string[];
  /** For a valid case: certificate ids of the expected path, target first, anchor last. */
  path?: string[];
  /** For an invalid case: certpath's expected error code. */
  errorCode?: ErrorCode;
  /**
   * The verdict under RFC 5280 alone, when the case's expectation comes from certpath's own
   * work limits and differs from it (an implementation limit: deep-chain is valid under RFC
   * 5280 but deeper than the case's maxDepth).
   */
  rfc5280Valid?: boolean;
}

export interface Scenario {
  /** Short, unique, kebab-case ("bridge-basic"). */
  id: string;
  title: string;
  group: Group;
  /** One line: "PCA1 <-> BCA <-> PCA3, anchor PCA1". */
  topology: string;
  /** ISO 8601; relative times count from here, and it is the validation time. */
  referenceTime: string;
  /** Why the expected outcome is right (RFC sections, catalog number). */
  rationale?: string;
  domains?: DomainDecl[];
  entities: EntityDecl[];
  certs: CertDecl[];
  crls?: CrlDecl[];
  ocsp?: OcspDecl[];
  case: CaseDecl;
  expect: Expectation;
}

export const ANY_POLICY = "2.5.29.32.0";

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  initialPolicySet: [ANY_POLICY],
  initialExplicitPolicy: false,
  initialPolicyMappingInhibit: false,
  initialInhibitAnyPolicy: false,
});

export const DEFAULT_REFERENCE_TIME = "2025-01-01T00:00:00Z";

/** The settings of a case with defaults applied. */
export function caseSettings(s: Scenario): Settings {
  const p = s.case.settings ?? {};
  return {
    initialPolicySet: [...(p.initialPolicySet ?? DEFAULT_SETTINGS.initialPolicySet)],
    initialExplicitPolicy: p.initialExplicitPolicy ?? false,
    initialPolicyMappingInhibit: p.initialPolicyMappingInhibit ?? false,
    initialInhibitAnyPolicy: p.initialInhibitAnyPolicy ?? false,
  };
}

/**
 * Structural checks of a description (ids unique and resolvable, roots self-signed,
 * rollovers same-named, a path for every valid case). Returns the problems found.
 */
export function lintScenario(s: Scenario): string[] {
  const out: string[] = [];
  const ents = new Map(s.entities.map((e) => [e.id, e]));
  const certs = new Map(s.certs.map((c) => [c.id, c]));
  const crls = new Set((s.crls ?? []).map((c) => c.id));
  const ocsp = new Set((s.ocsp ?? []).map((c) => c.id));
  const dup = (list: { id: string }[], what: string) => {
    const seen = new Set<string>();
    for (const x of list) {
      if (seen.has(x.id)) out.push(`duplicate ${what} id ${x.id}`);
      seen.add(x.id);
    }
  };
  dup(s.entities, "entity");
  dup(s.certs, "certificate");
  dup(s.crls ?? [], "CRL");
  dup(s.ocsp ?? [], "OCSP response");
  if (!/^[a-z0-9][a-z0-9-]*$/.test(s.id)) out.push(`id ${s.id} is not kebab-case`);
  if (isNaN(new Date(s.referenceTime).getTime())) out.push(`bad referenceTime ${s.referenceTime}`);
  for (const c of s.certs) {
    const subj = ents.get(c.subject);
    const iss = ents.get(c.issuer);
    if (!subj) out.push(`${c.id}: unknown subject entity ${c.subject}`);
    if (!iss) out.push(`${c.id}: unknown issuer entity ${c.issuer}`);
    if (c.kind === "root" && c.subject !== c.issuer) out.push(`${c.id}: a root is self-signed (subject === issuer)`);
    if (c.kind !== "root" && c.subject === c.issuer) out.push(`${c.id}: only a root has subject === issuer`);
    if (c.kind === "rollover" && subj && iss && subj.name !== iss.name) out.push(`${c.id}: a rollover certificate is self-issued (same name)`);
    if (iss?.fabricatedRsaBits) out.push(`${c.id}: issuer ${iss.id} has a public-only key and cannot sign`);
  }
  for (const c of s.crls ?? []) {
    if (!ents.has(c.issuer)) out.push(`${c.id}: unknown CRL issuer ${c.issuer}`);
    if (c.signer && !ents.has(c.signer)) out.push(`${c.id}: unknown CRL signer ${c.signer}`);
    for (const e of c.entries ?? []) {
      if (!certs.has(e.cert)) out.push(`${c.id}: entry for unknown certificate ${e.cert}`);
      if (e.certificateIssuer && !ents.has(e.certificateIssuer)) out.push(`${c.id}: unknown certificateIssuer ${e.certificateIssuer}`);
    }
  }
  for (const o of s.ocsp ?? []) {
    if (!certs.has(o.cert)) out.push(`${o.id}: unknown certificate ${o.cert}`);
    if (!ents.has(o.signer)) out.push(`${o.id}: unknown signer ${o.signer}`);
    for (const i of o.include ?? []) if (!certs.has(i)) out.push(`${o.id}: unknown included certificate ${i}`);
  }
  const k = s.case;
  if (!certs.has(k.target)) out.push(`case: unknown target ${k.target}`);
  for (const id of k.bag) if (!certs.has(id)) out.push(`case: unknown bag certificate ${id}`);
  if (k.anchors.length === 0) out.push("case: no anchor");
  for (const id of k.anchors) if (!certs.has(id)) out.push(`case: unknown anchor ${id}`);
  for (const id of k.crls ?? []) if (!crls.has(id)) out.push(`case: unknown CRL ${id}`);
  for (const id of k.ocsp ?? []) if (!ocsp.has(id)) out.push(`case: unknown OCSP response ${id}`);
  if (k.bag.includes(k.target)) out.push("case: the target is also in the bag");
  const e = s.expect;
  if (e.valid) {
    if (!e.path || e.path.length < 2) out.push("expect: a valid case names its path (target first, anchor last)");
    else {
      if (e.path[0] !== k.target) out.push("expect: the path starts at the target");
      if (!k.anchors.includes(e.path[e.path.length - 1]!)) out.push("expect: the path ends at one of the anchors");
      for (const id of e.path.slice(1, -1)) if (!k.bag.includes(id)) out.push(`expect: path certificate ${id} is not in the bag`);
    }
    if (e.errorCode) out.push("expect: a valid case has no error code");
  } else {
    if (e.path) out.push("expect: an invalid case has no path");
    if (e.userConstrainedPolicySet.length) out.push("expect: an invalid case has an empty policy set");
  }
  return out;
}
