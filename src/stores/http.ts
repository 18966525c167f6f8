// HTTP retrieval for AIA caIssuers, SIA caRepository and CRL distribution points
// (RFC 5280 4.2.2.1, 4.2.2.2, 4.2.1.13), fail-safe: only http and https, a timeout per
// request, a cap on the response size, redirects only to http/https and only a few,
// an optional host allow-list, and a bounded cache shared by the calls of a process.
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { isPrivateAddress } from "./ldap.js";
import { absoluteFormRequest, connectTunnel, proxyFor, targetPort } from "./proxy.js";
import type { LdapOptions } from "./ldap.js";
import type { ProxyPolicy } from "./proxy.js";

export interface FetchPolicy extends ProxyPolicy {
  /** Per-request timeout (connect + response), milliseconds. */
  timeoutMs: number;
  /** Largest response body accepted, bytes. */
  maxBytes: number;
  /** Redirects followed (http/https targets only). */
  maxRedirects: number;
  /** When set, only these hosts (host or host:port) may be contacted. */
  allowHosts?: readonly string[];
  /** Loopback and private addresses may be contacted (tests, intranets). LDAP checks it now. */
  allowPrivateAddresses?: boolean;
  /** CA certificates (PEM) trusted for https and ldaps fetches instead of Node's defaults. */
  tlsCa?: string[];
  /** LDAP retrieval options (credentials, referrals, directories). */
  ldap?: LdapOptions;
}

export const DEFAULT_FETCH_POLICY: Readonly<FetchPolicy> = Object.freeze({
  timeoutMs: 5_000,
  maxBytes: 4 * 1024 * 1024,
  maxRedirects: 3,
});

