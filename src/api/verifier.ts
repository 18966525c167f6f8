// The prepared verifier (contract.md, "createVerifier"): trust anchors, intermediates,
// CRLs and OCSP responses parsed, checked and indexed once; a name-reachability map kept
// up to date as material comes and goes; caches (signature outcomes, fetched bodies)
// owned by the verifier. Each call reads one immutable snapshot: `add` and `remove`
// publish a new snapshot and never touch the one a call in flight is reading.
//
// A call is wiring only: the path search (./search.ts), the revocation checker
// (../revocation/checker.ts, with the search as its "validate this CRL signer" hook) and
// the online retriever (../stores/online.ts, in rounds: ./rounds.ts).
import { parseCertificates, type Certificate } from "../parsing/certificate.js";
import { parseCrls, type Crl } from "../parsing/crl.js";
import { MalformedError } from "../parsing/errors.js";
import { withWorkLimit } from "../parsing/deadline.js";
import { parseOcspResponse, type OcspResponseModel } from "../parsing/ocsp.js";
import { parseTrustAnchors, type ParsedAnchor } from "../parsing/trust-anchor.js";
import { parseUntrustedCertificates } from "../parsing/untrusted.js";
import { describeInput } from "../parsing/sniff.js";
import type { DistinguishedName } from "../parsing/name.js";
import { digestOf, processSignatureCache, SignatureOutcomeCache } from "../crypto/outcome-cache.js";
import { CertificateIndex } from "../stores/certificate-index.js";
import { MemoryIssuerSource, type AsyncIssuerSource } from "../stores/issuer-source.js";
import { anchorFromParsed, TrustAnchorStore, type TrustAnchor } from "../stores/trust-anchors.js";
import { OnlineRetriever, onlineIssuerSources } from "../stores/online.js";
import { FetchCache, sharedFetchCache } from "../stores/http.js";
import { Budget, asBudgetError, type BudgetExceededError } from "../pathbuilder/budget.js";
import { Reachability, type NameReach } from "../pathbuilder/reachability.js";
import { RevocationChecker } from "../revocation/checker.js";
import { callSettings, coerceConfig, coercePerCall, type CallSettings, type ConfigSettings } from "./options.js";
import { PathSearch, type SearchResult } from "./search.js";
import { searchInRounds } from "./rounds.js";
import { invalid, shapeResult } from "./result.js";
import { SearchRecorder } from "../graph/recorder.js";
import { buildGraph } from "../graph/model.js";
import type { TrustGraph } from "../graph/types.js";
import type { Input, NameAndKey, PerCallOptions, Verifier, VerifierChange, VerifierConfig, VerifierMaterial, VerifierStats, VerifyResult } from "./types.js";

/** One consistent view of the verifier's material. */
interface Snapshot {
  readonly generation: number;
  readonly index: CertificateIndex;
  readonly anchors: readonly TrustAnchor[];
  readonly anchorStore: TrustAnchorStore;
  readonly crls: readonly Crl[];
  readonly ocsp: readonly OcspResponseModel[];
  /** null: an issuer source cannot list its certificates, so no name pruning. */
  readonly reach: Reachability | null;
  /** A malformed anchor, CRL or OCSP response in the configuration: every call reports it. */
  readonly error?: VerifyResult;
  /** Unreadable untrusted entries of the configuration, skipped: every result lists them. */
  readonly notes: readonly string[];
}

/** An anchor's identity for `remove`: its name, its key and the certificate it came from. */
function anchorId(a: ParsedAnchor | TrustAnchor): string {
  return `${a.subject.key}|${digestOf(a.publicKey.spki)}|${a.cert?.sha256 ?? ""}`;
}

/** The caches a verifier uses: its own, or the process defaults for the one-shot door. */
interface Caches {
  readonly signatures: SignatureOutcomeCache;
  readonly fetch: FetchCache;
}

const PROCESS_CACHES: Caches = { signatures: processSignatureCache, fetch: sharedFetchCache };

