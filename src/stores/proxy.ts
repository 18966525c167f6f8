// HTTP forward proxies for every fetch (AIA, SIA, CRL distribution points, OCSP, LDAP):
// `fetchPolicy.proxy`, else the conventional environment variables.
//  - http URLs: the request goes to the proxy with the absolute URI as its target
//    (RFC 9112 3.2.2, absolute-form);
//  - https, ldap and ldaps URLs: a CONNECT tunnel (RFC 9110 9.3.6) to the target's host
//    and port, TLS (for https/ldaps) end to end inside it.
// Environment, as curl reads it: `<scheme>_proxy` (lower case first, then upper case;
// HTTP_PROXY, HTTPS_PROXY, LDAP_PROXY, LDAPS_PROXY), then ALL_PROXY; NO_PROXY lists hosts
// reached directly ("*" for all, "example.com" or ".example.com" for the domain and its
// subdomains, "host:port", an IP address, or an IP prefix "10.0.0.0/8"). An explicit
// `fetchPolicy.proxy` ignores the environment (NO_PROXY included): every fetch uses it.
import http from "node:http";
import net from "node:net";

export interface ProxyPolicy {
  /** An `http://[user:password@]host:port` forward proxy for every fetch. */
  proxy?: string;
  /** Read HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY when `proxy` is not set (default true). */
  proxyFromEnv?: boolean;
}

export class ProxyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProxyError";
  }
}

/** Checks a proxy URL (http only: a TLS connection to the proxy itself is not supported). */
export function parseProxyUrl(proxy: string, where = "proxy"): URL {
  let u: URL;
  try {
    u = new URL(proxy);
  } catch {
    throw new ProxyError(`${where}: "${proxy}" is not a URL`);
  }
  if (u.protocol !== "http:") throw new ProxyError(`${where}: "${proxy}": only http:// forward proxies are supported`);
  if (u.pathname !== "/" || u.search || u.hash) throw new ProxyError(`${where}: "${proxy}": a proxy URL is scheme, host and port only`);
  return u;
}

type Env = Record<string, string | undefined>;

function envValue(env: Env, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v && v.trim() ? v.trim() : undefined;
}

const bare = (h: string) => h.replace(/^\[|\]$/g, "").toLowerCase();

/** Whether NO_PROXY lets `host:port` be reached directly. */
export function noProxyMatches(noProxy: string, host: string, port: number): boolean {
  const h = bare(host);
  for (const raw of noProxy.split(/[\s,]+/)) {
    if (!raw) continue;
    if (raw === "*") return true;
    let entry = raw.toLowerCase();
    let entryPort: number | undefined;
    const pm = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (pm) {
      entry = pm[1]!;
      entryPort = Number(pm[2]);
    }
    entry = bare(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr && net.isIP(cidr[1]!) && net.isIP(h)) {
      const bl = new net.BlockList();
      try {
        bl.addSubnet(cidr[1]!, Number(cidr[2]), net.isIP(cidr[1]!) === 6 ? "ipv6" : "ipv4");
      } catch {
        continue;
      }
      if (bl.check(h, net.isIP(h) === 6 ? "ipv6" : "ipv4")) return true;
      continue;
    }
    const domain = entry.replace(/^\*?\./, "");
    if (h === domain || h.endsWith(`.${domain}`)) return true;
  }
  return false;
}

/** The proxy a fetch of `target` goes through, or undefined for a direct connection. */
export function proxyFor(target: URL, policy: ProxyPolicy, env: Env = process.env): URL | undefined {
  if (policy.proxy) return parseProxyUrl(policy.proxy, "fetchPolicy.proxy");
  if (policy.proxyFromEnv === false) return undefined;
  const scheme = target.protocol.replace(/:$/, "");
  const value = envValue(env, `${scheme}_proxy`) ?? envValue(env, "all_proxy");
  if (!value) return undefined;
  const noProxy = envValue(env, "no_proxy");
  if (noProxy && noProxyMatches(noProxy, target.hostname, targetPort(target))) return undefined;
  return parseProxyUrl(value, `${scheme.toUpperCase()}_PROXY`);
}

const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443, "ldap:": 389, "ldaps:": 636 };

export function targetPort(u: URL): number {
  return u.port ? Number(u.port) : (DEFAULT_PORTS[u.protocol] ?? 0);
}

/** The Proxy-Authorization header for credentials in the proxy URL (RFC 9110 11.7.1, Basic). */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const cred = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { "proxy-authorization": `Basic ${Buffer.from(cred).toString("base64")}` };
}

/**
 * Where an absolute-form request for an http URL goes (RFC 9112 3.2.2). With `address`
 * (an address literal the fetch policy checked), the request-target names that address,
 * so the proxy connects there instead of resolving the name again; the Host header keeps
 * the name (a proxy that rewrites Host from the request-target sends the address instead).
 */
export function absoluteFormRequest(proxy: URL, target: URL, address?: string): http.RequestOptions {
  let path = target.href;
  if (address !== undefined) {
    const pinned = new URL(target.href);
    pinned.hostname = net.isIP(address) === 6 ? `[${address}]` : address;
    path = pinned.href;
  }
  return {
    // Both: http.request(url, options) keeps the URL's `hostname`, which wins over `host`.
    hostname: bare(proxy.hostname),
    host: bare(proxy.hostname),
    port: Number(proxy.port || 80),
    path,
    headers: { host: target.host, ...proxyAuthorization(proxy) },
  };
}

/**
 * Opens a CONNECT tunnel through `proxy` to host:port (RFC 9110 9.3.6) and resolves to
 * the raw socket once the proxy answers 2xx. Rejects on any other answer or after `timeoutMs`.
 */
export function connectTunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  const authority = net.isIP(bare(host)) === 6 ? `[${bare(host)}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: bare(proxy.hostname),
      port: Number(proxy.port || 80),
      method: "CONNECT",
      path: authority,
      headers: { host: authority, ...proxyAuthorization(proxy) },
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new Error(`proxy ${proxy.host}: no CONNECT answer within ${timeoutMs} ms`)), timeoutMs);
    req.on("connect", (res, socket, head) => {
      clearTimeout(timer);
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        socket.destroy();
        return reject(new ProxyError(`proxy ${proxy.host} refused CONNECT ${authority}: HTTP status ${status}`));
      }
      // Bytes the target sent before we read them belong to the tunnel's stream.
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.on("response", (res) => {
      clearTimeout(timer);
      res.resume();
      reject(new ProxyError(`proxy ${proxy.host}: unexpected answer ${res.statusCode} to CONNECT`));
    });
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e instanceof ProxyError ? e : new ProxyError(`proxy ${proxy.host}: ${e.message}`));
    });
    req.end();
  });
}
