// Issue 10 items 4, 7 and 9 against a real HTTP server on 127.0.0.1: URLs from certificates
// nobody validated may not reach loopback or private addresses (in any spelling, after DNS,
// through redirects) unless the caller allows it; the `fetched` list carries no raw socket
// error; one deadline covers a whole retrieval, redirects included; and the fetch cache
// answers a call only if that call's own policy would have allowed the fetch.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verify, type VerifyOptions } from "../../src/index.js";
import { TestPki, type Entity } from "../../testsuite/src/generate/pki.js";
import { addressRefusal, isNonPublicAddress } from "../../src/stores/address-policy.js";

const NOW = new Date("2025-01-01T00:00:00Z");
const p = new TestPki({ now: NOW, seed: "hardening-fetch" });
const root = p.root("CN=Fetch Root,O=Hardening,C=US");
const ica = p.ca("CN=Fetch Issuing CA,O=Hardening,C=US", root);

let server: http.Server;
let port = 0;
const hits: string[] = [];
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const routes = new Map<string, Handler>();
const serveIca: Handler = (_q, res) => {
  res.writeHead(200, { "content-type": "application/pkix-cert", "content-length": ica.der.length });
  res.end(Buffer.from(ica.der));
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    hits.push(path);
    const h = routes.get(path);
    if (h) return h(req, res);
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let n = 0;
/** An end entity under the issuing CA (which nobody is given) whose AIA caIssuers is `url`. */
function eeWithAia(url: string): Entity {
  return p.ee(`CN=Fetch EE ${++n},O=Hardening,C=US`, ica, { extensions: { authorityInfoAccess: { caIssuers: [url] } } });
}

function run(ee: Entity, fetchPolicy?: VerifyOptions["fetchPolicy"]) {
  return verify({ target: ee.der, trustAnchors: [root.der], time: NOW, revocation: { fetch: true }, fetchPolicy });
}

describe("address policy (issue 10 item 4)", () => {
  it("classifies loopback, private, link-local, unique-local and mapped addresses as non-public", () => {
    for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.5", "169.254.169.254", "0.0.0.0", "100.64.0.1", "::1", "fc00::1", "fd12::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::"])
      expect(isNonPublicAddress(a), a).toBe(true);
    for (const a of ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:8.8.8.8"]) expect(isNonPublicAddress(a), a).toBe(false);
    expect(addressRefusal({ allowHosts: ["crl.internal"] }, "crl.internal", "10.0.0.7")).toBeUndefined();
    expect(addressRefusal({ allowPrivateAddresses: true }, "x", "10.0.0.7")).toBeUndefined();
    expect(addressRefusal({}, "x", "10.0.0.7")).toMatch(/^refused: x \(10\.0\.0\.7\) is a loopback, private/);
  });

  for (const host of ["127.0.0.1", "localhost", "0x7f000001", "2130706433", "[::1]", "127.1"]) {
    it(`an AIA URL naming ${host} is refused by default: no request, and 'fetched' says refused`, async () => {
      const path = `/ssrf/${encodeURIComponent(host)}.cer`;
      routes.set(path, serveIca);
      const r = await run(eeWithAia(`http://${host}:${port}${path}`));
      expect(r.error?.code).toBe("NO_PATH");
      expect(hits).not.toContain(path);
      expect(r.fetched).toHaveLength(1);
      expect(r.fetched![0]).toMatch(/^refused http:\/\/.*: .*is a loopback, private, link-local or other non-public address/);
    });
  }

  it("with fetchPolicy.allowPrivateAddresses the same fetch happens and the path is found", async () => {
    routes.set("/ssrf/allowed.cer", serveIca);
    const r = await run(eeWithAia(`http://localhost:${port}/ssrf/allowed.cer`), { allowPrivateAddresses: true });
    expect(r.valid, r.error?.message).toBe(true);
    expect(hits).toContain("/ssrf/allowed.cer");
  });

  it("a host listed in allowHosts may be private; a 302 from it to another private host is re-checked and refused", async () => {
    routes.set("/ssrf/redirect.cer", (_q, res) => {
      res.writeHead(302, { location: `http://localhost:${port}/ssrf/internal.cer` });
      res.end();
    });
    routes.set("/ssrf/internal.cer", serveIca);
    const r = await run(eeWithAia(`http://127.0.0.1:${port}/ssrf/redirect.cer`), { allowHosts: [`127.0.0.1:${port}`] });
    expect(hits).toContain("/ssrf/redirect.cer");
    expect(hits).not.toContain("/ssrf/internal.cer");
    expect(r.error?.code).toBe("NO_PATH");
    expect(r.fetched![0]).toMatch(/^refused .*not in the allow-list/);
  });

  it("a failed connection is reported without the socket's error text (no port scanner)", async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = http.createServer();
      s.listen(0, "127.0.0.1", () => {
        const q = (s.address() as AddressInfo).port;
        s.close(() => resolve(q));
      });
    });
    const r = await run(eeWithAia(`http://127.0.0.1:${closed}/x.cer`), { allowPrivateAddresses: true });
    expect(r.fetched).toEqual([`failed http://127.0.0.1:${closed}/x.cer: failed: no answer (connection error or timeout)`]);
    expect(r.fetched![0]).not.toMatch(/ECONN|EADDR|127\.0\.0\.1:\d+$/);
  });
});