/** Parses a list of inputs, checking the budget's clock between them (parsing is most of the work for a big bag). */
function parseAll<I, T>(inputs: readonly I[], what: string, parse: (i: I, label: string) => T[], budget: Budget | undefined): T[] {
  return inputs.flatMap((input, i) => {
    try {
      budget?.checkTime();
    } catch (e) {
      throw Object.assign(e as Error, { at: `${what}[${i}] of ${inputs.length}` });
    }
    try {
      // Parsing is synchronous: the budget's deadline is consulted inside it too (parsing/deadline.ts).
      return withWorkLimit(budget, () => parse(input, `${what}[${i}]`));
    } catch (e) {
      // A deadline hit inside a long parse (a large CRL) names the input it was reading.
      if (asBudgetError(e)) throw Object.assign(e as Error, { at: `${what}[${i}] of ${inputs.length}, while parsing it` });
      throw e;
    }
  });
}

const parseOcspList = (d: Uint8Array, label: string) => [parseOcspResponse(d, label)];

export class PreparedVerifier implements Verifier {
  private snap: Snapshot;
  private readonly caches: Caches;
  private anchorsSeen: number;
  private calls = 0;
  private inFlight = 0;
  private computed = 0;
  readonly warnings: string[] = [];

  /**
   * `parseBudget`: the one-shot door parses within its call's budget (a big bag's parse
   * counts against limits.timeoutMs); a verifier built at start-up has none.
   */
  constructor(
    private readonly cfg: ConfigSettings,
    caches?: Caches,
    parseBudget?: Budget,
  ) {
    this.caches = caches ?? { signatures: new SignatureOutcomeCache(), fetch: new FetchCache() };
    this.anchorsSeen = cfg.trustAnchors.length;
    this.snap = this.initial(parseBudget);
  }

  private initial(budget: Budget | undefined): Snapshot {
    const cfg = this.cfg;
    let certs: Certificate[] = [];
    let parsedAnchors: ParsedAnchor[] = [];
    let crls: Crl[] = [];
    let ocsp: OcspResponseModel[] = [];
    let error: VerifyResult | undefined;
    const notes: string[] = [];
    try {
      certs = parseAll(cfg.intermediates, "intermediates", (x, label) => parseUntrustedCertificates(x, label, notes), budget);
      parsedAnchors = parseAll(cfg.trustAnchors, "trustAnchors", parseTrustAnchors, budget);
      // The deadline is also checked inside a long CRL's entry list (a million-entry CRL takes seconds).
      crls = parseAll(cfg.crls, "revocation.crls", (d, label) => parseCrls(d, label, { checkTime: budget ? () => budget.checkTime() : undefined }), budget);
      ocsp = parseAll(cfg.ocspResponses, "revocation.ocspResponses", parseOcspList, budget);
    } catch (e) {
      if (e instanceof MalformedError) error = invalid({ code: e.code, message: e.message });
      else {
        const be = asBudgetError(e);
        if (!be || !budget) throw e;
        const at = (e as { at?: string }).at;
        error = invalid({ code: "BUDGET_EXCEEDED", message: `${be.message} while reading the inputs${at ? ` (stopped at ${at})` : ""}` }, { spent: budget.spent() });
      }
    }
    if (!error && parsedAnchors.length === 0) error = invalid({ code: "NO_PATH", message: "no trust anchor was given" });
    const anchors = parsedAnchors.map((a, i) => anchorFromParsed(a, `trustAnchors[${i}]`));
    const index = CertificateIndex.EMPTY.withAdded(certs).index;
    // Sources that cannot list their certificates may hold any name: no pruning then.
    const listable = cfg.issuerSources.every((s) => s.all);
    const reach = listable
      ? Reachability.build(
          anchors.map((a) => a.subject.key),
          [...index.all(), ...cfg.issuerSources.flatMap((s) => [...s.all!()])],
        )
      : null;
    this.warnings.push(...notes);
    return { generation: 0, index, anchors, anchorStore: new TrustAnchorStore(anchors), crls: dedupe(crls), ocsp, reach, error, notes };
  }

  async verify(target: Input, perCall?: PerCallOptions): Promise<VerifyResult> {
    if (typeof target !== "string" && !(target instanceof Uint8Array)) throw new TypeError("target must be a Uint8Array (DER) or a string (PEM)");
    const s = callSettings(this.cfg, target, coercePerCall(perCall));
    const budget = new Budget(s.limits, this.caches.signatures);
    const t = parseTarget(s.target, budget);
    if (!(t instanceof Array)) return t;
    return this.run(t[0], s, budget);
  }

