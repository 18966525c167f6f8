// The library door of the contract: `verify(options)`. It parses the inputs once,
// then lets the path builder propose candidates, validates each (RFC 5280 6.1),
// checks revocation (RFC 5280 6.3), and backtracks until one passes or the budget ends.
import { KU, certLabel, parseCertificates, type Certificate } from "../parsing/certificate.js";
import { parseCrls, type Crl } from "../parsing/crl.js";
import { MalformedError } from "../parsing/errors.js";
import { buildOcspRequest, parseOcspResponse, type OcspResponseModel } from "../parsing/ocsp.js";
import { parseTrustAnchors, type ParsedAnchor } from "../parsing/trust-anchor.js";
import { effectiveKey, needsInheritedParams, type VerificationKey } from "../crypto/verifier.js";
import { MemoryIssuerSource, type AsyncIssuerSource } from "../stores/issuer-source.js";
import { anchorFromParsed, TrustAnchorStore, type TrustAnchor } from "../stores/trust-anchors.js";
import { AiaIssuerSource, OnlineRetriever, crlUrls, ocspUrls, type OcspOutgoing } from "../stores/online.js";
import { Budget, asBudgetError, type BudgetExceededError } from "../build/budget.js";
import { PathBuilder, type CandidatePath } from "../build/path-builder.js";
import { validatePath, DEFAULT_POLICY_INPUTS, type PathFailure, type PolicyInputs } from "../validate/path-validator.js";
import { crlStatus, type CrlContext, type CrlSigner, type StatusAnswer, type StatusSubject } from "../revocation/crl-status.js";
import { ocspStatus, type OcspContext } from "../revocation/ocsp-status.js";
import { coerceOptions, type CallSettings } from "./options.js";
import type { CandidateReport, CertificateStatus, RevocationPreference, VerifyError, VerifyOptions, VerifyResult } from "./types.js";

/** How deep CRL-signer paths may nest (a CRL signer whose CRL has its own signer, ...). */
const MAX_CRL_SIGNER_DEPTH = 3;

interface Tried {
  readonly cand: CandidatePath;
  readonly failure: PathFailure;
  /** Statuses found before a revocation failure (none for a validation failure). */
  readonly statuses?: CertificateStatus[];
}

interface Found {
  readonly cand: CandidatePath;
  readonly policies: readonly string[];
  readonly statuses: CertificateStatus[];
  readonly warnings: string[];
}

interface SearchResult {
  readonly found: Found | undefined;
  readonly tried: Tried[];
  readonly builder: PathBuilder;
}

/** State shared by the main path search and the CRL-signer searches of one call. */
class Call {
  readonly bag: MemoryIssuerSource;
  private readonly signerCache = new Map<string, CrlSigner | null>();
  /** Certificates whose status is being determined up the stack (RFC 4158 8.2 loop guard). */
  private readonly inProgress = new Set<string>();

  readonly crls: Crl[];
  readonly ocsp: OcspResponseModel[];
  /** Nonces sent with online OCSP requests, by the SHA-256 of the response they got. */
  readonly sentNonces = new Map<string, string>();
  main: SearchResult | undefined;

  constructor(
    readonly s: CallSettings,
    crls: readonly Crl[],
    ocsp: readonly OcspResponseModel[],
    intermediates: readonly Certificate[],
    readonly budget: Budget,
  ) {
    this.bag = new MemoryIssuerSource(intermediates);
    this.crls = [...crls];
    this.ocsp = [...ocsp];
  }

  /** Adds fetched certificates and CRLs; answers cached from before may change. */
  addMaterial(certs: readonly Certificate[], crls: readonly Crl[], ocsp: readonly { response: OcspResponseModel; nonce?: string }[] = []): void {
    for (const c of certs) this.bag.add(c);
    for (const o of ocsp) {
      this.ocsp.push(o.response);
      if (o.nonce) this.sentNonces.set(o.response.sha256, o.nonce);
    }
    const known = new Set(this.crls.map((c) => c.sha256));
    for (const c of crls) if (!known.has(c.sha256)) this.crls.push(c);
    this.signerCache.clear();
  }

