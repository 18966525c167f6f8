// LDAP retrieval of certificates and CRLs (RFC 4516 URLs in AIA, SIA and CRL distribution
// points, RFC 5280 4.2.1.13 / 4.2.2.1 / 4.2.2.2; attributes of RFC 4523 and RFC 2587),
// with the `ldapts` client (maintained, no native code, promise API, and a hook to hand it
// our own socket, which is what lets the fetch policy hold: the connected address is
// checked, the bytes received are counted, and the socket may be a proxy tunnel).
//
// One read = one connection: connect (directly or through a CONNECT tunnel), TLS for
// ldaps, an anonymous bind unless credentials are configured for that host (RFC 4513
// 5.1.1: no Bind request at all is an anonymous session; 5.1.3 simple bind), one search
// with the URL's base, scope, filter and attributes, unbind. Limits: the time left
// (connect + search), the byte cap on everything received, the host allow-list, private
// addresses refused unless allowed, entries per search, and referrals (RFC 4511 4.1.10)
// followed only when `followReferrals` is set, each hop checked like the first.
import net from "node:net";
import tls from "node:tls";
import { Client, Control, type Entry } from "ldapts";
import { parseLdapUrl, LdapUrlError, type LdapUrl } from "./ldap-url.js";
import { connectTunnel, proxyFor } from "./proxy.js";
import { AddressRefusedError, addressRefusal, guardedLookup, hostListed, proxyTargetAddress } from "./address-policy.js";
import type { FetchPolicy } from "./http.js";
import { UrlError } from "./url-error.js";

export interface LdapCredentials {
  /** The directory this applies to: "host" or "host:port". Other hosts get an anonymous session. */
  host: string;
  /** Simple bind (RFC 4513 5.1.3): the bind DN and password. */
  dn: string;
  password: string;
}

export interface LdapOptions {
  /** Simple-bind credentials per directory; never sent to a host not listed. */
  credentials?: LdapCredentials[];
  /** Follow referrals and search continuation references (RFC 4511 4.1.10, 4.5.3); default false. */
  followReferrals?: boolean;
  /**
   * Directories to ask for issuers by name (RFC 4158 3.1): `ldap://host[:port]/base-dn`;
   * the entry named by a certificate's issuer DN (under the base) is read for
   * cACertificate and crossCertificatePair.
   */
  directories?: string[];
}

/** LDAP reads obey the same fetch policy as HTTP (time, size, redirects as referral hops, hosts, addresses, TLS CAs). */
export type LdapFetchPolicy = FetchPolicy;

/** One attribute value read: the attribute's name (lower case, options dropped) and its bytes. */
export interface LdapValue {
  readonly attribute: string;
  readonly value: Uint8Array;
}

export class LdapFetchError extends UrlError {}

/** Entries one search may return (base scope returns one). */
const MAX_ENTRIES = 100;
/** RFC 3296 ManageDsaIT: read a referral object itself (its `ref` values) instead of being referred. */
const MANAGE_DSA_IT = "2.16.840.1.113730.3.4.2";
/** Result code names (RFC 4511 Appendix A.1) for messages. */
const RESULT_NAMES: Record<number, string> = {
  1: "operationsError",
  2: "protocolError",
  3: "timeLimitExceeded",
  4: "sizeLimitExceeded",
  7: "authMethodNotSupported",
  8: "strongerAuthRequired",
  11: "adminLimitExceeded",
  12: "unavailableCriticalExtension",
  13: "confidentialityRequired",
  34: "invalidDNSyntax",
  48: "inappropriateAuthentication",
  49: "invalidCredentials",
  50: "insufficientAccessRights",
  51: "busy",
  52: "unavailable",
  53: "unwillingToPerform",
  80: "other",
};
/** LDAP result code 10, referral (RFC 4511 4.1.9). */
const REFERRAL = 10;

function credentialsFor(u: LdapUrl, policy: LdapFetchPolicy): LdapCredentials | undefined {
  const hostport = `${u.host}:${u.port}`;
  return policy.ldap?.credentials?.find((c) => c.host === hostport || c.host === u.host);
}

/** Whether reading `url` would bind with configured credentials (such reads are not cached). */
export function usesCredentials(url: string, policy: LdapFetchPolicy): boolean {
  try {
    return credentialsFor(parseLdapUrl(url), policy) !== undefined;
  } catch {
    return false;
  }
}

function checkHost(url: string, u: LdapUrl, policy: LdapFetchPolicy): void {
  if (!u.host) throw new LdapFetchError(url, "the URL names no directory host (RFC 4516 2: a client would have to guess one)");
  const hostport = `${u.host}:${u.port}`;
  if (policy.allowHosts && !hostListed(policy, u.host, u.port))
    throw new LdapFetchError(url, `host ${hostport} is not in the allow-list`);
}