export class FetchError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${url}: ${reason}`);
    this.name = "FetchError";
  }
}

/** Checks a URL against the policy; returns the parsed URL or throws FetchError. */
export function checkUrl(url: string, policy: FetchPolicy, schemes: readonly string[] = ["http:", "https:"]): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FetchError(url, "not a valid URL");
  }
  if (!schemes.includes(u.protocol)) throw new FetchError(url, `scheme ${u.protocol} is not fetched (only ${schemes.map((x) => x.slice(0, -1)).join(", ")})`);
  if (policy.allowHosts && !policy.allowHosts.includes(u.host) && !policy.allowHosts.includes(u.hostname))
    throw new FetchError(url, `host ${u.host} is not in the allow-list`);
  return u;
}

export interface HttpRequest {
  method: "GET" | "POST";
  body?: Uint8Array;
  contentType?: string;
  accept?: string;
  /** Called with the headers of the 200 answer (for Cache-Control / Expires). */
  onHeaders?: (headers: http.IncomingHttpHeaders) => void;
}

/**
 * How long an HTTP answer may be reused by its own headers (RFC 9111 5.2.2.1 max-age,
 * 5.3 Expires; no-store and no-cache mean not at all): an absolute time in ms, or
 * undefined when the headers say nothing.
 */
export function httpExpiry(headers: http.IncomingHttpHeaders, now = Date.now()): number | undefined {
  const cc = String(headers["cache-control"] ?? "").toLowerCase();
  if (/(^|[,\s])(no-store|no-cache)([,\s=]|$)/.test(cc)) return now;
  const m = /(^|[,\s])max-age\s*=\s*"?(\d+)/.exec(cc);
  if (m) return now + Number(m[2]) * 1000;
  const exp = headers["expires"];
  if (exp !== undefined) {
    const t = Date.parse(String(exp));
    // RFC 9111 5.3: an invalid date means "already expired".
    return Number.isNaN(t) ? now : t;
  }
  return undefined;
}

/** One request with the policy's limits; resolves to the body of a 200 answer. */
export async function httpRequest(url: string, policy: FetchPolicy, req: HttpRequest = { method: "GET" }, redirects = 0): Promise<Uint8Array> {
  const u = checkUrl(url, policy);
  const lib = u.protocol === "https:" ? https : http;
  const started = Date.now();
  // Through a forward proxy (./proxy.ts): absolute-form for http, a CONNECT tunnel for https.
  const proxy = proxyFor(u, policy);
  let via: http.RequestOptions = {};
  if (proxy) {
    const literal = u.hostname.replace(/^\[|\]$/g, "");
    if (!policy.allowPrivateAddresses && (net.isIP(literal) || literal.toLowerCase() === "localhost") && isPrivateAddress(literal))
      throw new FetchError(url, `address ${literal} is loopback or private; refused (fetchPolicy.allowPrivateAddresses is off)`);
    if (u.protocol === "http:") via = absoluteFormRequest(proxy, u);
    else {
      let socket: net.Socket;
      try {
        socket = await connectTunnel(proxy, literal, targetPort(u), policy.timeoutMs);
      } catch (e) {
        throw new FetchError(url, (e as Error).message);
      }
      via = { createConnection: () => tls.connect({ socket, host: literal, servername: net.isIP(literal) ? undefined : literal, ca: policy.tlsCa }) } as http.RequestOptions;
    }
  }
  const timeoutMs = Math.max(1, policy.timeoutMs - (Date.now() - started));
  return new Promise<Uint8Array>((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (req.accept) headers["accept"] = req.accept;
    if (req.body) {
      headers["content-type"] = req.contentType ?? "application/octet-stream";
      headers["content-length"] = req.body.length;
    }
    const r = lib.request(u, { ...(policy.tlsCa && u.protocol === "https:" ? { ca: policy.tlsCa } : {}), ...via, method: req.method, headers: { ...headers, ...(via.headers as object) }, timeout: timeoutMs }, (res) => {
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
      req.onHeaders?.(res.headers);
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
    const deadline = setTimeout(() => r.destroy(new Error(`no complete answer within ${policy.timeoutMs} ms`)), timeoutMs);
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

/** What a loader hands the cache: the body, and until when it may be reused. */
export interface Fetched {
  body: Uint8Array;
  /** Absolute time (ms) after which the body is not reused; at or before now: not stored. */
  expires: number;
}

/**
 * A bounded cache of fetched bodies, keyed by URL and request (an OCSP POST's key holds
 * its request). The loader says how long an answer stays good (a CRL until its nextUpdate,
 * HTTP Cache-Control / Expires, whichever is first), never beyond `maxAgeMs`. Bounded by
 * count and bytes, oldest first out. One fetch per key is in flight at a time: a second
 * asker joins the first one's request (single flight).
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

  private readonly inFlight = new Map<string, Promise<Uint8Array>>();

  constructor(
    readonly maxEntries = 1_000,
    readonly maxBytes = 64 * 1024 * 1024,
    /** Longest any body is reused, whatever its nextUpdate or headers say. */
    readonly maxAgeMs = 24 * 3600_000,
  ) {}

  /**
   * The body for `key`: from the cache, from a fetch already in flight for the same key,
   * or from `load` (whose answer is then stored until its expiry).
   */
  async getOrFetch(key: string, load: () => Promise<Fetched>, now = Date.now()): Promise<{ body: Uint8Array; from: "cache" | "joined" | "network" }> {
    const cached = this.get(key, now);
    if (cached) return { body: cached, from: "cache" };
    const pending = this.inFlight.get(key);
    if (pending) {
      this.joined++;
      return { body: await pending, from: "joined" };
    }
    this.fetches++;
    const p = load().then(
      (f) => {
        const expires = Math.min(f.expires, Date.now() + this.maxAgeMs);
        if (expires > Date.now()) this.set(key, f.body, expires);
        return f.body;
      },
      (e) => {
        this.failures++;
        throw e;
      },
    );
    this.inFlight.set(key, p);
    try {
      return { body: await p, from: "network" };
    } finally {
      this.inFlight.delete(key);
    }
  }

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

  get size(): number {
    return this.map.size;
  }
}

/** The process-wide cache used by `verify` (see `clearFetchCache`). */
export const sharedFetchCache = new FetchCache();