describe("one deadline per retrieval (issue 10 item 7)", () => {
  it("three hops (two redirects) answering after 450 ms each do not fit a 1000 ms fetch timeout (each hop used to get a fresh timer)", { timeout: 20_000 }, async () => {
    for (let i = 0; i < 3; i++)
      routes.set(`/slow/${i}`, (_q, res) => {
        setTimeout(() => {
          res.writeHead(302, { location: `/slow/${i + 1}` });
          res.end();
        }, 450);
      });
    routes.set("/slow/3", serveIca);
    const r = await run(eeWithAia(`http://127.0.0.1:${port}/slow/0`), { allowPrivateAddresses: true, timeoutMs: 1000 });
    expect(r.error?.code).toBe("NO_PATH");
    expect(r.fetched![0]).toMatch(/^failed .*no (complete )?answer/);
    expect(hits).not.toContain("/slow/3");
  });
});

describe("the fetch cache answers only within the asking call's policy (issue 10 item 9)", () => {
  it("a cached answer is not given to a call whose allowHosts, private-address policy or maxBytes would have refused it", async () => {
    routes.set("/cache/ica.cer", serveIca);
    const url = `http://127.0.0.1:${port}/cache/ica.cer`;
    const ee = eeWithAia(url);
    const first = await run(ee, { allowPrivateAddresses: true });
    expect(first.valid, first.error?.message).toBe(true);
    expect(hits.filter((h) => h === "/cache/ica.cer")).toHaveLength(1);

    const again = await run(ee, { allowPrivateAddresses: true });
    expect(again.valid).toBe(true);
    expect(again.fetched).toEqual([`fetched ${url}: from cache`]);

    const otherHosts = await run(ee, { allowHosts: ["pki.example.org"], allowPrivateAddresses: true });
    expect(otherHosts.error?.code).toBe("NO_PATH");
    expect(otherHosts.fetched![0]).toMatch(/^refused .*not in the allow-list/);

    const defaultPolicy = await run(ee);
    expect(defaultPolicy.error?.code).toBe("NO_PATH");
    expect(defaultPolicy.fetched![0]).toMatch(/^refused /);

    const small = await run(ee, { allowPrivateAddresses: true, maxBytes: 100 });
    expect(small.error?.code).toBe("NO_PATH");
    expect(small.fetched![0]).toMatch(/^failed .*exceeds the 100-byte cap/);
    // The refused calls did not contact the server; the small one asked and was cut.
    expect(hits.filter((h) => h === "/cache/ica.cer")).toHaveLength(2);
  });
});

describe("a round's fetches are all read before any is parsed (issue 10 item 7)", () => {
  // ~4 MiB of PEM: 8,000 distinct certificates (serials patched into one template), which
  // takes the parser hundreds of milliseconds; none is an issuer of anything here.
  function bigBundle(): Buffer {
    const template = Buffer.from(p.ca("CN=Bundle Filler,O=Hardening,C=US", root, { serial: 0xabcdefn }).der);
    const at = template.indexOf(Buffer.from([0xab, 0xcd, 0xef]));
    expect(at).toBeGreaterThan(0);
    const parts: string[] = [];
    for (let i = 0; i < 8000; i++) {
      const d = Buffer.from(template);
      d[at + 1] = (i >> 8) & 0xff;
      d[at + 2] = i & 0xff;
      parts.push(`-----BEGIN CERTIFICATE-----\n${d.toString("base64")}\n-----END CERTIFICATE-----\n`);
    }
    return Buffer.from(parts.join(""));
  }

  it("a large, slow-to-parse bundle and an answer that comes just after it: both fetched in the round, the path found", { timeout: 30_000 }, async () => {
    const big = bigBundle();
    const seen: string[] = [];
    let bigSent!: () => void;
    const bigDone = new Promise<void>((r) => (bigSent = r));
    routes.set("/round/big.p7c", (_q, res) => {
      seen.push("big requested");
      res.writeHead(200, { "content-type": "application/x-pem-file", "content-length": big.length });
      res.end(big, () => bigSent());
    });
    // The issuer is served 30 ms after the big body has gone out: while the old retriever
    // was parsing that body (twice: once for the cache's expiry) with the event loop held,
    // so this answer's fetch deadline passed unread.
    routes.set("/round/ica.cer", (_q, res) => {
      seen.push("ica requested");
      void bigDone.then(() =>
        setTimeout(() => {
          seen.push("ica answered");
          serveIca(_q, res);
        }, 30),
      );
    });
    const bigUrl = `http://127.0.0.1:${port}/round/big.p7c`;
    const icaUrl = `http://127.0.0.1:${port}/round/ica.cer`;
    const ee = p.ee("CN=Round EE,O=Hardening,C=US", ica, { extensions: { authorityInfoAccess: { caIssuers: [bigUrl, icaUrl] } } });
    const r = await verify({ target: ee.der, trustAnchors: [root.der], time: NOW, revocation: { fetch: true }, fetchPolicy: { allowPrivateAddresses: true, timeoutMs: 600, maxBytes: 8 << 20 } });
    // Both requests reached the server (in either order), and the issuer's answer was sent.
    expect([...seen].sort()).toEqual(["big requested", "ica answered", "ica requested"]);
    expect(r.fetched).toEqual([`fetched ${bigUrl}: ${big.length} bytes`, `fetched ${icaUrl}: ${ica.der.length} bytes`]);
    expect(r.error?.message).toBeUndefined();
    expect(r.valid).toBe(true);
  });
});