/** The fetch policy's address rule (address-policy.ts, shared with HTTP): checked on the connected address. */
function refuseAddress(url: string, u: LdapUrl, address: string | undefined, policy: LdapFetchPolicy): void {
  const reason =
    address === undefined
      ? policy.allowPrivateAddresses ? undefined : "refused: the connected address is unknown"
      : addressRefusal(policy, u.host, address, u.port);
  if (reason !== undefined) throw new LdapFetchError(url, reason);
}

/** When a read must be done (epoch ms), and which bound that is, for the message. */
interface Deadline {
  readonly at: number;
  readonly what: string;
}

/**
 * Rejects with `onTimeout()` once the wall clock reaches `at`. Re-armed until then: a timer
 * set right after long synchronous work fires early (libuv measures from its cached time).
 */
function withTimeout<T>(p: Promise<T>, at: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      const fire = () => {
        const left = at - Date.now();
        if (left > 0) timer = setTimeout(fire, left);
        else reject(onTimeout());
      };
      fire();
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * What a failed connection reports is not passed on (issue 10 item 4, as for HTTP): the
 * per-URL text of `fetched` would otherwise tell an attacker which internal ports are
 * open, closed or filtered. Errors of a conversation that did happen (TLS, LDAP results) are.
 */
const NO_ANSWER = "failed: no answer (connection error or timeout)";

/** A connected socket to the directory (its address checked before and after connecting) or through the proxy; TLS for ldaps. */
async function openSocket(url: string, u: LdapUrl, policy: LdapFetchPolicy, deadline: Deadline): Promise<{ socket: net.Socket; address: string }> {
  const hostInUrl = net.isIP(u.host) === 6 ? `[${u.host}]` : u.host;
  const proxy = proxyFor(new URL(`${u.secure ? "ldaps" : "ldap"}://${hostInUrl}:${u.port}/`), policy);
  let raw: net.Socket;
  let address = "";
  if (proxy) {
    // The name is resolved and checked here, and the tunnel opened to the checked address
    // (address-policy.ts proxyTargetAddress); the TLS server name keeps the name.
    let checked: string | undefined;
    try {
      checked = await proxyTargetAddress(policy, u.host, u.port);
    } catch (e) {
      throw new LdapFetchError(url, (e as Error).message);
    }
    address = checked ?? "";
    try {
      raw = await connectTunnel(proxy, checked ?? u.host, u.port, deadline.at - Date.now());
    } catch (e) {
      throw new LdapFetchError(url, (e as Error).message); // the proxy is the caller's choice: its errors are passed on
    }
  } else {
    // An address literal is checked before any packet is sent; a name by the guarded lookup
    // (the socket connects to the address it checked); the connected address once more.
    if (net.isIP(u.host)) refuseAddress(url, u, u.host, policy);
    const s = net.connect({ host: u.host, port: u.port, lookup: guardedLookup(policy, u.port) as never });
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          s.once("connect", resolve);
          s.once("error", reject);
        }),
        deadline.at,
        () => new LdapFetchError(url, NO_ANSWER),
      );
      refuseAddress(url, u, s.remoteAddress, policy);
    } catch (e) {
      s.destroy();
      if (e instanceof AddressRefusedError) throw new LdapFetchError(url, e.message);
      throw e instanceof LdapFetchError ? e : new LdapFetchError(url, NO_ANSWER);
    }
    address = s.remoteAddress ?? "";
    raw = s;
  }
  if (!u.secure) return { socket: raw, address };
  const t = tls.connect({ socket: raw, host: u.host, servername: net.isIP(u.host) ? undefined : u.host, ca: policy.tlsCa });
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        t.once("secureConnect", resolve);
        t.once("error", reject);
      }),
      deadline.at,
      () => new LdapFetchError(url, NO_ANSWER),
    );
  } catch (e) {
    t.destroy();
    raw.destroy();
    if (e instanceof LdapFetchError) throw e;
    // A socket error during the handshake says nothing more than a failed connection; a TLS verdict is passed on.
    throw new LdapFetchError(url, /^E[A-Z]/.test(String((e as NodeJS.ErrnoException).code ?? "")) && !/^ERR_/.test(String((e as NodeJS.ErrnoException).code)) ? NO_ANSWER : `TLS: ${(e as Error).message}`);
  }
  return { socket: t, address };
}

