// Certificate status from CRLs: the algorithm of RFC 5280 6.3.3, with delta CRLs
// (5.2.4), issuingDistributionPoint scopes (5.2.5), reason coverage, indirect CRLs
// (5.3.3) and CRL signers validated by a path of their own (6.3.3 (f)).
import type { Certificate, DistributionPoint, DistributionPointName } from "../parsing/certificate.js";
import { ALL_REASONS, KU, sameAlgorithm } from "../parsing/certificate.js";
import type { Crl, CrlEntry } from "../parsing/crl.js";
import { REASON_NAMES } from "../parsing/crl.js";
import { MalformedError } from "../parsing/errors.js";
import { dnFromRdns, type DistinguishedName, type GeneralName, type Rdn } from "../parsing/name.js";
import type { SignatureVerifier, VerificationKey } from "../crypto/verifier.js";
import type { Profile } from "../api/types.js";
import { crlDeviations, crlProfileRefusal } from "./crl-profile.js";

export type CertStatus = "good" | "revoked" | "unknown";

export interface StatusAnswer {
  readonly status: CertStatus;
  /** The CRL(s) that gave the answer, or why none could. */
  readonly source: string;
  readonly revocationTime?: Date;
  readonly reason?: string;
  /** Strict CRL rules broken by the CRLs that gave the answer (default profile: used anyway). */
  readonly deviations?: readonly CrlDeviation[];
  /** The step of the algorithm that gave a "revoked" answer, e.g. "RFC 5280 6.3.3 (i)" (the entry was on the delta CRL). */
  readonly citation?: string;
}

/** A strict CRL profile rule (crl-profile.ts) broken by a CRL the answer relied on. */
export interface CrlDeviation {
  readonly rule: string;
  readonly section: string;
  /** The CRL, as `describe` names it. */
  readonly crl: string;
}

/** What the caller knows about the certificate whose status is wanted. */
export interface StatusSubject {
  readonly cert: Certificate;
  /** The key that verified `cert` on the validated path. */
  readonly issuerKey: VerificationKey;
  /** The issuer's certificate on the path (or the anchor's certificate), for the cRLSign check. */
  readonly issuerCert?: Certificate;
}

/** A validated signer for a CRL whose key is not the certificate issuer's (6.3.3 (f)). */
export interface CrlSigner {
  readonly key: VerificationKey;
  readonly label: string;
}

export interface CrlContext {
  readonly crls: readonly Crl[];
  readonly time: Date;
  readonly verifier: SignatureVerifier;
  /** Which CRL profile rules make a CRL unusable (crl-profile.ts); default "rfc5280". */
  readonly profile?: Profile;
  /**
   * Finds a certificate named `crl.issuer` that signed `crl`, validates its path to the
   * same trust anchor (and its own status), and returns its key. Undefined when none.
   */
  findSigner(crl: Crl): CrlSigner | undefined;
}

/** RFC 5280 5.3.1 reasonCode 8: removeFromCRL undoes a hold in a delta CRL. */
const REMOVE_FROM_CRL = 8;

function reasonName(r: number | undefined): string {
  return r === undefined ? "unspecified" : (REASON_NAMES[r] ?? `reason ${r}`);
}

function dirNames(names: readonly GeneralName[] | undefined): DistinguishedName[] {
  return (names ?? []).flatMap((n) => (n.kind === "directoryName" ? [n.name] : []));
}

/** A distribution point name as full names; a relative name is appended to the CRL issuer's name (RFC 5280 4.2.1.13). */
function fullNames(dpn: DistributionPointName, crlIssuers: readonly DistinguishedName[]): string[] {
  if (dpn.fullName)
    return dpn.fullName.map((n) => (n.kind === "directoryName" ? `dn:${n.name.key}` : n.kind === "iPAddress" ? `ip:${Buffer.from(n.bytes).toString("hex")}` : `${n.kind}:${"value" in n ? n.value : ""}`));
  const rel = dpn.relativeName as Rdn | undefined;
  if (!rel) return [];
  return crlIssuers.map((i) => `dn:${dnFromRdns([...i.rdns, rel]).key}`);
}

function intersects(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.includes(x));
}

