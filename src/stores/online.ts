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
import { DEFAULT_FETCH_POLICY, FetchError, checkUrl, httpExpiry, httpRequest, sharedFetchCache, type FetchCache, type FetchPolicy, type Hops } from "./http.js";
import { withWorkLimit, type WorkLimit } from "../parsing/deadline.js";
import { isLdapUrl } from "./ldap-url.js";
import { LdapFetchError, decodeLdapValues, encodeLdapValues, ldapRead, usesCredentials } from "./ldap.js";
import { ldapCertificates, ldapCrls } from "./ldap-values.js";
import { LdapDirectoryIssuerSource } from "./ldap-directory.js";

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
   * One body through the cache: a fresh cached copy, a fetch of the same key already in
   * flight (joined), or a request whose answer is kept until the earliest of what the
   * content says (`expiry`), what the HTTP headers say, and the cache's maximum age.
   */
  private async cached<T>(key: string, url: string, policy: FetchPolicy, req: Parameters<typeof httpRequest>[2], parse: (b: Uint8Array) => T, expiry: (v: T) => number) {
    // The cache answers only within this call's policy (issue 10 item 9): `this.policy` is passed with the lookup.
    return this.cache.getOrFetch(
      key,
      async () => {
        let headers: Parameters<typeof httpExpiry>[0] = {};
        const hops: Hops = [];
        const body = await httpRequest(url, policy, { ...req!, onHeaders: (h) => (headers = h) }, hops);
        let expires: number;
        try {
          expires = expiry(withWorkLimit(this.workLimit, () => parse(body)));
        } catch (e) {
          if (e instanceof Error && e.name === "BudgetExceededError") throw e;
          expires = 0; // an unparsable answer is not kept
        }
        const byHeaders = httpExpiry(headers);
        return { body, expires: byHeaders === undefined ? expires : Math.min(expires, byHeaders), hops };
      },
      Date.now(),
      this.policy,
    );
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
    await Promise.all(
      todo.map(async (r) => {
        const left = deadline - Date.now();
        const policy = { ...this.policy, timeoutMs: Math.min(this.policy.timeoutMs, Math.max(1, left)) };
        const b64 = Buffer.from(r.der).toString("base64");
        const useGet = method === "get" || (method === "auto" && b64.length + r.url.length < 255);
        try {
          if (left <= 0) throw new FetchError(r.url, "not fetched: the call's time budget is spent");
          const getUrl = `${r.url.replace(/\/$/, "")}/${encodeURIComponent(b64)}`;
          const req = useGet
            ? ({ method: "GET", accept: "application/ocsp-response" } as const)
            : ({ method: "POST", body: r.der, contentType: "application/ocsp-request", accept: "application/ocsp-response" } as const);
          const target = useGet ? getUrl : r.url;
          let body: Uint8Array;
          let from = "network";
          if (r.nonce) {
            // A nonce makes the answer single-use (RFC 8954): never cached, never shared.
            checkUrl(target, this.policy);
            body = await httpRequest(target, policy, req);
            this.cache.fetches++;
          } else {
            // Without a nonce the answer is reusable until its nextUpdate (RFC 5019 6.2), keyed by URL and request.
            checkUrl(target, this.policy);
            const key = useGet ? getUrl : `POST ${r.url} ${createHash("sha256").update(r.der).digest("hex")}`;
            const got = await this.cached(key, target, policy, req, (b) => parseOcspResponse(b, r.url), ocspExpiry);
            body = got.body;
            from = got.from;
          }
          out.push({ response: withWorkLimit(this.workLimit, () => parseOcspResponse(body, `${r.url} (${r.label})`)), nonce: r.nonce });
          this.attempts.push({ url: r.url, ok: true, detail: `OCSP ${useGet ? "GET" : "POST"} for ${r.label}: ${from === "cache" ? "from cache" : from === "joined" ? "joined a fetch in flight" : `${body.length} bytes`}` });
        } catch (e) {
          if (e instanceof Error && e.name === "BudgetExceededError") throw e;
          const msg = e instanceof FetchError ? e.reason : (e as Error).message;
          this.attempts.push({ url: r.url, ok: false, detail: `OCSP for ${r.label}: ${msg}` });
        }
      }),
    );
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
   * An LDAP read (./ldap.ts) through the cache, its values framed as one body. A read with
   * credentials bypasses the cache: what it saw is not for calls without them.
   */
  private async ldap<T>(url: string, deadline: number, parse: (b: Uint8Array) => T, expiry: (v: T) => number) {
    let detail: string | undefined;
    const load = async () => {
      const r = await ldapRead(url, this.policy, deadline);
      detail = r.detail;
      const body = encodeLdapValues(r.values);
      let expires: number;
      try {
        expires = expiry(parse(body));
      } catch {
        expires = 0; // an unparsable answer is not kept
      }
      return { body, expires };
    };
    if (usesCredentials(url, this.policy)) {
      this.cache.fetches++;
      const f = await load();
      return { body: f.body, from: "network" as const, detail };
    }
    const got = await this.cache.getOrFetch(url, load);
    return { ...got, detail };
  }

  /** Fetches each URL once (cache first), parses it, and logs what happened. */
  private async fetchAll<T>(urls: readonly string[], deadline: number, expiry: (v: T) => number, parse: (b: Uint8Array, url: string) => T): Promise<T[]> {
    const todo = this.fresh(urls).slice(0, Math.max(0, this.budgetLeft));
    for (const u of todo) this.tried.add(u);
    const out: T[] = [];
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const url = todo[next++]!;
        const left = deadline - Date.now();
        if (left <= 0) {
          this.attempts.push({ url, ok: false, detail: "not fetched: the call's time budget is spent" });
          continue;
        }
        try {
          // The policy applies to cached answers too: a later call's allow-list still holds.
          checkUrl(url, this.policy, FETCHED_SCHEMES);
          const got: { body: Uint8Array; from: "cache" | "joined" | "network"; detail?: string } = isLdapUrl(url)
            ? await this.ldap(url, deadline, (b) => parse(b, url), expiry)
            : await this.cached(url, url, { ...this.policy, timeoutMs: Math.min(this.policy.timeoutMs, left) }, { method: "GET" }, (b) => parse(b, url), expiry);
          const v = withWorkLimit(this.workLimit, () => parse(got.body, url));
          out.push(v);
          const detail = got.detail ?? `${got.body.length} bytes`;
          this.attempts.push({ url, ok: true, detail: got.from === "cache" ? "from cache" : got.from === "joined" ? "joined a fetch in flight" : detail });
        } catch (e) {
          if (e instanceof Error && e.name === "BudgetExceededError") throw e;
          // The reason alone when the error is about this URL (the log line names it already).
          const msg = e instanceof FetchError || e instanceof LdapFetchError ? (e.url === url ? e.reason : e.message) : (e as Error).message;
          this.attempts.push({ url, ok: false, detail: msg });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker));
    return out;
  }
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
