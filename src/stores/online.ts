// What one `verify` call fetches when `revocation.fetch` is on: certificates from AIA
// caIssuers and SIA caRepository, CRLs from distribution points. Each URL is tried at
// most once per call, answers are cached across calls (CRLs until their nextUpdate),
// and the number of URLs a call may fetch is bounded.
import type { Certificate } from "../parsing/certificate.js";
import type { AsyncIssuerSource } from "./issuer-source.js";
import { OID } from "../parsing/oids.js";
import { parseCertificateBundle } from "../parsing/bundle.js";
import { parseCrl, type Crl } from "../parsing/crl.js";
import { parseOcspResponse, type OcspResponseModel } from "../parsing/ocsp.js";
import { createHash } from "node:crypto";
import { DEFAULT_FETCH_POLICY, FetchError, checkUrl, httpExpiry, httpRequest, sharedFetchCache, type FetchCache, type Fetched, type FetchPolicy, type Hops } from "./http.js";
import { withWorkLimit, type WorkLimit } from "../parsing/deadline.js";
import { isLdapUrl } from "./ldap-url.js";
import { decodeLdapValues, encodeLdapValues, ldapRead, usesCredentials } from "./ldap.js";
import { ldapCertificates, ldapCrls } from "./ldap-values.js";
import { LdapDirectoryIssuerSource } from "./ldap-directory.js";
import { UrlError } from "./url-error.js";

export interface FetchAttempt {
  readonly url: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** An OCSP answer is reusable until the earliest nextUpdate of its single responses; without one, not at all. */
function ocspExpiry(r: OcspResponseModel): number {
  const next = r.responses.map((x) => x.nextUpdate?.getTime()).filter((t): t is number => t !== undefined);
  return next.length === r.responses.length && next.length ? Math.min(...next) : 0;
}

/** How long a fetched certificate bundle is reused without asking again. */
const BUNDLE_TTL_MS = 60 * 60 * 1000;
/** Schemes the retriever fetches (RFC 5280 4.2.1.13, 4.2.2.1: HTTP and LDAP URIs). */
const FETCHED_SCHEMES = ["http:", "https:", "ldap:", "ldaps:"] as const;
/** Requests in flight at once. */
const CONCURRENCY = 4;

/** Every URI among the names; the fetcher refuses (and logs) the schemes it does not fetch. */
function uris(names: readonly { kind: string; value?: string }[] | undefined): string[] {
  return (names ?? []).flatMap((n) => (n.kind === "uniformResourceIdentifier" && n.value ? [n.value] : []));
}

/** AIA caIssuers URLs of a certificate (RFC 5280 4.2.2.1). */
export function caIssuersUrls(c: Certificate): string[] {
  return (c.authorityInfoAccess ?? []).filter((a) => a.method === OID.caIssuers).flatMap((a) => uris([a.location as never]));
}

/** SIA caRepository URLs of a CA certificate (RFC 5280 4.2.2.2). */
export function caRepositoryUrls(c: Certificate): string[] {
  return (c.subjectInfoAccess ?? []).filter((a) => a.method === OID.caRepository).flatMap((a) => uris([a.location as never]));
}

/** AIA OCSP responder URLs of a certificate (RFC 5280 4.2.2.1, RFC 6960). */
export function ocspUrls(c: Certificate): string[] {
  return (c.authorityInfoAccess ?? []).filter((a) => a.method === OID.ocsp).flatMap((a) => uris([a.location as never]));
}

/** CRL distribution point and freshest-CRL URLs of a certificate (RFC 5280 4.2.1.13, 4.2.1.15). */
export function crlUrls(c: Certificate): string[] {
  return [...(c.crlDistributionPoints ?? []), ...(c.freshestCrl ?? [])].flatMap((dp) => uris(dp.name?.fullName as never));
}

export interface OcspOutgoing {
  readonly url: string;
  readonly der: Uint8Array;
  readonly nonce?: string;
  /** Identifies the certificate asked about (dedupe key). */
  readonly key: string;
  readonly label: string;
}

export class OnlineRetriever {
  readonly attempts: FetchAttempt[] = [];
  private readonly tried = new Set<string>();
  /** I/O of the current round still in flight (see `roundIo`). */
  private readonly io = new Set<Promise<unknown>>();