function sameIdp(a: Crl, b: Crl): boolean {
  const ja = JSON.stringify(a.issuingDistributionPoint ?? null, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v));
  const jb = JSON.stringify(b.issuingDistributionPoint ?? null, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v));
  return ja === jb;
}

function describe(crl: Crl): string {
  return `CRL ${crl.what} issued by ${crl.issuer.text} (thisUpdate ${crl.thisUpdate.toISOString()}${crl.crlNumber !== undefined ? `, number ${crl.crlNumber}` : ""})`;
}

/**
 * RFC 5280 5.3.3: the entry for `cert`, if any, matching issuer and serial number. A CRL
 * that lists the certificate more than once (nothing in section 5 forbids it) revokes it if
 * any of those entries does: revokedCertificates has no order, so a removeFromCRL entry
 * (5.3.1) never hides a revoking entry of the same certificate, whichever comes first.
 */
function findEntry(crl: Crl, cert: Certificate): CrlEntry | undefined {
  // An O(1) probe of the CRL's serial index; only the entries found are decoded.
  let removal: CrlEntry | undefined;
  for (const e of crl.revoked.find(cert.serial)) {
    const issuers = e.certificateIssuer === "crl-issuer" ? [crl.issuer] : dirNames(e.certificateIssuer);
    if (!issuers.some((n) => n.key === cert.issuer.key)) continue;
    if (e.reason !== REMOVE_FROM_CRL) return e;
    removal ??= e;
  }
  return removal;
}

/** Is `crl` fresh at `time` (RFC 5280 6.3.3 (a)(1), 5.1.2.4, 5.1.2.5)? */
function fresh(crl: Crl, time: Date): boolean {
  return crl.thisUpdate <= time && (!crl.nextUpdate || time <= crl.nextUpdate);
}

/** RFC 5280 6.3.3 (b): does the complete CRL's issuer and scope cover `cert` through `dp`? */
function inScope(crl: Crl, cert: Certificate, dp: DistributionPoint): string | undefined {
  const idp = crl.issuingDistributionPoint;
  // (b)(1) the issuer: the DP's cRLIssuer with an indirect CRL, or the certificate issuer.
  const dpIssuers = dirNames(dp.crlIssuer);
  if (dp.crlIssuer) {
    if (!dpIssuers.some((n) => n.key === crl.issuer.key)) return "its issuer is not the distribution point's cRLIssuer (RFC 5280 6.3.3 (b)(1))";
    if (!idp?.indirectCRL) return "the distribution point names a cRLIssuer but the CRL is not indirect (RFC 5280 6.3.3 (b)(1))";
  } else if (crl.issuer.key !== cert.issuer.key) {
    // Without a cRLIssuer in the distribution point, only the certificate issuer's own CRLs apply.
    return "its issuer is not the certificate's issuer (RFC 5280 6.3.3 (b)(1))";
  }
  if (!idp) return undefined;
  // (b)(2)(i) distribution point names.
  if (idp.name) {
    const idpNames = fullNames(idp.name, [crl.issuer]);
    if (dp.name) {
      const names = fullNames(dp.name, dp.crlIssuer ? dpIssuers : [cert.issuer]);
      if (!intersects(idpNames, names)) return "its issuingDistributionPoint name matches no distribution point name of the certificate (RFC 5280 6.3.3 (b)(2)(i))";
    } else {
      const issuers = (dp.crlIssuer ? dpIssuers : [cert.issuer]).map((n) => `dn:${n.key}`);
      if (!intersects(idpNames, issuers)) return "its issuingDistributionPoint name matches neither a distribution point nor the cRLIssuer (RFC 5280 6.3.3 (b)(2)(i))";
    }
  }
  // (b)(2)(ii)-(iv) the kinds of certificate the CRL covers.
  const isCA = !!cert.basicConstraints?.cA;
  if (idp.onlyUserCerts && isCA) return "it only covers end-entity certificates (onlyContainsUserCerts) (RFC 5280 6.3.3 (b)(2)(ii))";
  if (idp.onlyCACerts && !isCA) return "it only covers CA certificates (onlyContainsCACerts) (RFC 5280 6.3.3 (b)(2)(iii))";
  if (idp.onlyAttributeCerts) return "it only covers attribute certificates (onlyContainsAttributeCerts) (RFC 5280 6.3.3 (b)(2)(iv))";
  return undefined;
}

