// CRL profile rules of RFC 5280 section 5 (README "Profiles", second table).
//
// "rfc5280" rules make a CRL unusable in both profiles (the CRL is skipped and the
// certificate's status comes from elsewhere, or stays undetermined). "strict" rules make
// it unusable in the strict profile only; in the default profile a CRL that breaks one is
// still used and each broken rule is reported as a deviation of the certificate whose
// status the CRL gave.
//
// Each rule is one predicate over the parsed CRL and cites the sentence it comes from.
// Not rules here, because no CRL breaking them ever gives a status on its own: 5.2.5's
// "at most one of onlyContainsUserCerts, onlyContainsCACerts and onlyContainsAttributeCerts"
// (any two put every certificate out of the CRL's scope, 6.3.3 (b)(2)), and 5.1.2.3's
// non-empty issuer (a CRL is used only for a certificate whose issuer, or distribution
// point cRLIssuer, it names, so an empty CRL issuer can only serve a CA with an empty
// subject, which the certificate rule "CA-subject-not-empty" of 4.1.2.6 already reports).
import type { Crl } from "../parsing/crl.js";
import { wrongTimeEncoding } from "../validate/profile.js";
import { OID } from "../parsing/oids.js";
import type { Profile } from "../api/types.js";

export interface CrlProfileRule {
  /** Stable identifier, as reported in `deviations[].rule`. */
  readonly id: string;
  /** The RFC sentence's section, e.g. "RFC 5280 5.2.1". */
  readonly section: string;
  /** The profile in which a CRL breaking it is not used (strict also applies every rfc5280 rule). */
  readonly profile: Profile;
  /** What the CRL does wrong, for the status message. */
  readonly what: string;
  /** True when the CRL breaks the rule. */
  readonly broken: (crl: Crl) => boolean;
}

const ext = (crl: Crl, oid: string) => crl.extensions.find((e) => e.oid === oid);
const critical = (crl: Crl, oid: string) => ext(crl, oid)?.critical === true;
const nonCritical = (crl: Crl, oid: string) => ext(crl, oid)?.critical === false;