  /** Searches paths for `target` to `anchors`; returns the first that validates, plus what failed. */
  search(target: Certificate, anchors: TrustAnchorStore, policy: PolicyInputs, eku: readonly string[], depth: number): SearchResult {
    const builder = new PathBuilder({ target, sources: [this.bag, ...this.s.issuerSources], anchors, time: this.s.time, budget: this.budget });
    const tried: Tried[] = [];
    // The main search's progress stays readable if a budget error cuts it short.
    if (depth === 0) this.main = { found: undefined, tried, builder };
    for (const cand of builder.paths()) {
      const out = validatePath({
        certs: cand.certs,
        anchor: cand.anchor,
        time: this.s.time,
        policy,
        extendedKeyUsage: eku,
        enforceAnchorConstraints: this.s.enforceAnchorConstraints,
        verifier: this.budget.verifier,
      });
      if (!out.ok) {
        tried.push({ cand, failure: out.failure! });
        continue;
      }
      const rev = this.revocation(cand, out.issuerKeys, depth);
      if (rev.failure) {
        tried.push({ cand, failure: rev.failure, statuses: rev.statuses });
        continue;
      }
      const result = { found: { cand, policies: out.policies, statuses: rev.statuses, warnings: rev.warnings }, tried, builder };
      if (depth === 0) this.main = result;
      return result;
    }
    return { found: undefined, tried, builder };
  }

  /** RFC 5280 6.1.3 (a)(3): the status of every certificate on a validated path. */
  private revocation(cand: CandidatePath, issuerKeys: readonly VerificationKey[], depth: number) {
    const statuses: CertificateStatus[] = [];
    const warnings: string[] = [];
    const mode = this.s.revocationMode;
    if (mode === "none") return { statuses, warnings };
    const certs = cand.certs;
    const crlCtx: CrlContext = {
      crls: this.crls,
      time: this.s.time,
      verifier: this.budget.verifier,
      findSigner: (crl) => this.findCrlSigner(crl, cand.anchor, depth),
    };
    const ocspCtx: OcspContext = {
      responses: this.ocsp,
      time: this.s.time,
      verifier: this.budget.verifier,
      skewMs: this.s.clockSkewMs,
      maxAgeMs: this.s.ocspMaxAgeMs,
      sentNonces: this.sentNonces,
      responderStatus: (r, issuerKey) => crlStatus({ cert: r, issuerKey }, crlCtx).status,
    };
    const byIndex = () => statuses.sort((a, b) => a.certIndex - b.certIndex);
    // From the anchor down, so the first failure reported is the one nearest the anchor.
    for (let k = certs.length - 1; k >= 0; k--) {
      const cert = certs[k]!;
      this.inProgress.add(cert.sha256);
      let ans;
      try {
        const subject = { cert, issuerKey: issuerKeys[k]!, issuerCert: certs[k + 1] ?? cand.anchor.cert };
        ans = certificateStatus(subject, this.s.revocationPreference, crlCtx, ocspCtx);
      } finally {
        this.inProgress.delete(cert.sha256);
      }
      statuses.push({ certIndex: k, status: ans.status, source: ans.source, revocationTime: ans.revocationTime, reason: ans.reason });
      const who = `certificate #${k} (${certLabel(cert)})`;
      if (ans.status === "revoked") {
        return {
          statuses: byIndex(),
          warnings,
          failure: { code: "REVOKED" as const, certIndex: k, message: `${who}: revoked at ${ans.revocationTime?.toISOString()} (${ans.reason}) per ${ans.source} (${ans.source.startsWith("OCSP") ? "RFC 6960 2.2" : "RFC 5280 6.3.3 (j)"})` },
        };
      }
      if (ans.status === "unknown") {
        if (mode === "hard")
          return { statuses: byIndex(), warnings, failure: { code: "REVOCATION_UNKNOWN" as const, certIndex: k, message: `${who}: revocation status undetermined: ${ans.source} (RFC 5280 6.3.3 (k), RFC 6960 2.2)` } };
        warnings.push(`${who}: revocation status unknown (soft mode passes it): ${ans.source}`);
      }
    }
    return { statuses: byIndex(), warnings };
  }

