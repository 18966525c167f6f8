// What one `verify` call fetches when `revocation.fetch` is on: certificates from AIA
// caIssuers and SIA caRepository, CRLs from distribution points. Each URL is tried at
// most once per call, answers are cached across calls (CRLs until their nextUpdate),
// and the number of URLs a call may fetch is bounded.
import type { Certificate } from "../parsing/certificate.js";
import { OID } from "../parsing/oids.js";
import { parseCertificateBundle } from "../parsing/bundle.js";
import { parseCrl, type Crl } from "../parsing/crl.js";
import { DEFAULT_FETCH_POLICY, FetchError, httpRequest, sharedFetchCache, type FetchCache, type FetchPolicy } from "./http.js";

export interface FetchAttempt {
  readonly url: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** How long a fetched certificate bundle is reused without asking again. */
const BUNDLE_TTL_MS = 60 * 60 * 1000;
/** Requests in flight at once. */
const CONCURRENCY = 4;

function uris(names: readonly { kind: string; value?: string }[] | undefined): string[] {
  return (names ?? []).flatMap((n) => (n.kind === "uniformResourceIdentifier" && n.value && /^https?:\/\//i.test(n.value) ? [n.value] : []));
}

/** AIA caIssuers URLs of a certificate (RFC 5280 4.2.2.1). */
export function caIssuersUrls(c: Certificate): string[] {
  return (c.authorityInfoAccess ?? []).filter((a) => a.method === OID.caIssuers).flatMap((a) => uris([a.location as never]));
}

/** SIA caRepository URLs of a CA certificate (RFC 5280 4.2.2.2). */
export function caRepositoryUrls(c: Certificate): string[] {
  return (c.subjectInfoAccess ?? []).filter((a) => a.method === OID.caRepository).flatMap((a) => uris([a.location as never]));
}

/** CRL distribution point and freshest-CRL URLs of a certificate (RFC 5280 4.2.1.13, 4.2.1.15). */
export function crlUrls(c: Certificate): string[] {
  return [...(c.crlDistributionPoints ?? []), ...(c.freshestCrl ?? [])].flatMap((dp) => uris(dp.name?.fullName as never));
}

export class OnlineRetriever {
  readonly attempts: FetchAttempt[] = [];
  private readonly tried = new Set<string>();

  constructor(
    private readonly policy: FetchPolicy = DEFAULT_FETCH_POLICY,
    private readonly maxUrls = 64,
    private readonly cache: FetchCache = sharedFetchCache,
  ) {}

  /** URLs from `urls` not yet tried in this call. */
  fresh(urls: Iterable<string>): string[] {
    return [...new Set(urls)].filter((u) => !this.tried.has(u));
  }

  get budgetLeft(): number {
    return this.maxUrls - this.tried.size;
  }

  async certificates(urls: readonly string[], deadline: number): Promise<Certificate[]> {
    const bodies = await this.fetchAll(urls, deadline, () => Date.now() + BUNDLE_TTL_MS, (b, u) => parseCertificateBundle(b, u));
    return bodies.flat();
  }

  async crls(urls: readonly string[], deadline: number): Promise<Crl[]> {
    return this.fetchAll(urls, deadline, (crl) => crl.nextUpdate?.getTime() ?? Date.now() + BUNDLE_TTL_MS, (b, u) => parseCrl(b, u));
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
          const cached = this.cache.get(url);
          const body = cached ?? (await httpRequest(url, { ...this.policy, timeoutMs: Math.min(this.policy.timeoutMs, left) }));
          const v = parse(body, url);
          if (!cached) this.cache.set(url, body, expiry(v));
          out.push(v);
          this.attempts.push({ url, ok: true, detail: cached ? "from cache" : `${body.length} bytes` });
        } catch (e) {
          const msg = e instanceof FetchError ? e.message : `${url}: ${(e as Error).message}`;
          this.attempts.push({ url, ok: false, detail: msg });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker));
    return out;
  }
}