  /** One call on the current snapshot (the one-shot door enters here with its target parsed). */
  async run(target: Certificate, s: CallSettings, budget: Budget): Promise<VerifyResult> {
    const snap = this.snap;
    if (snap.error) return snap.error;
    let local: Certificate[] = [];
    const notes = [...snap.notes];
    if (s.intermediates !== this.cfg.intermediates) {
      try {
        local = parseAll(s.intermediates, "intermediates", (x, label) => parseUntrustedCertificates(x, label, notes), budget);
      } catch (e) {
        const be = asBudgetError(e);
        if (!be) throw e;
        return invalid({ code: "BUDGET_EXCEEDED", message: `${be.message} while reading the inputs` }, { spent: budget.spent() });
      }
    }
    this.calls++;
    this.inFlight++;
    try {
      return await this.call(target, s, budget, snap, local, notes);
    } finally {
      this.inFlight--;
      this.computed += budget.verifier.computed;
    }
  }

  private async call(target: Certificate, s: CallSettings, budget: Budget, snap: Snapshot, local: readonly Certificate[], notes: readonly string[]): Promise<VerifyResult> {
    // The call's own certificates (its x5chain, then what is fetched), over the snapshot's.
    const bag = new MemoryIssuerSource();
    for (const c of local) if (!snap.index.has(c.sha256)) bag.add(c);
    const crls = [...snap.crls];
    const ocsp = [...snap.ocsp];
    const sentNonces = new Map<string, string>();
    let overlay: { size: number; reach: NameReach } | undefined;
    const reach = (): NameReach | null => {
      if (!snap.reach) return null;
      if (bag.size === 0) return snap.reach;
      if (overlay?.size !== bag.size) overlay = { size: bag.size, reach: snap.reach.overlay(bag.all()) };
      return overlay.reach;
    };
    const sources = [snap.index, bag, ...s.issuerSources];
    const candidates = (name: DistinguishedName) => {
      const mine = bag.findBySubject(name);
      const held = snap.index.findBySubject(name);
      return mine.length ? [...held, ...mine] : held;
    };
    const search = new PathSearch({ time: s.time, enforceAnchorConstraints: s.enforceAnchorConstraints, profile: s.profile }, () => sources, reach, budget);
    const checker = new RevocationChecker(
      { mode: s.revocationMode, preference: s.revocationPreference, time: s.time, clockSkewMs: s.clockSkewMs, ocspMaxAgeMs: s.ocspMaxAgeMs, profile: s.profile },
      { crls, ocsp, sentNonces, candidates },
      budget.verifier,
      search.validateSigner,
    );
    search.revocation = checker;
    const recorder = s.graph ? new SearchRecorder() : undefined;
    search.observer = recorder;
    const material = {
      crls,
      candidates,
      size: () => bag.size + crls.length + ocsp.length,
      add(certs: readonly Certificate[], newCrls: readonly Crl[], answers: readonly { response: OcspResponseModel; nonce?: string }[]) {
        for (const c of certs) if (!snap.index.has(c.sha256)) bag.add(c);
        for (const o of answers) {
          ocsp.push(o.response);
          if (o.nonce) sentNonces.set(o.response.sha256, o.nonce);
        }
        const known = new Set(crls.map((c) => c.sha256));
        for (const c of newCrls) if (!known.has(c.sha256)) crls.push(c);
        checker.materialChanged();
      },
    };

    const online = s.fetch ? new OnlineRetriever(s.fetchPolicy, s.fetchPolicy.maxUrls, this.caches.fetch, budget) : undefined;
    const asyncSources: AsyncIssuerSource[] = [...(online ? onlineIssuerSources(online, s.fetchPolicy) : []), ...s.asyncIssuerSources];
    const anchorCerts = snap.anchors.flatMap((a) => (a.cert ? [a.cert] : []));
    let r: SearchResult | undefined;
    let budgetError: BudgetExceededError | undefined;
    try {
      r = await searchInRounds({
        // Synchronous from here to the fetches: every loop inside consults the call's deadline.
        search: () => withWorkLimit(budget, () => search.search(target, snap.anchorStore, s.policy, s.extendedKeyUsage, 0)),
        online,
        asyncSources,
        anchorCerts,
        budget,
        material,
        preference: s.revocationPreference,
        ocspMethod: s.fetchPolicy.ocspMethod,
        ocspNonce: s.fetchPolicy.ocspNonce,
      });
    } catch (e) {
      budgetError = asBudgetError(e);
      if (!budgetError) throw e;
      r = search.main;
    }
    const fetched = online?.attempts.map((a) =>
      a.ok ? `fetched ${a.url}: ${a.detail}` : a.detail.startsWith("refused: ") ? `refused ${a.url}: ${a.detail.slice(9)}` : `failed ${a.url}: ${a.detail}`,
    );
    const result = shapeResult(r, budgetError, budget, s.revocationMode !== "none", target, fetched, notes);
    if (recorder) {
      // The graph of the call (issue 14): every certificate it could use, and what the main search learnt.
      const listed = [...snap.index.all(), ...bag.all(), ...s.issuerSources.flatMap((src) => (src.all ? [...src.all()] : []))];
      result.graph = buildGraph({ target, certificates: listed, anchors: snap.anchors, time: s.time, recorder, valid: result.valid, error: result.error });
    }
    return result;
  }

