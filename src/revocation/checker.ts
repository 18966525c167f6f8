// The revocation checker of one call (RFC 5280 6.3, RFC 6960): the status of every
// certificate of a validated path, from the CRLs and OCSP responses at hand, in the
// caller's order of preference. Where a CRL is signed by a key other than the
// certificate issuer's (RFC 5280 6.3.3 (f)), the signer's own path is validated through an
// injected hook, so this layer never runs a path search itself.
import { KU, certLabel, type Certificate } from "../parsing/certificate.js";
import type { Crl } from "../parsing/crl.js";
import type { DistinguishedName } from "../parsing/name.js";
import type { OcspResponseModel } from "../parsing/ocsp.js";
import { needsInheritedParams, type SignatureVerifier, type VerificationKey } from "../crypto/verifier.js";
import type { TrustAnchor } from "../stores/trust-anchors.js";
import { crlStatus, type CrlContext, type CrlSigner, type StatusAnswer, type StatusSubject } from "./crl-status.js";
import { ocspStatus, type OcspContext } from "./ocsp-status.js";
import type { Deviation, Profile } from "../api/types.js";

/** How deep CRL-signer paths may nest (a CRL signer whose CRL has its own signer, ...). */
export const MAX_CRL_SIGNER_DEPTH = 3;

export type RevocationMode = "none" | "soft" | "hard";
export type RevocationPreference = "ocsp-first" | "crl-first" | "ocsp-only" | "crl-only";

export interface RevocationSettings {
  readonly mode: RevocationMode;
  readonly preference: RevocationPreference;
  readonly time: Date;
  readonly clockSkewMs: number;
  readonly ocspMaxAgeMs: number;
  /** Which CRL profile rules make a CRL unusable (crl-profile.ts); default "rfc5280". */
  readonly profile?: Profile;
}

/** The status of one path certificate, as the result reports it. */
export interface PathStatus {
  certIndex: number;
  status: "good" | "revoked" | "unknown" | "not-checked";
  source?: string;
  revocationTime?: Date;
  reason?: string;
}

export interface RevocationFailure {
  readonly code: "REVOKED" | "REVOCATION_UNKNOWN";
  readonly certIndex: number;
  readonly message: string;
}

export interface PathRevocation {
  readonly statuses: PathStatus[];
  readonly warnings: string[];
  /** Strict CRL profile rules broken by CRLs that gave a status (default profile only). */
  readonly deviations: Deviation[];
  readonly failure?: RevocationFailure;
}

/** A validated path as the checker sees it: certificates target first, the anchor, and the key that verified each. */
export interface CheckedPath {
  readonly certs: readonly Certificate[];
  readonly anchor: TrustAnchor;
  readonly issuerKeys: readonly VerificationKey[];
}

/**
 * The hook: validate `candidate` as a CRL signer on a path of its own to `anchor`
 * (its status checked in turn, one level deeper), and return its working key.
 */
export type SignerValidation = (candidate: Certificate, anchor: TrustAnchor, depth: number) => VerificationKey | undefined;

/** The revocation material of a call; it grows when the online retriever brings more. */
export interface RevocationMaterial {
  readonly crls: readonly Crl[];
  readonly ocsp: readonly OcspResponseModel[];
  /** Nonces sent with online OCSP requests, by the SHA-256 of the response they got. */
  readonly sentNonces: ReadonlyMap<string, string>;
  /** Certificates named `name` that might have signed a CRL (the call's untrusted certificates). */
  candidates(name: DistinguishedName): readonly Certificate[];
}

