// HTTP retrieval for AIA caIssuers, SIA caRepository and CRL distribution points
// (RFC 5280 4.2.2.1, 4.2.2.2, 4.2.1.13), fail-safe: only http and https, one deadline per
// retrieval (redirects included), a cap on the response size, redirects only to
// http/https, only a few, each checked like the first URL, no non-public address unless
// allowed (./address-policy.ts), an optional host allow-list, and a bounded cache.
import http from "node:http";
import https from "node:https";
import net, { isIP } from "node:net";
import tls from "node:tls";
import { AddressRefusedError, addressRefusal, guardedLookup, hostListed, proxyTargetAddress, type Resolver } from "./address-policy.js";
import { absoluteFormRequest, connectTunnel, proxyFor, targetPort } from "./proxy.js";
import type { LdapOptions } from "./ldap.js";
import type { ProxyPolicy } from "./proxy.js";
import { UrlError } from "./url-error.js";

export interface FetchPolicy extends ProxyPolicy {
  /** Time for one whole retrieval, redirects included (connect + response), milliseconds. */
  timeoutMs: number;
  /** Largest response body accepted, bytes. */
  maxBytes: number;
  /** Redirects followed (http/https targets only). */
  maxRedirects: number;
  /** When set, only these hosts (host or host:port) may be contacted; a listed host may be private. */
  allowHosts?: readonly string[];
  /** Let retrievals reach loopback, private, link-local and unique-local addresses (default false; HTTP and LDAP). */
  allowPrivateAddresses?: boolean;
  /** CA certificates (PEM) trusted for https and ldaps fetches instead of Node's defaults. */
  tlsCa?: string[];
  /** Name resolution for fetches (default: the system resolver); every answer passes the address check. */
  lookup?: Resolver;
  /** LDAP retrieval options (credentials, referrals, directories). */
  ldap?: LdapOptions;
}

export const DEFAULT_FETCH_POLICY: Readonly<FetchPolicy> = Object.freeze({
  timeoutMs: 5_000,
  maxBytes: 4 * 1024 * 1024,
  maxRedirects: 3,
});

export class FetchError extends UrlError {}

/** Checks a URL against the policy (scheme, allow-list, address literals); returns the parsed URL or throws FetchError. */
export function checkUrl(url: string, policy: FetchPolicy, schemes: readonly string[] = ["http:", "https:"]): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FetchError(url, "not a valid URL");
  }
  if (!schemes.includes(u.protocol)) throw new FetchError(url, `scheme ${u.protocol} is not fetched (only ${schemes.map((x) => x.slice(0, -1)).join(", ")})`);
  if (policy.allowHosts && !hostListed(policy, u.hostname, u.port)) throw new FetchError(url, `refused: host ${u.host} is not in the allow-list`);
  // An address literal (the URL parser has already turned 0x7f000001 and 2130706433 into 127.0.0.1).
  const literal = u.hostname.replace(/^\[|\]$/g, "");
  if (isIP(literal)) {
    const refusal = addressRefusal(policy, u.hostname, literal, u.port);
    if (refusal) throw new FetchError(url, refusal);
  }
  return u;
}

export interface HttpRequest {
  method: "GET" | "POST";
  body?: Uint8Array;
  contentType?: string;
  accept?: string;
  /** Called with the headers of the 200 answer (for Cache-Control / Expires). */
  onHeaders?: (headers: http.IncomingHttpHeaders) => void;
  /** Aborts the retrieval (the call's deadline, for every fetch of a round at once). */
  signal?: AbortSignal;
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

/**
 * What a failed socket reports is not passed on: the per-URL text of `fetched` would
 * otherwise tell an attacker which internal ports are open, closed or filtered.
 */
function socketFailure(e: Error): string {
  if (e instanceof AddressRefusedError) return e.message;
  // Operating-system socket errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENOTFOUND, ...) and timeouts
  // say which ports answer: not passed on. Errors of a conversation that did happen (TLS verification) are.
  const code = String((e as NodeJS.ErrnoException).code ?? "");
  if (/^E[A-Z]/.test(code) || e.name === "AbortError" || e.message === "deadline" || e.message === "timeout") return "failed: no answer (connection error or timeout)";
  return `failed: ${e.message}`;
}

/** The URLs a retrieval went through (the first, then each redirect target) and the address each was fetched from. */
export type Hops = { readonly url: string; readonly address: string }[];

/**
 * One retrieval with the policy's limits: the request, and each redirect checked like the
 * first URL, all within one deadline of `policy.timeoutMs` (issue 10 item 7: each hop used
 * to get a fresh timer). Resolves to the body of the final 200 answer; `hops` (when given)
 * receives the URLs and connected addresses, for the cache's policy check.
 */
export async function httpRequest(url: string, policy: FetchPolicy, req: HttpRequest = { method: "GET" }, hops: Hops = [], deadlineAt = Date.now() + policy.timeoutMs): Promise<Uint8Array> {
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const left = deadlineAt - Date.now();
    if (left <= 0) throw new FetchError(url, `failed: no complete answer within ${policy.timeoutMs} ms`);
    let hop: Awaited<ReturnType<typeof oneRequest>>;
    try {
      hop = await oneRequest(current, policy, req, left);
    } catch (e) {
      // A redirect target's refusal or failure is reported for the URL asked for, with its reason.
      if (e instanceof FetchError && e.url !== url) throw new FetchError(url, e.reason);
      throw e;
    }
    hops.push({ url: current, address: hop.address });
    if (hop.location === undefined) return hop.body!;
    if (redirects >= policy.maxRedirects) throw new FetchError(url, `more than ${policy.maxRedirects} redirects`);
    try {
      current = new URL(hop.location, current).toString();
    } catch {
      throw new FetchError(url, "redirect to an invalid URL");
    }
  }
}