  /** The verifier's material as a graph: anchors and certificates, issuers matched by key identifier or signature. */
  graph(): TrustGraph {
    const snap = this.snap;
    return buildGraph({ certificates: [...snap.index.all(), ...this.cfg.issuerSources.flatMap((src) => (src.all ? [...src.all()] : []))], anchors: snap.anchors, time: this.cfg.time ?? new Date(), recorder: new SearchRecorder() });
  }

  add(m: VerifierMaterial): VerifierChange {
    const warnings: string[] = [];
    const parsed = this.parseMaterial(m, "add", warnings);
    const snap = this.snap;
    const { index, added } = snap.index.withAdded(parsed.certs);
    const have = new Set(snap.anchors.map(anchorId));
    const newAnchors: TrustAnchor[] = [];
    for (const a of parsed.anchors) {
      const id = anchorId(a);
      if (have.has(id)) continue;
      have.add(id);
      newAnchors.push(anchorFromParsed(a, `trustAnchors[${this.anchorsSeen++}]`));
    }
    const crls = dedupe([...snap.crls, ...parsed.crls]);
    const ocspKnown = new Set(snap.ocsp.map((o) => o.sha256));
    const ocsp = [...snap.ocsp, ...parsed.ocsp.filter((o) => !ocspKnown.has(o.sha256))];
    const anchors = [...snap.anchors, ...newAnchors];
    this.snap = {
      ...snap,
      generation: snap.generation + 1,
      index,
      anchors,
      anchorStore: newAnchors.length ? new TrustAnchorStore(anchors) : snap.anchorStore,
      crls,
      ocsp,
      reach: snap.reach?.withAdded(newAnchors.map((a) => a.subject.key), added) ?? null,
    };
    const count = added.length + newAnchors.length + (crls.length - snap.crls.length) + (ocsp.length - snap.ocsp.length);
    return { count, warnings };
  }

  remove(m: VerifierMaterial): VerifierChange {
    const warnings: string[] = [];
    const parsed = this.parseMaterial(m, "remove", warnings);
    const snap = this.snap;
    const { index, removed } = snap.index.withRemoved(parsed.certs.map((c) => c.sha256));
    const gone = new Set(parsed.anchors.map(anchorId));
    const anchors = snap.anchors.filter((a) => !gone.has(anchorId(a)));
    const removedAnchors = snap.anchors.filter((a) => gone.has(anchorId(a)));
    const crlGone = new Set(parsed.crls.map((c) => c.sha256));
    const crls = snap.crls.filter((c) => !crlGone.has(c.sha256));
    const ocspGone = new Set(parsed.ocsp.map((o) => o.sha256));
    const ocsp = snap.ocsp.filter((o) => !ocspGone.has(o.sha256));
    const count = removed.length + removedAnchors.length + (snap.crls.length - crls.length) + (snap.ocsp.length - ocsp.length);
    const asked = parsed.certs.length + parsed.anchors.length + parsed.crls.length + parsed.ocsp.length;
    if (count < asked) warnings.push(`remove: ${asked - count} of ${asked} entries were not held`);
    this.snap = {
      ...snap,
      generation: snap.generation + 1,
      index,
      anchors,
      anchorStore: removedAnchors.length ? new TrustAnchorStore(anchors) : snap.anchorStore,
      crls,
      ocsp,
      reach: snap.reach?.withRemoved(removedAnchors.map((a) => a.subject.key), removed) ?? null,
    };
    return { count, warnings };
  }

