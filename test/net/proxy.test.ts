// Fetching through a real forward proxy (the npm `proxy` package on 127.0.0.1) with the
// origin servers refusing every connection that does not come from the proxy:
// absolute-form requests for http, CONNECT tunnels for https and ldap, the environment
// variables (HTTP_PROXY, NO_PROXY) and their switch, proxy authentication, a proxy that is
// down, and the private-address rule applied to the proxied target.
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VerifyOptions } from "../../src/index.js";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { expectCode, expectPathDers, expectValid, pki, run } from "../discovery/helpers.js";
import { freePort, caEntry, startSlapd, type Slapd } from "../../testsuite/src/published/slapd.js";
import { gate, startForwardProxy, tcpGate, type ForwardProxy } from "./servers.js";
import { FetchError, httpRequest, type FetchPolicy } from "../../src/stores/http.js";
import { LdapFetchError, ldapRead } from "../../src/stores/ldap.js";
import type { Resolver } from "../../src/stores/address-policy.js";

const p = pki("proxy");
const root = p.root("CN=Proxy Root,O=ProxyTest,C=US");
const ica = p.ca("CN=Proxy Issuing CA,O=ProxyTest,C=US", root);
// A TLS server certificate for the https origin (P-256: what every TLS stack signs with).
const tlsRoot = p.root("CN=TLS Test Root,O=ProxyTest,C=US", { keyAlg: "p256" });
// Valid at the real time of the run (TLS checks the clock, not the PKI's reference time).
const tlsServer = p.ee("CN=127.0.0.1,O=ProxyTest,C=US", tlsRoot, {
  keyAlg: "p256",
  notBefore: new Date(Date.now() - 86_400_000),
  notAfter: new Date(Date.now() + 30 * 86_400_000),
  extensions: { subjectAltName: ["ip:127.0.0.1"], extKeyUsage: ["serverAuth"], keyUsage: ["digitalSignature"] },
});

let proxy: ForwardProxy;
let authProxy: ForwardProxy;
let origin: http.Server;
let tlsOrigin: https.Server;
let slapd: Slapd;
let ldapFront: Awaited<ReturnType<typeof tcpGate>>;
let HTTP = "";
let HTTPS = "";
const gates: { on: () => void; off: () => void }[] = [];

/** Host headers the origins received, in order. */
const hostHeaders: string[] = [];
const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
  hostHeaders.push(req.headers.host ?? "");
  if (new URL(req.url ?? "/", "http://x").pathname.endsWith("/ica.cer")) {
    res.writeHead(200, { "content-type": "application/pkix-cert", "content-length": ica.der.length });
    res.end(Buffer.from(ica.der));
  } else {
    res.writeHead(404);
    res.end();
  }
};

beforeAll(async () => {
  proxy = await startForwardProxy();
  authProxy = await startForwardProxy({ auth: { user: "relying party", password: "p:w" } });
  origin = http.createServer(serve);
  tlsOrigin = https.createServer({ cert: tlsServer.pem, key: tlsServer.key.privateKey!.export({ type: "pkcs8", format: "pem" }) as string }, serve);
  gates.push(gate(origin), gate(tlsOrigin));
  await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => tlsOrigin.listen(0, "127.0.0.1", r));
  HTTP = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  HTTPS = `https://127.0.0.1:${(tlsOrigin.address() as AddressInfo).port}`;
  slapd = await startSlapd({ suffix: "c=US", port: await freePort(), entries: [caEntry("cn=Proxy Issuing CA,o=ProxyTest,c=US", { "cACertificate;binary": ica.der })] });
  ldapFront = await tcpGate({ host: slapd.host, port: slapd.port });
  gates.push(ldapFront.gate);
  for (const g of gates) g.on();
});

afterAll(async () => {
  for (const s of [origin, tlsOrigin]) {
    s?.closeAllConnections();
    await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
  }
  await ldapFront?.close();
  await slapd?.stop();
  await proxy?.close();
  await authProxy?.close();
});

let n = 0;
/** A leaf whose AIA names `base` + a path no other test uses (the fetch cache never answers). */
function leaf(urlFor: (tag: string) => string): { ee: Entity; url: string } {
  const tag = `t${++n}`;
  const url = urlFor(tag);
  return { ee: p.ee(`CN=proxied leaf ${tag},O=ProxyTest,C=US`, ica, { extensions: { authorityInfoAccess: { caIssuers: [url] } } }), url };
}
const opts = (fetchPolicy: VerifyOptions["fetchPolicy"]): Partial<VerifyOptions> => ({
  revocation: { fetch: true },
  fetchPolicy: { allowPrivateAddresses: true, proxyFromEnv: false, tlsCa: [tlsRoot.pem], ...fetchPolicy },
});