/**
 * The status of one certificate from the CRLs at hand (RFC 5280 6.3.3).
 * "unknown" means UNDETERMINED: no usable CRL, or the usable ones do not cover every reason.
 */
export function crlStatus(subject: StatusSubject, ctx: CrlContext): StatusAnswer {
  const { cert } = subject;
  const { time } = ctx;
  // Without cRLDistributionPoints, the certificate issuer's own CRLs apply.
  const dps: readonly DistributionPoint[] = cert.crlDistributionPoints?.length ? cert.crlDistributionPoints : [{}];
  let reasonsMask = 0;
  const used: string[] = [];
  const rejected: string[] = [];
  const completes = ctx.crls.filter((c) => c.deltaBase === undefined);
  const deltas = ctx.crls.filter((c) => c.deltaBase !== undefined);
  const profile = ctx.profile ?? "rfc5280";
  const deviations: CrlDeviation[] = [];
  const noteDeviations = (c: Crl) => {
    for (const r of crlDeviations(c)) deviations.push({ rule: r.id, section: r.section, crl: describe(c) });
  };

  for (const dp of dps) {
    for (const crl of completes) {
      if (reasonsMask === ALL_REASONS) break;
      const why = inScope(crl, cert, dp);
      if (why) {
        if (crl.issuer.key === cert.issuer.key || dirNames(dp.crlIssuer).some((n) => n.key === crl.issuer.key)) rejected.push(`${describe(crl)}: ${why}`);
        continue;
      }
      // RFC 5280 5.2, 5.3: a CRL with an unprocessed critical (entry) extension is not used,
      // for any certificate; the message cites the section of the kind it carries.
      if (crl.unknownCriticalExtensions.length) {
        rejected.push(`${describe(crl)}: unrecognised critical extension ${crl.unknownCriticalExtensions.join(", ")} (RFC 5280 5.2)`);
        continue;
      }
      if (crl.revoked.unknownCriticalEntryExtensions.length) {
        rejected.push(`${describe(crl)}: unrecognised critical CRL entry extension ${crl.revoked.unknownCriticalEntryExtensions.join(", ")} (RFC 5280 5.3)`);
        continue;
      }
      // RFC 5280 section 5 profile rules (crl-profile.ts): e.g. 5.2.3, a CRL without a
      // non-critical cRLNumber cannot be ordered against others of its issuer and is not used.
      const refusal = crlProfileRefusal(crl, profile);
      if (refusal) {
        rejected.push(`${describe(crl)}: ${refusal}`);
        continue;
      }
      // RFC 5280 5.1.1.2: signatureAlgorithm must equal tbsCertList.signature.
      if (!sameAlgorithm(crl.signatureAlgorithm, crl.tbsSignatureAlgorithm)) {
        rejected.push(`${describe(crl)}: signatureAlgorithm differs from tbsCertList.signature (RFC 5280 5.1.1.2)`);
        continue;
      }
      // (a)(1) the CRL must be current.
      if (!fresh(crl, time)) {
        rejected.push(`${describe(crl)}: not current at ${time.toISOString()} (nextUpdate ${crl.nextUpdate?.toISOString() ?? "absent"}) (RFC 5280 6.3.3 (a))`);
        continue;
      }
      // (d) interim reasons mask; (e) it must add reasons not yet covered.
      const idpReasons = crl.issuingDistributionPoint?.onlySomeReasons;
      const interim = (idpReasons ?? ALL_REASONS) & (dp.reasons ?? ALL_REASONS) & ALL_REASONS;
      if ((interim & ~reasonsMask) === 0) continue;
      // (f), (g) a validated signer and the CRL's signature.
      const signer = crlSigner(crl, subject, ctx);
      if (typeof signer === "string") {
        rejected.push(`${describe(crl)}: ${signer}`);
        continue;
      }
      // (c), (h) delta CRLs of the same issuer and scope, signed by the same key.
      const delta = pickDelta(crl, deltas, signer, ctx);
      if (delta === "stale") {
        rejected.push(`${describe(crl)}: its delta CRL is not current (RFC 5280 6.3.3 (c))`);
        continue;
      }
      // (i) the delta first, then (j) the complete CRL; (k) removeFromCRL means unrevoked.
      let entry: CrlEntry | undefined;
      let from = crl;
      try {
        const inDelta = delta ? findEntry(delta, cert) : undefined;
        entry = inDelta ?? findEntry(crl, cert);
        if (inDelta) from = delta!;
      } catch (e) {
        // An entry's extensions are decoded when it is found: a malformed one makes the CRL unusable.
        if (!(e instanceof MalformedError)) throw e;
        rejected.push(`${describe(crl)}: ${e.message}`);
        continue;
      }
      used.push(describe(crl) + (delta ? ` with delta ${describe(delta)}` : ""));
      noteDeviations(crl);
      if (delta) noteDeviations(delta);
      if (entry && entry.reason !== REMOVE_FROM_CRL) {
        // (i) the entry is on the delta CRL, (j) on the complete CRL.
        const citation = from === crl ? "RFC 5280 6.3.3 (j)" : "RFC 5280 6.3.3 (i)";
        return { status: "revoked", source: describe(from), revocationTime: entry.revocationDate, reason: reasonName(entry.reason), deviations, citation };
      }
      // (l)
      reasonsMask |= interim;
    }
  }
  if (reasonsMask === ALL_REASONS) return { status: "good", source: used.join("; "), deviations };
  const detail = [
    used.length ? `usable CRLs cover only some reasons (${used.join("; ")})` : "no usable CRL",
    ...rejected,
  ].join("; ");
  return { status: "unknown", source: detail };
}