  /** Parses material for add/remove; an unreadable entry is skipped with a warning naming it. */
  private parseMaterial(m: VerifierMaterial, op: string, warnings: string[]) {
    if (typeof m !== "object" || m === null) throw new TypeError(`${op}: material must be an object`);
    const each = <I, T>(list: readonly I[] | undefined, what: string, parse: (i: I, label: string) => T[]): T[] => {
      if (list !== undefined && !Array.isArray(list)) throw new TypeError(`${op}: ${what} must be an array`);
      return (list ?? []).flatMap((x, i) => {
        try {
          return parse(x, `${op} ${what}[${i}]`);
        } catch (e) {
          if (!(e instanceof MalformedError)) throw e;
          warnings.push(`skipped ${e.message}`);
          return [];
        }
      });
    };
    return {
      certs: each(m.intermediates, "intermediates", (x, label) => parseUntrustedCertificates(x, label, warnings)),
      anchors: each(m.trustAnchors as (Input | NameAndKey)[] | undefined, "trustAnchors", parseTrustAnchors),
      crls: each(m.crls, "crls", parseCrls),
      ocsp: each(m.ocspResponses, "ocspResponses", parseOcspList),
    };
  }

  stats(): VerifierStats {
    const snap = this.snap;
    const sig = this.caches.signatures.stats();
    const f = this.caches.fetch.stats();
    return {
      calls: this.calls,
      inFlight: this.inFlight,
      certificates: snap.index.size,
      trustAnchors: snap.anchors.length,
      crls: snap.crls.length,
      ocspResponses: snap.ocsp.length,
      reachableNames: snap.reach?.size ?? 0,
      generation: snap.generation,
      signatures: { hits: sig.hits, misses: sig.misses, entries: sig.entries, bytes: sig.bytes, evictions: sig.evictions, computed: this.computed },
      fetch: f,
    };
  }
}

function dedupe(crls: readonly Crl[]): Crl[] {
  const seen = new Set<string>();
  return crls.filter((c) => !seen.has(c.sha256) && !!seen.add(c.sha256));
}

/** The target: one certificate, or the result saying why not. */
export function parseTarget(input: Input, budget?: Budget): [Certificate] | VerifyResult {
  try {
    const t = withWorkLimit(budget, () => parseCertificates(input, "target"));
    if (t.length !== 1) return invalid({ code: "MALFORMED_INPUT", message: `target: holds ${t.length} certificates, expected one`, certIndex: 0 });
    return [t[0]!];
  } catch (e) {
    if (e instanceof MalformedError) {
      // A wrong kind of file says what it holds (a CRL, a key, a CSR, nothing at all).
      const found = describeInput(input);
      return invalid({ code: e.code, message: found ? `${e.message}; it holds ${found}, not a certificate` : e.message, certIndex: 0 });
    }
    const be = asBudgetError(e);
    if (be && budget) return invalid({ code: "BUDGET_EXCEEDED", message: `${be.message} while reading the target` }, { spent: budget.spent() });
    throw e;
  }
}

/**
 * Builds a verifier (contract.md): `config` is every `verify` option but `target`, plus
 * optional cache sizes. Throws only for options of the wrong type.
 */
export function createVerifier(config: VerifierConfig): Verifier {
  const cfg = coerceConfig(config);
  const c = config.cache ?? {};
  return new PreparedVerifier(cfg, {
    signatures: new SignatureOutcomeCache(c.signatureEntries),
    fetch: new FetchCache(c.fetchEntries, c.fetchBytes, c.fetchMaxAgeMs),
  });
}

/** The one-shot door's caches: the process defaults. */
export function oneShotVerifier(cfg: ConfigSettings, budget: Budget): PreparedVerifier {
  return new PreparedVerifier(cfg, PROCESS_CACHES, budget);
}