describe("fetchPolicy.proxy", () => {
  it("http: absolute-form through the proxy; the direct connection is refused", async () => {
    const { ee, url } = leaf((t) => `${HTTP}/${t}/ica.cer`);
    const direct = await run(ee, { anchors: [root], options: opts({}) });
    expectCode(direct, "NO_PATH");
    expect(direct.fetched).toEqual([expect.stringMatching(new RegExp(`^failed ${url}: failed: no answer \\(connection error or timeout\\)$`))]);
    const r = await run(ee, { anchors: [root], options: opts({ proxy: proxy.url }) });
    expectValid(r);
    expectPathDers(r, [ee.der, ica.der, root.der]);
    expect(r.fetched).toEqual([`fetched ${url}: ${ica.der.length} bytes`]);
    expect(proxy.seen).toContain(`GET ${url}`);
  });

  it("https: a CONNECT tunnel, TLS to the origin inside it (checked against fetchPolicy.tlsCa)", async () => {
    const { ee, url } = leaf((t) => `${HTTPS}/${t}/ica.cer`);
    const r = await run(ee, { anchors: [root], options: opts({ proxy: proxy.url }) });
    expectValid(r);
    expect(proxy.seen).toContain(`CONNECT ${HTTPS.slice("https://".length)}`);
    expect(r.fetched).toEqual([`fetched ${url}: ${ica.der.length} bytes`]);
    const untrusted = await run(leaf((t) => `${HTTPS}/${t}/ica.cer`).ee, { anchors: [root], options: opts({ proxy: proxy.url, tlsCa: [root.pem] }) });
    expectCode(untrusted, "NO_PATH");
    expect(untrusted.fetched![0]).toMatch(/: unable to verify the first certificate$|: self.signed|: unable to get (local )?issuer certificate/);
  });

  it("ldap: a CONNECT tunnel to the directory", async () => {
    const { ee, url } = leaf((t) => `ldap://${ldapFront.hostport}/cn=Proxy%20Issuing%20CA,o=ProxyTest,c=US?cACertificate;binary?base?(cn=${t}*)`.replace(`(cn=${t}*)`, `(!(cn=${t}))`));
    const direct = await run(ee, { anchors: [root], options: opts({}) });
    expectCode(direct, "NO_PATH");
    const r = await run(ee, { anchors: [root], options: opts({ proxy: proxy.url }) });
    expectValid(r);
    expect(r.fetched).toEqual([`fetched ${url}: LDAP 1 value(s) of cacertificate`]);
    expect(proxy.seen).toContain(`CONNECT ${ldapFront.hostport}`);
  });

  it("proxy credentials in the URL go as Proxy-Authorization (Basic); without them the proxy answers 407", async () => {
    const { ee, url } = leaf((t) => `${HTTPS}/${t}/ica.cer`);
    const bare = await run(ee, { anchors: [root], options: opts({ proxy: authProxy.url }) });
    expectCode(bare, "NO_PATH");
    expect(bare.fetched).toEqual([`failed ${url}: proxy ${authProxy.url.slice(7)} refused CONNECT ${HTTPS.slice(8)}: HTTP status 407`]);
    const withCreds = authProxy.url.replace("http://", "http://relying%20party:p%3Aw@");
    const r = await run(ee, { anchors: [root], options: opts({ proxy: withCreds }) });
    expectValid(r);
  });

  it("a proxy that is down: the fetch fails naming the proxy", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const { ee, url } = leaf((t) => `${HTTPS}/${t}/ica.cer`);
    const r = await run(ee, { anchors: [root], options: opts({ proxy: dead }) });
    expectCode(r, "NO_PATH");
    expect(r.fetched).toEqual([`failed ${url}: proxy ${dead.slice(7)}: connect ECONNREFUSED ${dead.slice(7)}`]);
  });

  it("a loopback target named in the URL is refused before the proxy is asked, unless allowPrivateAddresses", async () => {
    const { ee, url } = leaf((t) => `${HTTP}/${t}/ica.cer`);
    const before = proxy.seen.length;
    const r = await run(ee, { anchors: [root], options: { revocation: { fetch: true }, fetchPolicy: { proxy: proxy.url } } });
    expectCode(r, "NO_PATH");
    expect(r.fetched).toEqual([`refused ${url}: 127.0.0.1 is a loopback, private, link-local or other non-public address (set fetchPolicy.allowPrivateAddresses or list the host in fetchPolicy.allowHosts)`]);
    expect(proxy.seen.length).toBe(before);
  });

  it("a proxy option that is not an http:// URL is a TypeError", async () => {
    await expect(run(ica, { anchors: [root], options: { fetchPolicy: { proxy: "socks5://127.0.0.1:1080" } } })).rejects.toThrow(/only http:\/\/ forward proxies/);
  });
});