export class RevocationChecker {
  private readonly signerCache = new Map<string, CrlSigner | null>();
  /** Certificates whose status is being determined up the stack (RFC 4158 8.2 loop guard). */
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly s: RevocationSettings,
    private readonly material: RevocationMaterial,
    private readonly verifier: SignatureVerifier,
    private readonly validateSigner: SignerValidation,
  ) {}

  /** New material arrived: CRL-signer answers found before may change. */
  materialChanged(): void {
    this.signerCache.clear();
  }

  /** RFC 5280 6.1.3 (a)(3): the status of every certificate on a validated path. */
  check(path: CheckedPath, depth: number): PathRevocation {
    const statuses: PathStatus[] = [];
    const warnings: string[] = [];
    const deviations: Deviation[] = [];
    const mode = this.s.mode;
    if (mode === "none") return { statuses, warnings, deviations };
    const { certs, anchor, issuerKeys } = path;
    const crlCtx: CrlContext = {
      crls: this.material.crls,
      time: this.s.time,
      verifier: this.verifier,
      profile: this.s.profile,
      findSigner: (crl) => this.findCrlSigner(crl, anchor, depth),
    };
    const ocspCtx: OcspContext = {
      responses: this.material.ocsp,
      time: this.s.time,
      verifier: this.verifier,
      skewMs: this.s.clockSkewMs,
      maxAgeMs: this.s.ocspMaxAgeMs,
      sentNonces: this.material.sentNonces,
      responderStatus: (r, issuerKey) => crlStatus({ cert: r, issuerKey }, crlCtx).status,
    };
    const byIndex = () => statuses.sort((a, b) => a.certIndex - b.certIndex);
    // From the anchor down, so the first failure reported is the one nearest the anchor.
    for (let k = certs.length - 1; k >= 0; k--) {
      const cert = certs[k]!;
      this.inProgress.add(cert.sha256);
      let ans;
      try {
        const subject = { cert, issuerKey: issuerKeys[k]!, issuerCert: certs[k + 1] ?? anchor.cert };
        ans = certificateStatus(subject, this.s.preference, crlCtx, ocspCtx);
      } finally {
        this.inProgress.delete(cert.sha256);
      }
      statuses.push({ certIndex: k, status: ans.status, source: ans.source, revocationTime: ans.revocationTime, reason: ans.reason });
      for (const d of ans.deviations ?? [])
        if (!deviations.some((x) => x.certIndex === k && x.rule === d.rule && x.crl === d.crl)) deviations.push({ certIndex: k, rule: d.rule, section: d.section, crl: d.crl });
      const who = `certificate #${k} (${certLabel(cert)})`;
      if (ans.status === "revoked") {
        return {
          statuses: byIndex(),
          warnings,
          deviations,
          failure: { code: "REVOKED", certIndex: k, message: `${who}: revoked at ${ans.revocationTime?.toISOString()} (${ans.reason}) per ${ans.source} (${ans.citation ?? (ans.source.startsWith("OCSP") ? "RFC 6960 2.2" : "RFC 5280 6.3.3 (j)")})` },
        };
      }
      if (ans.status === "unknown") {
        if (mode === "hard")
          return { statuses: byIndex(), warnings, deviations, failure: { code: "REVOCATION_UNKNOWN", certIndex: k, message: `${who}: revocation status undetermined: ${ans.source} (RFC 5280 6.3.3 (k), RFC 6960 2.2)` } };
        warnings.push(`${who}: revocation status unknown (soft mode passes it): ${ans.source}`);
      }
    }
    // From the anchor down, as the certificate rules' deviations are listed.
    return { statuses: byIndex(), warnings, deviations };
  }

  /**
   * RFC 5280 6.3.3 (f): a certificate of the CRL issuer that signed `crl`, validated on a
   * path to the same trust anchor (through the hook), with its own status checked in turn.
   */
  private findCrlSigner(crl: Crl, anchor: TrustAnchor, depth: number): CrlSigner | undefined {
    const cacheKey = `${crl.sha256}|${anchor.label}`;
    const cached = this.signerCache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    let found: CrlSigner | undefined;
    let skippedInProgress = false;
    // The anchor itself, when it is named as the CRL issuer.
    if (anchor.subject.key === crl.issuer.key && this.verifier.verify(crl, anchor.publicKey).ok) {
      const ku = anchor.cert?.keyUsage;
      if (ku === undefined || ku & (1 << KU.cRLSign)) found = { key: anchor.publicKey, label: `trust anchor ${anchor.subject.text}` };
    }
    if (!found && depth < MAX_CRL_SIGNER_DEPTH) {
      const akid = crl.authorityKeyId?.keyId;
      const candidates = [...this.material.candidates(crl.issuer)].sort(
        (a, b) => Number(!!akid && b.subjectKeyId === akid) - Number(!!akid && a.subjectKeyId === akid),
      );
      for (const c of candidates) {
        if (c.keyUsage !== undefined && !(c.keyUsage & (1 << KU.cRLSign))) continue;
        if (this.inProgress.has(c.sha256)) {
          // The CRL covers its own signer (an indirect CRL issuer listing its own
          // certificate, PKITS 4.14.30): the signer's path is being validated further up
          // the stack, so its key is accepted here and its entry on this CRL still counts.
          skippedInProgress = true;
          if (!needsInheritedParams(c.publicKey) && this.verifier.verify(crl, c.publicKey).ok) {
            found = { key: c.publicKey, label: `${certLabel(c)} (signer of a CRL covering itself)` };
            break;
          }
          continue;
        }
        // Cheap test first: does this key sign the CRL at all? (DSA keys needing inherited
        // parameters can only be tried once their path is known.)
        if (!needsInheritedParams(c.publicKey) && !this.verifier.verify(crl, c.publicKey).ok) continue;
        this.inProgress.add(c.sha256);
        let key: VerificationKey | undefined;
        try {
          key = this.validateSigner(c, anchor, depth + 1);
        } finally {
          this.inProgress.delete(c.sha256);
        }
        if (key && this.verifier.verify(crl, key).ok) {
          found = { key, label: `${certLabel(c)} (validated CRL signer)` };
          break;
        }
      }
    }
    // An answer shaped by the loop guard holds only for this point of the recursion.
    if (!skippedInProgress) this.signerCache.set(cacheKey, found ?? null);
    return found;
  }
}

/** One certificate's status from CRLs and OCSP in the caller's order of preference. */
function certificateStatus(subject: StatusSubject, prefer: RevocationPreference, crlCtx: CrlContext, ocspCtx: OcspContext): StatusAnswer {
  const order: ("crl" | "ocsp")[] =
    prefer === "crl-first" ? ["crl", "ocsp"] : prefer === "ocsp-first" ? ["ocsp", "crl"] : prefer === "crl-only" ? ["crl"] : ["ocsp"];
  const unknown: string[] = [];
  for (const how of order) {
    const ans = how === "crl" ? crlStatus(subject, crlCtx) : ocspStatus(subject, ocspCtx);
    if (ans.status !== "unknown") return ans;
    unknown.push(`${how.toUpperCase()}: ${ans.source}`);
  }
  return { status: "unknown", source: unknown.join(" | ") };
}