  constructor(
    private readonly policy: FetchPolicy = DEFAULT_FETCH_POLICY,
    private readonly maxUrls = 64,
    private readonly cache: FetchCache = sharedFetchCache,
    /** The call's budget: parsing a fetched body consults its deadline. */
    private readonly workLimit?: WorkLimit,
  ) {}

  /** URLs from `urls` not yet tried in this call. */
  fresh(urls: Iterable<string>): string[] {
    return [...new Set(urls)].filter((u) => !this.tried.has(u));
  }

  get budgetLeft(): number {
    return this.maxUrls - this.tried.size;
  }

  async certificates(urls: readonly string[], deadline: number): Promise<Certificate[]> {
    const bodies = await this.fetchAll(urls, deadline, () => Date.now() + BUNDLE_TTL_MS, (b, u) =>
      isLdapUrl(u) ? ldapCertificates(decodeLdapValues(b), u) : parseCertificateBundle(b, u),
    );
    return bodies.flat();
  }

  /**
   * One body through the cache: a fresh cached copy, or a fetch of the same key already in
   * flight (joined), or a request. Nothing is parsed here (issue 10 item 7): the caller
   * parses once every fetch of its round is in, then calls `keep` with what the content
   * says about its lifetime; the answer is stored until the earliest of that, the HTTP
   * headers, and the cache's maximum age.
   */
  private async cached(key: string, url: string, policy: FetchPolicy, req: Parameters<typeof httpRequest>[2]): Promise<Got> {
    let headers: Parameters<typeof httpExpiry>[0] = {};
    const hops: Hops = [];
    // The cache answers only within this call's policy (issue 10 item 9): `this.policy` is passed with the lookup.
    const got = await this.cache.getOrFetch(
      key,
      async () => ({ body: await httpRequest(url, policy, { ...req!, onHeaders: (h) => (headers = h) }, hops), expires: 0, hops }),
      Date.now(),
      this.policy,
    );
    const keep = (byContent: number) => {
      const byHeaders = httpExpiry(headers);
      this.cache.keep(key, { body: got.body, expires: byHeaders === undefined ? byContent : Math.min(byContent, byHeaders), hops });
    };
    return { ...got, keep: got.from === "network" ? keep : undefined };
  }

  /**
   * One signal that aborts every HTTP fetch of a round when the call's time is spent: all
   * of them at once, in one timer callback (per-request timers a few ms apart fired in
   * separate turns of the event loop, each after the I/O of the others: 20 ms late with four
   * 13 MB answers in flight, bench/deadlines.mjs).
   */
  private roundStop(deadline: number): { signal: AbortSignal; timer: NodeJS.Timeout } {
    const c = new AbortController();
    // 2 ms past the deadline (timers may fire a little early), so the call's own budget check after the round sees it spent.
    const timer = setTimeout(() => c.abort(), Math.max(0, deadline - Date.now()) + 2);
    return { signal: c.signal, timer };
  }

  /**
   * Waits until every fetch of this call's round is in (issue 10 item 7): CPU-heavy parsing
   * of one answer would otherwise hold the event loop while other answers of the round
   * arrive, and their deadlines would pass unread. `mine` is the caller's own I/O.
   */
  private async roundIo(mine: Promise<unknown>, stop?: { timer: NodeJS.Timeout }): Promise<void> {
    this.io.add(mine);
    if (stop) void mine.then(() => clearTimeout(stop.timer), () => clearTimeout(stop.timer));
    const done = () => this.io.delete(mine);
    mine.then(done, done);
    await mine;
    while (this.io.size) await Promise.allSettled([...this.io]);
  }

