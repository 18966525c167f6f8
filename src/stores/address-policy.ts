// Which network addresses a retrieval may reach (issue 10 item 4). URLs come from
// certificates nobody has validated yet (AIA, CRL distribution points, SIA, LDAP URLs), so
// by default they may not reach the relying party's own network: loopback, private,
// link-local, unique-local and other non-global addresses are refused unless the caller
// sets `fetchPolicy.allowPrivateAddresses` or lists the host in `fetchPolicy.allowHosts`.
// The check is made on the address actually connected to (after DNS resolution), so a
// name that resolves to a public address once and a private one later gains nothing.
// HTTP, LDAP and proxy code all call `addressRefusal` / `guardedLookup` from here.
import { BlockList, isIP } from "node:net";
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from "node:dns";

export interface AddressPolicy {
  /** Let retrievals reach loopback, private, link-local and unique-local addresses (default false). */
  readonly allowPrivateAddresses?: boolean;
  /** Hosts (host or host:port) that may be contacted; a listed host may also be private. */
  readonly allowHosts?: readonly string[];
  /** Name resolution (default: the system resolver, `dns.lookup`); every answer is checked here. */
  readonly lookup?: Resolver;
}

/** `dns.lookup` with `{ all: true }`: every address of a name. */
export type Resolver = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * Address ranges that are not globally reachable unicast (IANA IPv4/IPv6 Special-Purpose
 * Address Registries, RFC 6890): the ranges an attacker would aim a certificate URL at.
 */
const NON_PUBLIC = (() => {
  const b = new BlockList();
  for (const [net, prefix] of [
    ["0.0.0.0", 8], // "this network" (RFC 791); 0.0.0.0 reaches the local host
    ["10.0.0.0", 8], // private (RFC 1918)
    ["100.64.0.0", 10], // shared address space (RFC 6598)
    ["127.0.0.0", 8], // loopback (RFC 1122)
    ["169.254.0.0", 16], // link-local (RFC 3927), cloud metadata services
    ["172.16.0.0", 12], // private (RFC 1918)
    ["192.0.0.0", 24], // IETF protocol assignments (RFC 6890)
    ["192.168.0.0", 16], // private (RFC 1918)
    ["198.18.0.0", 15], // benchmarking (RFC 2544)
    ["224.0.0.0", 4], // multicast
    ["240.0.0.0", 4], // reserved, and 255.255.255.255 broadcast
  ] as const)
    b.addSubnet(net, prefix, "ipv4");
  for (const [net, prefix] of [
    ["::", 128], // unspecified
    ["::1", 128], // loopback (RFC 4291)
    ["fc00::", 7], // unique local (RFC 4193)
    ["fe80::", 10], // link-local (RFC 4291)
    ["fec0::", 10], // site-local, deprecated (RFC 3879)
    ["ff00::", 8], // multicast
  ] as const)
    b.addSubnet(net, prefix, "ipv6");
  return b;
})();

/** The IPv4 address embedded in an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedIpv4(v6: string): string | undefined {
  const m = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(v6);
  if (m) return m[1];
  const h = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(v6);
  if (!h) return undefined;
  const hi = parseInt(h[1]!, 16);
  const lo = parseInt(h[2]!, 16);
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** True for an IP address that is not a globally reachable unicast address. */
export function isNonPublicAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(a);
  if (family === 4) return NON_PUBLIC.check(a, "ipv4");
  if (family === 6) {
    const v4 = embeddedIpv4(a.toLowerCase());
    if (v4 !== undefined) return NON_PUBLIC.check(v4, "ipv4");
    return NON_PUBLIC.check(a, "ipv6");
  }
  return true; // not an address at all: never treated as public
}

/** Is `host` (a hostname, or host:port) on the policy's allow-list? */
export function hostListed(policy: AddressPolicy, hostname: string, port?: string | number): boolean {
  const list = policy.allowHosts;
  if (!list) return false;
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const names = [h, `[${h}]`];
  const withPort = port !== undefined && port !== "" ? names.map((n) => `${n}:${port}`) : [];
  return list.some((x) => {
    const l = x.toLowerCase();
    return names.includes(l) || withPort.includes(l);
  });
}

/**
 * Why a connection from a retrieval for `hostname` to `address` is refused, or undefined
 * when it is allowed: a non-public address needs `allowPrivateAddresses` or a listed host.
 */
export function addressRefusal(policy: AddressPolicy, hostname: string, address: string, port?: string | number): string | undefined {
  if (policy.allowPrivateAddresses || !isNonPublicAddress(address) || hostListed(policy, hostname, port)) return undefined;
  const shown = hostname.replace(/^\[|\]$/g, "") === address ? address : `${hostname} (${address})`;
  return `refused: ${shown} is a loopback, private, link-local or other non-public address (set fetchPolicy.allowPrivateAddresses or list the host in fetchPolicy.allowHosts)`;
}

/** Thrown (through the socket) when the policy refuses an address. */
export class AddressRefusedError extends Error {
  override name = "AddressRefusedError";
  readonly code = "ERR_CERTPATH_ADDRESS_REFUSED";
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request / net.connect / tls.connect that resolves with the system
 * resolver and refuses non-public answers the policy does not allow. The socket then
 * connects to exactly the address checked here (no second resolution to rebind).
 */
export function guardedLookup(policy: AddressPolicy, port?: string | number) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions | number, callback: LookupCallback): void => {
    const opts = typeof options === "number" ? { family: options } : options;
    (policy.lookup ?? systemResolver)(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      const allowed = addresses.filter((a) => addressRefusal(policy, hostname, a.address, port) === undefined);
      if (allowed.length === 0) {
        const reason = addressRefusal(policy, hostname, addresses[0]?.address ?? "", port) ?? "refused: no address";
        return callback(new AddressRefusedError(reason) as NodeJS.ErrnoException, "", 0);
      }
      if ((opts as LookupAllOptions).all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

/**
 * The address a retrieval through a forward proxy is sent to (issue 10 item 4): the proxy
 * would resolve a name itself, where the policy cannot see the answer, so the name is
 * resolved here (the policy's resolver, each answer checked like a direct connection's)
 * and the proxy is asked for the checked address literal; the Host header / TLS server
 * name keep the name. Resolves to undefined when the proxy gets the name unchecked:
 * private addresses allowed (nothing to check), or a host on the allow-list that does not
 * resolve here. Rejects with AddressRefusedError when no answer is allowed, or when a name
 * not on the allow-list does not resolve here (a name only the proxy can resolve cannot
 * be checked, so it is refused).
 */
export function proxyTargetAddress(policy: AddressPolicy, hostname: string, port?: string | number): Promise<string | undefined> {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (policy.allowPrivateAddresses) return Promise.resolve(undefined);
  if (isIP(host)) {
    const reason = addressRefusal(policy, host, host, port);
    return reason ? Promise.reject(new AddressRefusedError(reason)) : Promise.resolve(host);
  }
  return new Promise((resolve, reject) => {
    guardedLookup(policy, port)(host, { all: true }, (err, addresses) => {
      if (err instanceof AddressRefusedError) return reject(err);
      if (!err && Array.isArray(addresses) && addresses.length) return resolve(addresses[0]!.address);
      if (hostListed(policy, host, port)) return resolve(undefined);
      reject(new AddressRefusedError(`refused: ${host} does not resolve here, so its address cannot be checked before asking the proxy (set fetchPolicy.allowPrivateAddresses or list the host in fetchPolicy.allowHosts)`));
    });
  });
}