describe("proxy environment variables", () => {
  const saved = { ...process.env };
  const withEnv = async <T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> => {
    for (const k of ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"]) delete process.env[k];
    Object.assign(process.env, env);
    try {
      return await f();
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  };
  const envOpts: Partial<VerifyOptions> = { revocation: { fetch: true }, fetchPolicy: { allowPrivateAddresses: true, tlsCa: [tlsRoot.pem] } };

  it("HTTP_PROXY is honoured by default; proxyFromEnv: false turns it off", async () => {
    const { ee } = leaf((t) => `${HTTP}/${t}/ica.cer`);
    const r = await withEnv({ HTTP_PROXY: proxy.url }, () => run(ee, { anchors: [root], options: envOpts }));
    expectValid(r);
    const off = await withEnv({ HTTP_PROXY: proxy.url }, () => run(leaf((t) => `${HTTP}/${t}/ica.cer`).ee, { anchors: [root], options: { ...envOpts, fetchPolicy: { ...envOpts.fetchPolicy, proxyFromEnv: false } } }));
    expectCode(off, "NO_PATH");
  });

  it("HTTPS_PROXY for https URLs; NO_PROXY sends 127.0.0.1 direct (and the gate refuses it)", async () => {
    const { ee } = leaf((t) => `${HTTPS}/${t}/ica.cer`);
    const before = proxy.seen.length;
    const r = await withEnv({ HTTPS_PROXY: proxy.url }, () => run(ee, { anchors: [root], options: envOpts }));
    expectValid(r);
    expect(proxy.seen.length).toBe(before + 1);
    const direct = await withEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" }, () => run(leaf((t) => `${HTTPS}/${t}/ica.cer`).ee, { anchors: [root], options: envOpts }));
    expectCode(direct, "NO_PATH");
    expect(proxy.seen.length).toBe(before + 1);
  });
});

// Issue 10 item 4: through a proxy, a host name is resolved here and checked like a direct
// connection's answer, and the proxy is sent to the checked address (the proxy would
// otherwise resolve the name where the policy cannot see). The names below are resolved by
// an in-process resolver (fetchPolicy.lookup) to loopback: no hosts file or DNS involved,
// the proxy and the servers are real.
describe("host names through the proxy (resolved and checked here)", () => {
  const names: Record<string, string> = { "origin.test": "127.0.0.1", "directory.test": "127.0.0.1" };
  const asked: string[] = [];
  const lookup: Resolver = (hostname, _o, cb) => {
    asked.push(hostname);
    const a = names[hostname];
    if (a) cb(null, [{ address: a, family: 4 }]);
    else cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
  };
  const policy = (more: Partial<FetchPolicy> = {}): FetchPolicy => ({ timeoutMs: 5000, maxBytes: 1 << 20, maxRedirects: 3, proxy: proxy.url, proxyFromEnv: false, lookup, ...more });
  const port = (base: string) => new URL(base).port;

  it("http: a name that resolves to loopback is refused before the proxy is asked", async () => {
    const url = `http://origin.test:${port(HTTP)}/n1/ica.cer`;
    const before = proxy.seen.length;
    const e = await httpRequest(url, policy()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FetchError);
    expect((e as FetchError).reason).toBe("refused: origin.test (127.0.0.1) is a loopback, private, link-local or other non-public address (set fetchPolicy.allowPrivateAddresses or list the host in fetchPolicy.allowHosts)");
    expect(asked).toContain("origin.test");
    expect(proxy.seen.length).toBe(before);
  });

  it("http: a name that does not resolve here is refused (only the proxy could check it), unless the host is listed", async () => {
    const url = `http://nowhere.test:${port(HTTP)}/n2/ica.cer`;
    const before = proxy.seen.length;
    const e = await httpRequest(url, policy()).catch((x: unknown) => x);
    expect((e as FetchError).reason).toBe("refused: nowhere.test does not resolve here, so its address cannot be checked before asking the proxy (set fetchPolicy.allowPrivateAddresses or list the host in fetchPolicy.allowHosts)");
    expect(proxy.seen.length).toBe(before);
  });

  it("http: an allowed name goes to the proxy as the checked address literal, the Host header keeps the name", async () => {
    const url = `http://origin.test:${port(HTTP)}/n3/ica.cer`;
    const body = await httpRequest(url, policy({ allowHosts: [`origin.test:${port(HTTP)}`] }));
    expect(Buffer.from(body).equals(Buffer.from(ica.der))).toBe(true);
    expect(proxy.seen.at(-1)).toBe(`GET http://127.0.0.1:${port(HTTP)}/n3/ica.cer`);
    expect(hostHeaders.at(-1)).toBe(`origin.test:${port(HTTP)}`);
  });

  it("ldap: the CONNECT tunnel is opened to the checked address; a refused name opens none", async () => {
    const [, lport] = ldapFront.hostport.split(":");
    const url = `ldap://directory.test:${lport}/cn=Proxy%20Issuing%20CA,o=ProxyTest,c=US?cACertificate;binary`;
    const before = proxy.seen.length;
    const e = await ldapRead(url, policy()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LdapFetchError);
    expect((e as LdapFetchError).reason).toBe("refused: directory.test (127.0.0.1) is a loopback, private, link-local or other non-public address (set fetchPolicy.allowPrivateAddresses or list the host in fetchPolicy.allowHosts)");
    expect(proxy.seen.length).toBe(before);
    const r = await ldapRead(url, policy({ allowHosts: [`directory.test:${lport}`] }));
    expect(r.values.map((v) => v.attribute)).toEqual(["cacertificate"]);
    expect(proxy.seen.at(-1)).toBe(`CONNECT 127.0.0.1:${lport}`);
    expect(r.hops).toEqual([{ url, address: "127.0.0.1" }]);
  });
});