  /**
   * OCSP requests (RFC 6960 A.1): GET when the encoded request is short (RFC 5019 5),
   * POST otherwise or when `method` says so. OCSP answers are not cached across calls
   * (a nonce makes each one single-use); each (url, request) is sent once per call.
   */
  async ocsp(requests: readonly OcspOutgoing[], deadline: number, method: "auto" | "get" | "post" = "auto"): Promise<{ response: OcspResponseModel; nonce?: string }[]> {
    const out: { response: OcspResponseModel; nonce?: string }[] = [];
    const todo = requests.filter((r) => !this.tried.has(`${r.url}#${r.key}`)).slice(0, Math.max(0, this.budgetLeft));
    for (const r of todo) this.tried.add(`${r.url}#${r.key}`);
    // First every request of the round, then the parsing (issue 10 item 7).
    const got: ({ got: Got; useGet: boolean } | { error: unknown })[] = [];
    const stop = this.roundStop(deadline);
    await this.roundIo(
      Promise.all(
        todo.map(async (r, i) => {
          const left = deadline - Date.now();
          const policy = { ...this.policy, timeoutMs: Math.min(this.policy.timeoutMs, Math.max(1, left)) };
          const b64 = Buffer.from(r.der).toString("base64");
          const useGet = method === "get" || (method === "auto" && b64.length + r.url.length < 255);
          try {
            if (left <= 0) throw new FetchError(r.url, "not fetched: the call's time budget is spent");
            const getUrl = `${r.url.replace(/\/$/, "")}/${encodeURIComponent(b64)}`;
            const req = useGet
              ? ({ method: "GET", accept: "application/ocsp-response", signal: stop.signal } as const)
              : ({ method: "POST", body: r.der, contentType: "application/ocsp-request", accept: "application/ocsp-response", signal: stop.signal } as const);
            const target = useGet ? getUrl : r.url;
            checkUrl(target, this.policy);
            if (r.nonce) {
              // A nonce makes the answer single-use (RFC 8954): never cached, never shared.
              const body = await httpRequest(target, policy, req);
              this.cache.fetches++;
              got[i] = { got: { body, from: "network" }, useGet };
            } else {
              // Without a nonce the answer is reusable until its nextUpdate (RFC 5019 6.2), keyed by URL and request.
              const key = useGet ? getUrl : `POST ${r.url} ${createHash("sha256").update(r.der).digest("hex")}`;
              got[i] = { got: await this.cached(key, target, policy, req), useGet };
            }
          } catch (e) {
            if (e instanceof Error && e.name === "BudgetExceededError") throw e;
            got[i] = { error: e };
          }
        }),
      ),
      stop,
    );
    todo.forEach((r, i) => {
      const g = got[i]!;
      try {
        if ("error" in g) throw g.error;
        const response = withWorkLimit(this.workLimit, () => parseOcspResponse(g.got.body, `${r.url} (${r.label})`));
        g.got.keep?.(ocspExpiry(response));
        out.push({ response, nonce: r.nonce });
        const { from, body } = g.got;
        this.attempts.push({ url: r.url, ok: true, detail: `OCSP ${g.useGet ? "GET" : "POST"} for ${r.label}: ${from === "cache" ? "from cache" : from === "joined" ? "joined a fetch in flight" : `${body.length} bytes`}` });
      } catch (e) {
        if (e instanceof Error && e.name === "BudgetExceededError") throw e;
        const msg = e instanceof FetchError ? e.reason : (e as Error).message;
        this.attempts.push({ url: r.url, ok: false, detail: `OCSP for ${r.label}: ${msg}` });
      }
    });
    return out;
  }

  async crls(urls: readonly string[], deadline: number): Promise<Crl[]> {
    const lists = await this.fetchAll<Crl[]>(
      urls,
      deadline,
      (l) => Math.min(...l.map((crl) => crl.nextUpdate?.getTime() ?? Date.now() + BUNDLE_TTL_MS)),
      (b, u) => (isLdapUrl(u) ? ldapCrls(decodeLdapValues(b), u) : [parseCrl(b, u)]),
    );
    return lists.flat();
  }

  /**
   * An LDAP read (./ldap.ts) through the cache, its values framed as one body; the cache
   * answers only within this call's policy (issue 10 item 9), as for HTTP: every URL and
   * address of the read, and the bytes received. A read with credentials bypasses the
   * cache: what it saw is not for calls without them.
   */
  private async ldap(url: string, deadline: number): Promise<Got> {
    let detail: string | undefined;
    const load = async (): Promise<Fetched> => {
      const r = await ldapRead(url, this.policy, deadline);
      detail = r.detail;
      return { body: encodeLdapValues(r.values), expires: 0, hops: r.hops, size: r.received };
    };
    if (usesCredentials(url, this.policy)) {
      this.cache.fetches++;
      const f = await load();
      return { body: f.body, from: "network", detail };
    }
    let loaded: Fetched | undefined;
    const got = await this.cache.getOrFetch(url, async () => (loaded = await load()), Date.now(), this.policy);
    return { ...got, detail, keep: loaded ? (expires) => this.cache.keep(url, { ...loaded!, expires }) : undefined };
  }