function entryValues(entry: Entry): LdapValue[] {
  const out: LdapValue[] = [];
  for (const [key, v] of Object.entries(entry)) {
    if (key === "dn") continue;
    const attribute = key.split(";")[0]!.toLowerCase();
    for (const x of Array.isArray(v) ? v : [v]) out.push({ attribute, value: new Uint8Array(typeof x === "string" ? Buffer.from(x, "utf8") : x) });
  }
  return out;
}

interface Search {
  values: LdapValue[];
  bound: boolean;
  /** Continuation references / referral URLs the server answered with. */
  referrals: string[];
  entries: number;
  /** The address the socket was connected to (the checked proxy target through a proxy; "" when unchecked). */
  address: string;
  /** Bytes received on the connection. */
  received: number;
}

/** One connection, one search. */
async function searchOnce(url: string, u: LdapUrl, policy: LdapFetchPolicy, deadline: Deadline): Promise<Search> {
  const { socket, address } = await openSocket(url, u, policy, deadline);
  let received = 0;
  let capHit: (e: Error) => void = () => {};
  const cap = new Promise<never>((_, reject) => (capHit = reject));
  cap.catch(() => {});
  socket.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received > policy.maxBytes) {
      capHit(new LdapFetchError(url, `answer exceeds the ${policy.maxBytes}-byte cap`));
      socket.destroy();
    }
  });
  const client = new Client({ url: `ldap://${net.isIP(u.host) === 6 ? `[${u.host}]` : u.host}:${u.port}`, createConnection: (() => socket) as never, strictDN: false });
  const cred = credentialsFor(u, policy);
  const attributes = [...u.attributes];
  const run = async (): Promise<Search> => {
    if (cred) await client.bind(cred.dn, cred.password);
    try {
      const r = await client.search(u.dn, {
        scope: u.scope,
        filter: u.filter,
        attributes,
        explicitBufferAttributes: attributes,
        sizeLimit: u.scope === "base" ? 1 : MAX_ENTRIES,
        timeLimit: Math.max(1, Math.ceil((deadline.at - Date.now()) / 1000)),
      });
      return { values: r.searchEntries.flatMap(entryValues), referrals: r.searchReferences, entries: r.searchEntries.length, bound: !!cred, address, received };
    } catch (e) {
      if ((e as { code?: number }).code !== REFERRAL) throw e;
      // ldapts drops the referral URLs of an LDAPResult (RFC 4511 4.1.10); with ManageDsaIT
      // (RFC 3296 3) the same server hands over the referral object's `ref` values instead.
      if (!policy.ldap?.followReferrals) return { values: [], referrals: ["(not read: fetchPolicy.ldap.followReferrals is off)"], entries: 0, bound: !!cred, address, received };
      const r = await client.search(u.dn, { scope: "base", attributes: ["ref"], sizeLimit: 1 }, new Control(MANAGE_DSA_IT));
      const refs = r.searchEntries.flatMap((en) => (Array.isArray(en.ref) ? en.ref : en.ref ? [en.ref] : []).map(String));
      return { values: [], referrals: refs.length ? refs : ["(the referral names no URL)"], entries: 0, bound: !!cred, address, received };
    }
  };
  try {
    const r = await withTimeout(Promise.race([run(), cap]), deadline.at, () => new LdapFetchError(url, NO_ANSWER));
    return { ...r, received };
  } catch (e) {
    if (e instanceof LdapFetchError) throw e;
    if (received > policy.maxBytes) throw new LdapFetchError(url, `answer exceeds the ${policy.maxBytes}-byte cap`);
    const code = (e as { code?: unknown }).code;
    if (code === 32) throw new LdapFetchError(url, `no such entry "${u.dn}" (LDAP noSuchObject)`);
    if (typeof code === "number") {
      const text = (e as Error).message.replace(/\s*Code: 0x[0-9a-f]+$/i, "").trim();
      throw new LdapFetchError(url, `LDAP result ${code} (${RESULT_NAMES[code] ?? "other"}, RFC 4511 4.1.9)${text ? `: ${text}` : ""}`);
    }
    // A socket error (reset, closed by the peer) says no more than a failed connection: not passed on.
    if (typeof code === "string" && /^E[A-Z]/.test(code) && !code.startsWith("ERR_")) throw new LdapFetchError(url, NO_ANSWER);
    throw new LdapFetchError(url, `LDAP: ${(e as Error).message.split("\n").pop()}`);
  } finally {
    client.unbind().catch(() => {});
    socket.destroy();
  }
}