export const CRL_PROFILE_RULES: readonly CrlProfileRule[] = [
  // ---- rfc5280: the CRL is not used in either profile ----------------------------------
  {
    id: "crl-cRLNumber-present",
    section: "RFC 5280 5.2.3",
    profile: "rfc5280",
    what: "it has no cRLNumber, which a CRL MUST carry",
    broken: (crl) => crl.crlNumber === undefined,
  },
  {
    id: "crl-cRLNumber-non-critical",
    section: "RFC 5280 5.2.3",
    profile: "rfc5280",
    what: "its cRLNumber is marked critical, which it MUST NOT be",
    broken: (crl) => crl.crlNumberCritical === true,
  },

  // ---- strict: not used in strict, a deviation in rfc5280 ------------------------------
  {
    id: "crl-version-2-with-extensions",
    section: "RFC 5280 5.1.2.1",
    profile: "strict",
    what: "it carries extensions, so its version MUST be v2",
    broken: (crl) => (crl.extensions.length > 0 || crl.revoked.entryFacts.extensions) && crl.version !== 2, // the model numbers versions 1, 2
  },
  {
    id: "crl-thisUpdate-encoding",
    section: "RFC 5280 5.1.2.4",
    profile: "strict",
    what: "thisUpdate MUST be UTCTime through 2049 and GeneralizedTime from 2050",
    broken: (crl) => wrongTimeEncoding(crl.thisUpdate, crl.timeEncoding.thisUpdate),
  },
  {
    id: "crl-nextUpdate-present",
    section: "RFC 5280 5.1.2.5",
    profile: "strict",
    what: "it has no nextUpdate, which conforming CRL issuers MUST include",
    broken: (crl) => crl.nextUpdate === undefined,
  },
  {
    id: "crl-nextUpdate-encoding",
    section: "RFC 5280 5.1.2.5",
    profile: "strict",
    what: "nextUpdate MUST be UTCTime through 2049 and GeneralizedTime from 2050",
    broken: (crl) => crl.nextUpdate !== undefined && wrongTimeEncoding(crl.nextUpdate, crl.timeEncoding.nextUpdate!),
  },
  {
    id: "crl-revokedCertificates-absent-when-empty",
    section: "RFC 5280 5.1.2.6",
    profile: "strict",
    what: "revokedCertificates is present but empty (it MUST be absent when nothing is revoked)",
    broken: (crl) => crl.emptyRevokedList,
  },
  {
    id: "crl-authorityKeyIdentifier-present",
    section: "RFC 5280 5.2.1",
    profile: "strict",
    what: "it has no authorityKeyIdentifier, which conforming CRL issuers MUST include",
    broken: (crl) => ext(crl, OID.authorityKeyIdentifier) === undefined,
  },
  {
    id: "crl-authorityKeyIdentifier-keyIdentifier",
    section: "RFC 5280 5.2.1",
    profile: "strict",
    what: "its authorityKeyIdentifier has no keyIdentifier (conforming CRL issuers MUST use the key identifier method)",
    broken: (crl) => ext(crl, OID.authorityKeyIdentifier) !== undefined && !crl.authorityKeyId?.keyId,
  },
  {
    id: "crl-authorityKeyIdentifier-non-critical",
    section: "RFC 5280 4.2.1.1",
    profile: "strict",
    what: "its authorityKeyIdentifier is marked critical (it MUST be non-critical)",
    broken: (crl) => critical(crl, OID.authorityKeyIdentifier),
  },
  {
    id: "crl-deltaCRLIndicator-critical",
    section: "RFC 5280 5.2.4",
    profile: "strict",
    what: "its deltaCRLIndicator is not marked critical (it is a critical CRL extension)",
    broken: (crl) => nonCritical(crl, OID.deltaCRLIndicator),
  },
  {
    id: "crl-issuingDistributionPoint-critical",
    section: "RFC 5280 5.2.5",
    profile: "strict",
    what: "its issuingDistributionPoint is not marked critical (it is a critical CRL extension)",
    broken: (crl) => nonCritical(crl, OID.issuingDistributionPoint),
  },
  {
    id: "crl-issuingDistributionPoint-not-empty",
    section: "RFC 5280 5.2.5",
    profile: "strict",
    what: "its issuingDistributionPoint is an empty sequence (conforming CRL issuers MUST NOT issue one)",
    broken: (crl) => {
      const idp = crl.issuingDistributionPoint;
      return !!idp && !idp.name && !idp.onlyUserCerts && !idp.onlyCACerts && idp.onlySomeReasons === undefined && !idp.indirectCRL && !idp.onlyAttributeCerts;
    },
  },
  {
    id: "crl-freshestCRL-non-critical",
    section: "RFC 5280 5.2.6",
    profile: "strict",
    what: "its freshestCRL is marked critical (it MUST be non-critical)",
    broken: (crl) => critical(crl, OID.freshestCRL),
  },
  {
    id: "crl-freshestCRL-not-in-delta",
    section: "RFC 5280 5.2.6",
    profile: "strict",
    what: "it is a delta CRL carrying freshestCRL, which MUST NOT appear in delta CRLs",
    broken: (crl) => crl.deltaBase !== undefined && ext(crl, OID.freshestCRL) !== undefined,
  },
  {
    id: "crl-authorityInfoAccess-non-critical",
    section: "RFC 5280 5.2.7",
    profile: "strict",
    what: "its authorityInfoAccess is marked critical (it MUST be non-critical)",
    broken: (crl) => critical(crl, OID.authorityInfoAccess),
  },
  {
    id: "crl-entry-reasonCode-non-critical",
    section: "RFC 5280 5.3.1",
    profile: "strict",
    what: "an entry's reasonCode is marked critical (it is a non-critical CRL entry extension)",
    broken: (crl) => crl.revoked.entryFacts.criticalReasonCode,
  },
  {
    id: "crl-entry-invalidityDate-non-critical",
    section: "RFC 5280 5.3.2",
    profile: "strict",
    what: "an entry's invalidityDate is marked critical (it is a non-critical CRL entry extension)",
    broken: (crl) => crl.revoked.entryFacts.criticalInvalidityDate,
  },
  {
    id: "crl-entry-certificateIssuer-critical",
    section: "RFC 5280 5.3.3",
    profile: "strict",
    what: "an entry's certificateIssuer is not marked critical (CRL issuers MUST mark it critical)",
    broken: (crl) => crl.revoked.entryFacts.nonCriticalCertificateIssuer,
  },
];

/** Answers of brokenCrlRules by CRL (parsed CRLs are cached across calls). */
const answers = new WeakMap<Crl, readonly CrlProfileRule[]>();

/** The rules `crl` breaks, in table order. */
export function brokenCrlRules(crl: Crl): readonly CrlProfileRule[] {
  let out = answers.get(crl);
  if (!out) answers.set(crl, (out = Object.freeze(CRL_PROFILE_RULES.filter((r) => r.broken(crl)))));
  return out;
}

/** Why `crl` may not be used in `profile` (the first rule it breaks that the profile enforces), or undefined. */
export function crlProfileRefusal(crl: Crl, profile: Profile): string | undefined {
  const r = brokenCrlRules(crl).find((x) => x.profile === "rfc5280" || profile === "strict");
  if (!r) return undefined;
  return `${r.what} (${r.section}${r.profile === "strict" ? "; strict profile" : ""})`;
}

/** The strict rules `crl` breaks, reported as deviations when the default profile uses it anyway. */
export function crlDeviations(crl: Crl): readonly CrlProfileRule[] {
  return brokenCrlRules(crl).filter((r) => r.profile === "strict");
}