  /**
   * Fetches each URL once (cache first); once every fetch of the round is in, parses each
   * answer (under the call's work limit) and logs what happened, in the order of `urls`.
   */
  private async fetchAll<T>(urls: readonly string[], deadline: number, expiry: (v: T) => number, parse: (b: Uint8Array, url: string) => T): Promise<T[]> {
    const todo = this.fresh(urls).slice(0, Math.max(0, this.budgetLeft));
    for (const u of todo) this.tried.add(u);
    const got: (Got | { error: unknown })[] = [];
    const stop = this.roundStop(deadline);
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const i = next++;
        const url = todo[i]!;
        const left = deadline - Date.now();
        try {
          if (left <= 0) throw new FetchError(url, "not fetched: the call's time budget is spent");
          // The policy applies to cached answers too: a later call's allow-list still holds.
          checkUrl(url, this.policy, FETCHED_SCHEMES);
          got[i] = isLdapUrl(url) ? await this.ldap(url, deadline) : await this.cached(url, url, { ...this.policy, timeoutMs: Math.min(this.policy.timeoutMs, left) }, { method: "GET", signal: stop.signal });
        } catch (e) {
          if (e instanceof Error && e.name === "BudgetExceededError") throw e;
          got[i] = { error: e };
        }
      }
    };
    await this.roundIo(Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker)), stop);
    const out: T[] = [];
    todo.forEach((url, i) => {
      const g = got[i]!;
      try {
        if ("error" in g) throw g.error;
        const v = withWorkLimit(this.workLimit, () => parse(g.body, url));
        // An answer is kept only once it parsed, until what its content says (an unparsable one is not kept).
        g.keep?.(expiry(v));
        out.push(v);
        this.attempts.push({ url, ok: true, detail: g.from === "cache" ? "from cache" : g.from === "joined" ? "joined a fetch in flight" : (g.detail ?? `${g.body.length} bytes`) });
      } catch (e) {
        if (e instanceof Error && e.name === "BudgetExceededError") throw e;
        // The reason alone when the error is about this URL (the log line names it already).
        const msg = e instanceof UrlError ? (e.url === url ? e.reason : e.message) : (e as Error).message;
        this.attempts.push({ url, ok: false, detail: msg });
      }
    });
    return out;
  }
}

/** One body as the retriever got it; `keep` (a network answer) stores it once its content said how long it lasts. */
interface Got {
  body: Uint8Array;
  from: "cache" | "joined" | "network";
  detail?: string;
  keep?: (expires: number) => void;
}

/**
 * Issuers over HTTP as an asynchronous issuer source: AIA caIssuers of the certificates
 * the search could not extend (RFC 5280 4.2.2.1) and, once, SIA caRepository of the
 * anchors (RFC 5280 4.2.2.2), through the call's retriever (its limits and log).
 */
export class AiaIssuerSource implements AsyncIssuerSource {
  private askedAnchors = false;

  constructor(private readonly online: OnlineRetriever) {}

  issuersFor(certs: Iterable<Certificate>, anchors: readonly Certificate[], deadline: number): Promise<Certificate[]> {
    const urls: string[] = [];
    for (const c of certs) urls.push(...caIssuersUrls(c));
    if (!this.askedAnchors) {
      this.askedAnchors = true;
      for (const a of anchors) urls.push(...caRepositoryUrls(a));
    }
    return this.online.certificates(this.online.fresh(urls), deadline);
  }
}

/** The issuer sources a fetching call asks: AIA/SIA, and each configured LDAP directory (fetchPolicy.ldap.directories). */
export function onlineIssuerSources(online: OnlineRetriever, policy: FetchPolicy): AsyncIssuerSource[] {
  return [new AiaIssuerSource(online), ...(policy.ldap?.directories ?? []).map((d) => new LdapDirectoryIssuerSource(online, d))];
}