async function oneRequest(url: string, policy: FetchPolicy, req: HttpRequest, budgetMs: number): Promise<{ address: string; body?: Uint8Array; location?: string }> {
  const u = checkUrl(url, policy);
  const lib = u.protocol === "https:" ? https : http;
  const started = Date.now();
  // Through a forward proxy (./proxy.ts): absolute-form for http, a CONNECT tunnel for https.
  // The proxy would resolve the name where the policy cannot see the answer: the name is
  // resolved and checked here, and the proxy is sent to the checked address literal (the
  // Host header and the TLS server name keep the name). Unchecked only when the policy
  // needs no check (private addresses allowed, or the host on the allow-list).
  const proxy = proxyFor(u, policy);
  let via: http.RequestOptions = {};
  let address = "";
  if (proxy) {
    const literal = u.hostname.replace(/^\[|\]$/g, "");
    let checked: string | undefined;
    try {
      checked = await proxyTargetAddress(policy, literal, u.port);
    } catch (e) {
      throw new FetchError(url, (e as Error).message);
    }
    address = checked ?? "";
    if (u.protocol === "http:") via = absoluteFormRequest(proxy, u, checked);
    else {
      let socket: net.Socket;
      try {
        socket = await connectTunnel(proxy, checked ?? literal, targetPort(u), budgetMs);
      } catch (e) {
        throw new FetchError(url, (e as Error).message); // the proxy is the caller's choice: its errors are passed on
      }
      via = { createConnection: () => tls.connect({ socket, host: literal, servername: net.isIP(literal) ? undefined : literal, ca: policy.tlsCa }) } as http.RequestOptions;
    }
  }
  const timeoutMs = Math.max(1, budgetMs - (Date.now() - started));
  const hardAt = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (req.accept) headers["accept"] = req.accept;
    if (req.body) {
      headers["content-type"] = req.contentType ?? "application/octet-stream";
      headers["content-length"] = req.body.length;
    }
    const fail = (reason: string) => reject(new FetchError(url, reason));
    // The lookup refuses non-public answers the policy does not allow; the socket connects to the address checked.
    const direct = proxy ? {} : { lookup: guardedLookup(policy, u.port) as never, agent: false };
    const r = lib.request(u, { ...(policy.tlsCa && u.protocol === "https:" ? { ca: policy.tlsCa } : {}), ...direct, ...via, method: req.method, headers: { ...headers, ...(via.headers as object) }, timeout: timeoutMs, ...(req.signal ? { signal: req.signal } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        return resolve({ address, location: res.headers.location });
      }
      if (status !== 200) {
        res.resume();
        return fail(`HTTP status ${status}`);
      }
      req.onHeaders?.(res.headers);
      const declared = Number(res.headers["content-length"] ?? "NaN");
      if (declared > policy.maxBytes) {
        res.destroy();
        return fail(`response of ${declared} bytes exceeds the ${policy.maxBytes}-byte cap`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        // The deadline read per chunk too: a turn of the event loop reading several large
        // answers at once ran ~20 ms past it before the timers' turn came (bench/deadlines.mjs).
        if (Date.now() > hardAt) {
          res.destroy();
          return fail(socketFailure(new Error("deadline")));
        }
        size += c.length;
        if (size > policy.maxBytes) {
          res.destroy();
          fail(`response exceeds the ${policy.maxBytes}-byte cap`);
        } else chunks.push(c);
      });
      res.on("end", () => {
        const b = Buffer.concat(chunks, size); // one copy (a 16 MiB body is a few ms), viewed, not copied again
        resolve({ address, body: new Uint8Array(b.buffer, b.byteOffset, b.length) });
      });
      res.on("error", (e) => fail(socketFailure(e)));
    });
    // The connected address is checked too (an address literal, or whatever the socket reached).
    r.on("socket", (sock) => {
      if (proxy) return; // connected to the proxy, which is the caller's choice
      const check = () => {
        address = sock.remoteAddress ?? "";
        const refusal = addressRefusal(policy, u.hostname, address, u.port);
        if (refusal) r.destroy(new AddressRefusedError(refusal));
      };
      if ((sock as { connecting?: boolean }).connecting) sock.once("connect", check);
      else check();
    });
    // The socket timeout covers idle time; the deadline covers a server that trickles bytes.
    const deadline = setTimeout(() => r.destroy(new Error("deadline")), timeoutMs);
    r.on("timeout", () => r.destroy(new Error("timeout")));
    r.on("error", (e) => reject(e instanceof FetchError ? e : new FetchError(url, socketFailure(e))));
    r.on("close", () => clearTimeout(deadline));
    if (req.body) r.write(req.body);
    r.end();
  });
}