/** RFC 5280 6.3.3 (f), (g): the key that signed the complete CRL, validated. A string says why none. */
function crlSigner(crl: Crl, subject: StatusSubject, ctx: CrlContext): CrlSigner | string {
  const { cert, issuerKey, issuerCert } = subject;
  // The certificate's own issuer signed it: its path is the prefix already validated.
  if (crl.issuer.key === cert.issuer.key) {
    const r = ctx.verifier.verify(crl, issuerKey);
    if (r.ok) {
      if (issuerCert?.keyUsage !== undefined && !(issuerCert.keyUsage & (1 << KU.cRLSign)))
        return "its issuer's certificate does not assert cRLSign (RFC 5280 6.3.3 (f))";
      return { key: issuerKey, label: cert.issuer.text };
    }
  }
  // Another certificate of the CRL issuer (a separate CRL key, an indirect CRL issuer).
  return ctx.findSigner(crl) ?? "no certificate of its issuer both signed it and validates to the same trust anchor (RFC 5280 6.3.3 (f), (g))";
}

/** RFC 5280 5.2.4, 6.3.3 (c): the newest usable delta for `base`, "stale" if only stale ones exist. */
function pickDelta(base: Crl, deltas: readonly Crl[], signer: CrlSigner, ctx: CrlContext): Crl | undefined | "stale" {
  let best: Crl | undefined;
  let sawStale = false;
  for (const d of deltas) {
    if (d.issuer.key !== base.issuer.key || !sameIdp(d, base)) continue;
    if (d.unknownCriticalExtensions.length || crlProfileRefusal(d, ctx.profile ?? "rfc5280")) continue;
    // The complete CRL must be at least as new as the delta's base (5.2.4).
    if (base.crlNumber === undefined || d.deltaBase! > base.crlNumber) continue;
    if (d.crlNumber !== undefined && d.crlNumber <= base.crlNumber) continue;
    if (base.authorityKeyId?.keyId && d.authorityKeyId?.keyId && base.authorityKeyId.keyId !== d.authorityKeyId.keyId) continue;
    if (!ctx.verifier.verify(d, signer.key).ok) continue;
    if (!fresh(d, ctx.time)) {
      sawStale = true;
      continue;
    }
    if (!best || (d.crlNumber ?? 0n) > (best.crlNumber ?? 0n)) best = d;
  }
  return best ?? (sawStale ? "stale" : undefined);
}
