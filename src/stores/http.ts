// HTTP retrieval for AIA caIssuers, SIA caRepository and CRL distribution points
// (RFC 5280 4.2.2.1, 4.2.2.2, 4.2.1.13), fail-safe: only http and https, a timeout per
// request, a cap on the response size, redirects only to http/https and only a few,
// an optional host allow-list, and a bounded cache shared by the calls of a process.
import http from "node:http";
import https from "node:https";

export interface FetchPolicy {
  /** Per-request timeout (connect + response), milliseconds. */
  timeoutMs: number;
  /** Largest response body accepted, bytes. */
  maxBytes: number;
  /** Redirects followed (http/https targets only). */
  maxRedirects: number;
  /** When set, only these hosts (host or host:port) may be contacted. */
  allowHosts?: readonly string[];
}

export const DEFAULT_FETCH_POLICY: Readonly<FetchPolicy> = Object.freeze({
  timeoutMs: 5_000,
  maxBytes: 4 * 1024 * 1024,
  maxRedirects: 3,
});

export class FetchError extends Error {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`${url}: ${reason}`);
    this.name = "FetchError";
  }
}

/** Checks a URL against the policy; returns the parsed URL or throws FetchError. */
export function checkUrl(url: string, policy: FetchPolicy): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FetchError(url, "not a valid URL");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new FetchError(url, `scheme ${u.protocol} is not fetched (only http and https)`);
  if (policy.allowHosts && !policy.allowHosts.includes(u.host) && !policy.allowHosts.includes(u.hostname))
    throw new FetchError(url, `host ${u.host} is not in the allow-list`);
  return u;
}

export interface HttpRequest {
  method: "GET" | "POST";
  body?: Uint8Array;
  contentType?: string;
  accept?: string;
}

/** One request with the policy's limits; resolves to the body of a 200 answer. */
export async function httpRequest(url: string, policy: FetchPolicy, req: HttpRequest = { method: "GET" }, redirects = 0): Promise<Uint8Array> {
  const u = checkUrl(url, policy);
  const lib = u.protocol === "https:" ? https : http;
  return new Promise<Uint8Array>((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (req.accept) headers["accept"] = req.accept;
    if (req.body) {
      headers["content-type"] = req.contentType ?? "application/octet-stream";
      headers["content-length"] = req.body.length;
    }
    const r = lib.request(u, { method: req.method, headers, timeout: policy.timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= policy.maxRedirects) return reject(new FetchError(url, `more than ${policy.maxRedirects} redirects`));
        const next = new URL(res.headers.location, u).toString();
        return httpRequest(next, policy, req, redirects + 1).then(resolve, reject);
      }
      if (status !== 200) {
        res.resume();
        return reject(new FetchError(url, `HTTP status ${status}`));
      }
      const declared = Number(res.headers["content-length"] ?? "NaN");
      if (declared > policy.maxBytes) {
        res.destroy();
        return reject(new FetchError(url, `response of ${declared} bytes exceeds the ${policy.maxBytes}-byte cap`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > policy.maxBytes) {
          res.destroy();
          reject(new FetchError(url, `response exceeds the ${policy.maxBytes}-byte cap`));
        } else chunks.push(c);
      });
      res.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
      res.on("error", (e) => reject(new FetchError(url, e.message)));
    });
    // The socket timeout covers idle time; the deadline covers a server that trickles bytes.
    const deadline = setTimeout(() => r.destroy(new Error(`no complete answer within ${policy.timeoutMs} ms`)), policy.timeoutMs);
    r.on("timeout", () => r.destroy(new Error(`timed out after ${policy.timeoutMs} ms`)));
    r.on("error", (e) => reject(e instanceof FetchError ? e : new FetchError(url, e.message)));
    r.on("close", () => clearTimeout(deadline));
    if (req.body) r.write(req.body);
    r.end();
  });
}

interface CacheEntry {
  body: Uint8Array;
  expires: number;
}

/**
 * A bounded cache of fetched bodies by URL. The caller says how long an answer stays
 * good (a CRL until its nextUpdate, a certificate bundle for a fixed time).
 */
export class FetchCache {
  private readonly map = new Map<string, CacheEntry>();
  private bytes = 0;
  hits = 0;
  misses = 0;
  evictions = 0;
  /** Requests sent, failed, and asks that joined a request already in flight (counted by the retriever). */
  fetches = 0;
  failures = 0;
  joined = 0;

  constructor(
    private readonly maxEntries = 1_000,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  get(url: string, now = Date.now()): Uint8Array | undefined {
    const e = this.map.get(url);
    if (!e) {
      this.misses++;
      return undefined;
    }
    if (e.expires < now) {
      this.delete(url);
      this.misses++;
      return undefined;
    }
    this.hits++;
    return e.body;
  }

  set(url: string, body: Uint8Array, expires: number): void {
    this.delete(url);
    if (body.length > this.maxBytes) return;
    this.map.set(url, { body, expires });
    this.bytes += body.length;
    while (this.map.size > this.maxEntries || this.bytes > this.maxBytes) {
      this.delete(this.map.keys().next().value as string);
      this.evictions++;
    }
  }

  stats() {
    return { hits: this.hits, misses: this.misses, entries: this.map.size, bytes: this.bytes, evictions: this.evictions, fetches: this.fetches, failures: this.failures, joined: this.joined };
  }

  delete(url: string): void {
    const e = this.map.get(url);
    if (!e) return;
    this.bytes -= e.body.length;
    this.map.delete(url);
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}

/** The process-wide cache used by `verify` (see `clearFetchCache`). */
export const sharedFetchCache = new FetchCache();