  /**
   * RFC 5280 6.3.3 (f): a certificate of the CRL issuer that signed `crl`, validated on a
   * path to the same trust anchor, with its own status checked in turn.
   */
  private findCrlSigner(crl: Crl, anchor: TrustAnchor, depth: number): CrlSigner | undefined {
    const cacheKey = `${crl.sha256}|${anchor.label}`;
    const cached = this.signerCache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    let found: CrlSigner | undefined;
    let skippedInProgress = false;
    // The anchor itself, when it is named as the CRL issuer.
    if (anchor.subject.key === crl.issuer.key && this.budget.verifier.verify(crl, anchor.publicKey).ok) {
      const ku = anchor.cert?.keyUsage;
      if (ku === undefined || ku & (1 << KU.cRLSign)) found = { key: anchor.publicKey, label: `trust anchor ${anchor.subject.text}` };
    }
    if (!found && depth < MAX_CRL_SIGNER_DEPTH) {
      const akid = crl.authorityKeyId?.keyId;
      const candidates = [...this.bag.findBySubject(crl.issuer)].sort(
        (a, b) => Number(!!akid && b.subjectKeyId === akid) - Number(!!akid && a.subjectKeyId === akid),
      );
      for (const c of candidates) {
        if (c.keyUsage !== undefined && !(c.keyUsage & (1 << KU.cRLSign))) continue;
        if (this.inProgress.has(c.sha256)) {
          // The CRL covers its own signer (an indirect CRL issuer listing its own
          // certificate, PKITS 4.14.30): the signer's path is being validated further up
          // the stack, so its key is accepted here and its entry on this CRL still counts.
          skippedInProgress = true;
          if (!needsInheritedParams(c.publicKey) && this.budget.verifier.verify(crl, c.publicKey).ok) {
            found = { key: c.publicKey, label: `${certLabel(c)} (signer of a CRL covering itself)` };
            break;
          }
          continue;
        }
        // Cheap test first: does this key sign the CRL at all? (DSA keys needing inherited
        // parameters can only be tried once their path is known.)
        if (!needsInheritedParams(c.publicKey) && !this.budget.verifier.verify(crl, c.publicKey).ok) continue;
        this.inProgress.add(c.sha256);
        let r;
        try {
          r = this.search(c, new TrustAnchorStore([anchor]), DEFAULT_POLICY_INPUTS, [], depth + 1);
        } finally {
          this.inProgress.delete(c.sha256);
        }
        if (!r.found) continue;
        const key = targetKey(r.found.cand);
        if (this.budget.verifier.verify(crl, key).ok) {
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

/** The target's working key on a validated path (DSA parameters inherited down the path). */
function targetKey(cand: CandidatePath): VerificationKey {
  let key: VerificationKey = cand.anchor.publicKey;
  for (let i = cand.certs.length - 1; i >= 0; i--) key = effectiveKey(cand.certs[i]!.publicKey, key);
  return key;
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

function pathEntries(certs: readonly Certificate[], anchor?: TrustAnchor) {
  const out = certs.map((c) => ({ subject: c.subject.text, der: c.der }));
  if (anchor) out.push({ subject: anchor.subject.text, der: anchor.cert?.der ?? new Uint8Array() });
  return out;
}

function candidateReport(t: Tried): CandidateReport {
  return { path: [...t.cand.certs.map((c) => c.subject.text), t.cand.anchor.subject.text], error: t.failure };
}

/** Failures best first: the one that got furthest (nearest the target), then the shorter path, then the order tried. */
function rankFailures(tried: readonly Tried[]): Tried[] {
  return [...tried].sort((a, b) => a.failure.certIndex - b.failure.certIndex || a.cand.certs.length - b.cand.certs.length);
}

function invalid(error: VerifyError, extra: Partial<VerifyResult> = {}): VerifyResult {
  return { valid: false, path: [], policies: [], error, ...extra };
}


/** Parses a list of inputs, checking the call's time budget between them (parsing is most of the work for a big bag). */
function parseAll<I, T>(inputs: readonly I[], what: string, parse: (i: I, label: string) => T[], budget: Budget): T[] {
  return inputs.flatMap((input, i) => {
    try {
      budget.checkTime();
    } catch (e) {
      throw Object.assign(e as Error, { at: `${what}[${i}] of ${inputs.length}` });
    }
    return parse(input, `${what}[${i}]`);
  });
}

/**
 * Validates `options.target` against `options.trustAnchors` (contract.md).
 * Throws only for options of the wrong type; bad certificates, CRLs and
 * OCSP responses give `valid: false` with a `MALFORMED_*` code.
 */
export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const s = coerceOptions(options);
  // The budget starts now: parsing a large bag counts against limits.timeoutMs too.
  const budget = new Budget(s.limits);

  let target: Certificate;
  let intermediates: Certificate[];
  let anchorList: ParsedAnchor[];
  let crls: Crl[];
  let ocsp: OcspResponseModel[];
  try {
    const t = parseCertificates(s.target, "target");
    if (t.length !== 1) return invalid({ code: "MALFORMED_INPUT", message: `target: holds ${t.length} certificates, expected one`, certIndex: 0 });
    target = t[0]!;
  } catch (e) {
    if (e instanceof MalformedError) return invalid({ code: e.code, message: e.message, certIndex: 0 });
    throw e;
  }
  try {
    intermediates = parseAll(s.intermediates, "intermediates", parseCertificates, budget);
    anchorList = parseAll(s.trustAnchors, "trustAnchors", parseTrustAnchors, budget);
    crls = parseAll(s.crls, "revocation.crls", parseCrls, budget);
    ocsp = parseAll(s.ocspResponses, "revocation.ocspResponses", (d, label) => [parseOcspResponse(d, label)], budget);
  } catch (e) {
    if (e instanceof MalformedError) return invalid({ code: e.code, message: e.message });
    const be = asBudgetError(e);
    if (be) {
      const at = (e as { at?: string }).at;
      return invalid({ code: "BUDGET_EXCEEDED", message: `${be.message} while reading the inputs${at ? ` (stopped at ${at})` : ""}` }, { spent: budget.spent() });
    }
    throw e;
  }
  if (anchorList.length === 0) return invalid({ code: "NO_PATH", message: "no trust anchor was given" });
  const anchors = new TrustAnchorStore(anchorList.map((a, i) => anchorFromParsed(a, `trustAnchors[${i}]`)));

  const call = new Call(s, crls, ocsp, intermediates, budget);
  const online = s.fetch ? new OnlineRetriever(s.fetchPolicy, s.fetchPolicy.maxUrls) : undefined;
  const asyncSources: AsyncIssuerSource[] = [...(online ? [new AiaIssuerSource(online)] : []), ...s.asyncIssuerSources];
  const anchorCerts = anchors.all.flatMap((a) => (a.cert ? [a.cert] : []));
  let r: SearchResult | undefined;
  let budgetError: BudgetExceededError | undefined;
  try {
    for (let round = 0; ; round++) {
      r = call.search(target, anchors, s.policy, s.extendedKeyUsage, 0);
      // Done unless more material may help: no path yet, or (soft mode) a path whose status is unknown.
      const unknownStatus = r.found?.statuses.some((st) => st.status === "unknown");
      if ((!online && !asyncSources.length) || round >= MAX_FETCH_ROUNDS || (r.found && !unknownStatus)) break;
      const deadline = Date.now() + Math.max(0, budget.limits.timeoutMs - budget.elapsedMs());
      // Issuers from the asynchronous sources for what the search could not extend, when no path was found.
      const stuck = r.found ? [] : [...r.builder.visited, ...r.builder.cutUnreachable];
      const status = online ? wantedStatusSources(r, call) : { crls: [], ocsp: [] };
      const crlUrlList = online ? online.fresh(status.crls) : [];
      const ocspReqs = online ? status.ocsp.filter((q) => online.fresh([`${q.url}#${q.key}`]).length) : [];
      const [issuers, newCrls, answers] = await Promise.all([
        Promise.all(asyncSources.map((src) => src.issuersFor(stuck, anchorCerts, deadline))).then((l) => l.flat()),
        online ? online.crls(crlUrlList, deadline) : [],
        online ? online.ocsp(ocspReqs, deadline, s.fetchPolicy.ocspMethod) : [],
      ]);
      budget.checkTime();
      const before = call.bag.size + call.crls.length + call.ocsp.length;
      call.addMaterial(issuers, newCrls, answers);
      // Nothing new came back: another round would search the same material.
      if (call.bag.size + call.crls.length + call.ocsp.length === before) break;
    }
  } catch (e) {
    budgetError = asBudgetError(e);
    if (!budgetError) throw e;
    r = call.main;
  }
  const fetched = online?.attempts.map((a) => `${a.ok ? "fetched" : "failed"} ${a.url}: ${a.detail}`);
  return shapeResult(r, budgetError, budget, s, target, fetched);
}

/** Rounds a call may make (each round: one search, then the material it points at). */
const MAX_FETCH_ROUNDS = 6;

/**
 * Where the status of undetermined certificates may be learnt: CRL distribution points
 * and OCSP responders of every certificate of a path whose status was undetermined, and
 * the distribution points of the CRL issuers' certificates.
 */
function wantedStatusSources(r: SearchResult, call: Call) {
  const crls: string[] = [];
  const ocsp: OcspOutgoing[] = [];
  const prefer = call.s.revocationPreference;
  // Paths whose revocation status was undetermined: failed ones (hard mode) and a found one (soft mode).
  const undetermined = r.tried.filter((t) => t.failure.code === "REVOCATION_UNKNOWN").map((t) => t.cand);
  if (r.found?.statuses.some((st) => st.status === "unknown")) undetermined.push(r.found.cand);
  for (const cand of undetermined) {
    const path = cand.certs;
    for (let k = 0; k < path.length; k++) {
      const c = path[k]!;
      const issuerSpki = (path[k + 1]?.publicKey ?? cand.anchor.publicKey).spki;
      // Both sources are fetched when both are named: the preference decides which answer counts first.
      crls.push(...crlUrls(c));
      if (prefer !== "crl-only")
        for (const url of ocspUrls(c)) {
          const req = buildOcspRequest(c, issuerSpki, "sha1", call.s.fetchPolicy.ocspNonce);
          ocsp.push({ url, der: req.der, nonce: req.nonce, key: c.sha256, label: `certificate #${k} (${certLabel(c)})` });
        }
    }
    for (const crl of call.crls) for (const signer of call.bag.findBySubject(crl.issuer)) crls.push(...crlUrls(signer));
  }
  return { crls: prefer === "ocsp-only" ? [] : crls, ocsp };
}

function shapeResult(
  r: SearchResult | undefined,
  budgetError: BudgetExceededError | undefined,
  budget: Budget,
  s: CallSettings,
  target: Certificate,
  fetched: string[] | undefined,
): VerifyResult {
  const spent = budget.spent();
  if (r?.found) {
    const f = r.found;
    return {
      valid: true,
      path: pathEntries(f.cand.certs, f.cand.anchor),
      policies: [...f.policies],
      candidates: r.tried.map(candidateReport),
      spent,
      revocation: s.revocationMode === "none" ? undefined : f.statuses,
      warnings: f.warnings,
      fetched,
    };
  }
  const tried = r?.tried ?? [];
  const ranked = rankFailures(tried);
  const best = ranked[0];
  const candidates = ranked.map(candidateReport);
  const extra = { candidates, spent, fetched };
  if (budgetError) {
    return invalid(
      { code: "BUDGET_EXCEEDED", message: `${budgetError.message}; ${tried.length} candidate path(s) failed before it${best ? `, the best with ${best.failure.code}` : ""}` },
      { ...extra, path: best ? pathEntries(best.cand.certs, best.cand.anchor) : [] },
    );
  }
  if (best) return invalid(best.failure, { ...extra, path: pathEntries(best.cand.certs, best.cand.anchor), revocation: best.statuses });
  // No complete candidate: report the deepest branch cut for a bad signature, if any.
  const dead = [...(r?.builder.deadEnds ?? [])].sort((a, b) => b.certs.length - a.certs.length)[0];
  if (dead) {
    const k = dead.certs.length - 1;
    return invalid(
      {
        code: dead.code,
        certIndex: k,
        message: `certificate #${k} (${certLabel(dead.certs[k]!)}): ${dead.message} with the key of ${dead.issuerLabel}, the only issuer found by name (RFC 5280 6.1.3 (a)(1))`,
      },
      { ...extra, path: pathEntries(dead.certs) },
    );
  }
  if (budget.depthCut)
    return invalid({ code: "BUDGET_EXCEEDED", message: `no path within maxDepth ${budget.limits.maxDepth}` }, extra);
  return invalid(
    { code: "NO_PATH", message: `no issuer chain from "${target.subject.text || target.serial}" (issuer "${target.issuer.text}") to any trust anchor` },
    extra,
  );
}