export interface LdapRead {
  readonly values: LdapValue[];
  /** Read with credentials: not to be cached for callers that may not have them. */
  readonly bound: boolean;
  /** What happened, for the `fetched` log: entries, values, referral hops. */
  readonly detail: string;
  /** Each URL read (the first, then each referral) and the address it was read from, for the cache's policy check. */
  readonly hops: { readonly url: string; readonly address: string }[];
  /** Bytes received over all hops (what `maxBytes` bounded). */
  readonly received: number;
}

/**
 * Reads the attributes an LDAP URL names. `deadline` is the call's (epoch ms); the policy's
 * timeout bounds each read too. Throws LdapFetchError (or LdapUrlError) with the reason.
 */
export async function ldapRead(url: string, policy: LdapFetchPolicy, deadline = Date.now() + policy.timeoutMs): Promise<LdapRead> {
  const own = Date.now() + policy.timeoutMs;
  // Cut by the call's budget: 2 ms past it (timers may fire a little early), so the call's
  // own budget check after the fetch sees the budget spent and reports it.
  const end: Deadline = deadline < own ? { at: deadline + 2, what: "the call's time budget (limits.timeoutMs)" } : { at: own, what: `the ${policy.timeoutMs} ms fetch timeout` };
  let u: LdapUrl;
  try {
    u = parseLdapUrl(url);
  } catch (e) {
    throw e instanceof LdapUrlError ? new LdapFetchError(url, e.reason) : e;
  }
  if (u.attributes.length === 0) throw new LdapFetchError(url, "the URL names no attribute (RFC 5280 4.2.1.13 and 4.2.2.1 require one)");
  let current = url;
  let cu = u;
  const hops: string[] = [];
  const read: { url: string; address: string }[] = [];
  let received = 0;
  for (;;) {
    checkHost(current, cu, policy);
    const r = await searchOnce(current, cu, policy, end);
    read.push({ url: current, address: r.address });
    received += r.received;
    if (r.referrals.length === 0) {
      const via = hops.length ? ` via referral${hops.length > 1 ? "s" : ""} to ${hops.join(" -> ")}` : "";
      if (r.entries === 0) throw new LdapFetchError(url, `no entry "${cu.dn}"${via}`);
      const names = [...new Set(r.values.map((v) => v.attribute))];
      return { values: r.values, bound: r.bound, hops: read, received, detail: r.values.length ? `LDAP ${r.values.length} value(s) of ${names.join(", ")}${via}` : `LDAP entry "${cu.dn}" holds none of ${cu.attributes.join(", ")}${via}` };
    }
    if (!policy.ldap?.followReferrals) throw new LdapFetchError(url, `the directory answered with a referral (RFC 4511 4.1.10); not followed (fetchPolicy.ldap.followReferrals is off)`);
    if (hops.length >= policy.maxRedirects) throw new LdapFetchError(url, `more than ${policy.maxRedirects} referrals`);
    // RFC 4511 4.1.10: the first URL the client can use; its DN, else the original DN.
    const next = r.referrals.find((ref) => {
      try {
        parseLdapUrl(ref);
        return true;
      } catch {
        return false;
      }
    });
    if (!next) throw new LdapFetchError(url, `referral to ${r.referrals.join(", ")}: no usable LDAP URL`);
    const nu = parseLdapUrl(next);
    cu = { ...nu, dn: nu.dn || cu.dn, attributes: nu.attributes.length ? nu.attributes : cu.attributes, scope: nu.dn ? nu.scope : cu.scope, filter: nu.dn ? nu.filter : cu.filter };
    current = next;
    hops.push(`${cu.host}:${cu.port}`);
  }
}

// The fetch cache holds bytes: the values of one read are framed as
// [1-byte name length][name][4-byte length][value]... so they can be cached like an HTTP body.

export function encodeLdapValues(values: readonly LdapValue[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const v of values) {
    const name = Buffer.from(v.attribute, "latin1");
    const head = Buffer.alloc(5 + name.length);
    head[0] = name.length;
    name.copy(head, 1);
    head.writeUInt32BE(v.value.length, 1 + name.length);
    parts.push(head, Buffer.from(v.value));
  }
  return new Uint8Array(Buffer.concat(parts));
}

export function decodeLdapValues(body: Uint8Array): LdapValue[] {
  const b = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const out: LdapValue[] = [];
  for (let p = 0; p < b.length; ) {
    const n = b[p]!;
    const attribute = b.toString("latin1", p + 1, p + 1 + n);
    const len = b.readUInt32BE(p + 1 + n);
    const start = p + 5 + n;
    out.push({ attribute, value: new Uint8Array(b.subarray(start, start + len)) });
    p = start + len;
  }
  return out;
}