interface CacheEntry {
  body: Uint8Array;
  expires: number;
  /** The URLs and addresses the body came through (empty when stored by hand). */
  hops: Hops;
  /** Bytes received for it (an LDAP read counts the protocol too): what the asking call's maxBytes must allow. */
  size: number;
}

/** What a loader hands the cache: the body, and until when it may be reused. */
export interface Fetched {
  body: Uint8Array;
  /** Absolute time (ms) after which the body is not reused; at or before now: not stored. */
  expires: number;
  /** The URLs and addresses the body came through, for the policy check of later lookups. */
  hops?: Hops;
  /** Bytes received for it, when more than the body (default: the body's length). */
  size?: number;
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

  private readonly inFlight = new Map<string, Promise<Fetched>>();

  constructor(
    readonly maxEntries: number = 1_000,
    public maxBytes: number = 32 * 1024 * 1024,
    /** Longest any body is reused, whatever its nextUpdate or headers say. */
    readonly maxAgeMs = 24 * 3600_000,
  ) {}

  /**
   * The body for `key`: from the cache, from a fetch already in flight for the same key,
   * or from `load` (whose answer is then stored until its expiry).
   */
  async getOrFetch(key: string, load: () => Promise<Fetched>, now = Date.now(), policy?: FetchPolicy): Promise<{ body: Uint8Array; from: "cache" | "joined" | "network" }> {
    const cached = this.get(key, now, policy);
    if (cached) return { body: cached, from: "cache" };
    const pending = this.inFlight.get(key);
    if (pending) {
      this.joined++;
      const f = await pending;
      // A joined answer, too, only within the asking call's policy (issue 10 item 9).
      if (policy && !allowedFor(policy, key, f.size ?? f.body.length, f.hops ?? [])) throw new FetchError(key, "refused: the answer in flight came through an address or host this call's policy does not allow");
      return { body: f.body, from: "joined" };
    }
    this.fetches++;
    const p = load().then(
      (f) => {
        this.keep(key, f);
        return f;
      },
      (e) => {
        this.failures++;
        throw e;
      },
    );
    this.inFlight.set(key, p);
    try {
      return { body: (await p).body, from: "network" };
    } finally {
      this.inFlight.delete(key);
    }
  }

  /**
   * A fresh cached body for `url`; with `policy`, only if that policy would have allowed
   * fetching it (issue 10 item 9): every URL it came through passes the scheme and
   * allow-list check, every address it came from the private-address check, and the body
   * fits the policy's maxBytes. Otherwise it is a miss, and the caller fetches under its own policy.
   */
  get(url: string, now = Date.now(), policy?: FetchPolicy): Uint8Array | undefined {
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
    if (policy && !allowedFor(policy, url, e.size, e.hops)) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return e.body;
  }

  /**
   * Stores a fetched answer until its expiry (never beyond `maxAgeMs`); an answer already
   * expired is not stored. For a caller that decides the expiry after the fetch (parsing
   * waits until every fetch of a round is in: issue 10 item 7).
   */
  keep(key: string, f: Fetched): void {
    const expires = Math.min(f.expires, Date.now() + this.maxAgeMs);
    if (expires > Date.now()) this.set(key, f.body, expires, f.hops, f.size);
  }

  set(url: string, body: Uint8Array, expires: number, hops: Hops = [], size = body.length): void {
    this.delete(url);
    if (body.length > this.maxBytes) return;
    this.map.set(url, { body, expires, hops, size });
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

  /** Sets the byte bound and evicts down to it. */
  setMaxBytes(maxBytes: number): void {
    this.maxBytes = maxBytes;
    while (this.bytes > this.maxBytes && this.map.size) this.delete(this.map.keys().next().value as string);
  }
}

const CACHED_SCHEMES = ["http:", "https:", "ldap:", "ldaps:"] as const;

/** Would `policy` have allowed the retrieval of `url` (HTTP or LDAP) that produced `size` bytes through `hops`? */
function allowedFor(policy: FetchPolicy, url: string, size: number, hops: Hops): boolean {
  if (size > policy.maxBytes) return false;
  if (hops.length > policy.maxRedirects + 1) return false;
  const isUrl = /^(https?|ldaps?):/i.test(url);
  try {
    // A key that is not a URL (an OCSP POST key) is checked through its hops alone.
    if (isUrl) checkUrl(url, policy, CACHED_SCHEMES);
    // Stored without its hops (by hand): checked as if it came from a non-public address.
    for (const h of hops.length ? hops : [{ url: isUrl ? url : "http://0.0.0.0/", address: "0.0.0.0" }]) {
      const u = checkUrl(h.url, policy, CACHED_SCHEMES);
      if (addressRefusal(policy, u.hostname, h.address, u.port) !== undefined) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** The process-wide cache used by `verify` (see `clearFetchCache`). */
export const sharedFetchCache = new FetchCache();
