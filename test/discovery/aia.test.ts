// Retrieval of missing issuers (RFC 5280 4.2.2.1 AIA caIssuers, 4.2.2.2 SIA
// caRepository) from a real local HTTP server on 127.0.0.1, and the safety rules
// of the fetcher: only http(s), no redirect to another scheme, a size cap, a
// per-request timeout and a host allow-list. Every URL is unique to its test, so the
// process-wide fetch cache never answers for a test what another test fetched.
import http from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { oid, seq } from "../../testsuite/src/generate/der.js";
import { encodeGeneralName } from "../../testsuite/src/generate/names.js";
import { dn, expectCode, expectPathDers, expectValid, p7c, pki, run, subjects } from "./helpers.js";

const p = pki("discovery-aia");
const root = p.root("CN=AIA Root,O=Dom1,C=US");
const ica = p.ca("CN=AIA Issuing CA,O=Dom1,C=US", root);
const other = p.ca("CN=Unrelated CA,O=Dom1,C=US", root);

let server: http.Server;
let base = "";
/** Paths the server was asked for, in order. */
const hits: string[] = [];
const hanging: http.ServerResponse[] = [];
let tmp = "";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const routes = new Map<string, Handler>();

const der = (body: Uint8Array, type = "application/pkix-cert"): Handler => (_q, res) => {
  res.writeHead(200, { "content-type": type, "content-length": body.length });
  res.end(Buffer.from(body));
};

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "certpath-aia-"));
  writeFileSync(join(tmp, "ica.cer"), ica.der);
  server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    hits.push(path);
    const h = routes.get(path);
    if (!h) {
      res.writeHead(404);
      res.end();
      return;
    }
    h(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

/** An EE under the issuing CA whose AIA caIssuers lists `urls`; the CA is given to nobody. */
function eeWithAia(tag: string, urls: string[]): Entity {
  return p.ee(`CN=${tag},O=Dom1,C=US`, ica, { extensions: { authorityInfoAccess: { caIssuers: urls } } });
}

// The servers here listen on 127.0.0.1: loopback must be allowed explicitly (issue 10 item 4).
const LOCAL = { allowPrivateAddresses: true };
const FETCH = { revocation: { fetch: true }, fetchPolicy: LOCAL };

describe("AIA caIssuers from a local HTTP server", () => {
  it("DER at the AIA URL: found with fetch, listed in `fetched`; NO_PATH without fetch (and no request made)", async () => {
    routes.set("/der/ica.cer", der(ica.der));
    const ee = eeWithAia("aia-der", [`${base}/der/ica.cer`]);

    const before = hits.length;
    const off = await run(ee, { anchors: [root] });
    expectCode(off, "NO_PATH");
    expect(off.fetched).toBeUndefined();
    expect(hits.length).toBe(before);

    const on = await run(ee, { anchors: [root], options: FETCH });
    expectValid(on);
    expectPathDers(on, [ee.der, ica.der, root.der]);
    expect(on.fetched).toHaveLength(1);
    expect(on.fetched![0]).toMatch(new RegExp(`^fetched ${base}/der/ica\\.cer: `));
    expect(hits.filter((h) => h === "/der/ica.cer")).toHaveLength(1);
  });

  it("a certs-only CMS .p7c at the AIA URL (with an unrelated CA next to the right one)", async () => {
    routes.set("/p7c/ica.p7c", der(p7c([other, ica]), "application/pkcs7-mime"));
    const ee = eeWithAia("aia-p7c", [`${base}/p7c/ica.p7c`]);
    const r = await run(ee, { anchors: [root], options: FETCH });
    expectValid(r);
    expect(subjects(r)).toEqual([dn("CN=aia-p7c,O=Dom1,C=US"), dn("CN=AIA Issuing CA,O=Dom1,C=US"), dn("CN=AIA Root,O=Dom1,C=US")]);
    expectPathDers(r, [ee.der, ica.der, root.der]);
    expect(r.fetched!.some((f) => f.startsWith(`fetched ${base}/p7c/ica.p7c`))).toBe(true);
  });

  it("a dead first URL (404) and a working second one", async () => {
    routes.set("/two/ica.cer", der(ica.der));
    const ee = eeWithAia("aia-two", [`${base}/two/missing.cer`, `${base}/two/ica.cer`]);
    const r = await run(ee, { anchors: [root], options: FETCH });
    expectValid(r);
    expect(r.fetched!.some((f) => f.startsWith(`failed ${base}/two/missing.cer`) && f.includes("404"))).toBe(true);
  });

  it("two hops: the fetched intermediate's own AIA leads to the next one", async () => {
    const sub = p.ca("CN=AIA Sub CA,O=Dom1,C=US", ica, { extensions: { authorityInfoAccess: { caIssuers: [`${base}/hop/ica.cer`] } } });
    routes.set("/hop/sub.cer", der(sub.der));
    routes.set("/hop/ica.cer", der(ica.der));
    const ee = p.ee("CN=aia-hop,O=Dom1,C=US", sub, { extensions: { authorityInfoAccess: { caIssuers: [`${base}/hop/sub.cer`] } } });
    const r = await run(ee, { anchors: [root], options: FETCH });
    expectValid(r);
    expectPathDers(r, [ee.der, sub.der, ica.der, root.der]);
    expect(r.fetched).toHaveLength(2);
  });

  it("one hop deeper: the target's issuer is at hand, only its own issuer comes from its AIA", async () => {
    const sub = p.ca("CN=AIA Sub CA 2,O=Dom1,C=US", ica, { extensions: { authorityInfoAccess: { caIssuers: [`${base}/deep/ica.cer`] } } });
    routes.set("/deep/ica.cer", der(ica.der));
    const ee = p.ee("CN=aia-deep,O=Dom1,C=US", sub);
    const r = await run(ee, { intermediates: [sub], anchors: [root], options: FETCH });
    expectValid(r);
    expectPathDers(r, [ee.der, sub.der, ica.der, root.der]);
    expect(r.fetched).toEqual([expect.stringMatching(new RegExp(`^fetched ${base}/deep/ica\\.cer: `))]);
  });

  it("a redirect to another http URL is followed", async () => {
    routes.set("/redir-ok/a.cer", (_q, res) => {
      res.writeHead(302, { location: "/redir-ok/b.cer" });
      res.end();
    });
    routes.set("/redir-ok/b.cer", der(ica.der));
    const ee = eeWithAia("aia-redirect-ok", [`${base}/redir-ok/a.cer`]);
    const r = await run(ee, { anchors: [root], options: FETCH });
    expectValid(r);
    expect(hits).toContain("/redir-ok/b.cer");
  });

  it("a redirect loop ends after a few hops, as a failed fetch", async () => {
    routes.set("/loop/a.cer", (_q, res) => {
      res.writeHead(302, { location: "/loop/a.cer" });
      res.end();
    });
    const ee = eeWithAia("aia-redirect-loop", [`${base}/loop/a.cer`]);
    const r = await run(ee, { anchors: [root], options: FETCH });
    expectCode(r, "NO_PATH");
    expect(r.fetched![0]).toMatch(/^failed .*redirects/);
    expect(hits.filter((h) => h === "/loop/a.cer").length).toBeLessThanOrEqual(5);
  });
});

describe("what the fetcher refuses", () => {
  it("non-http schemes (ldap://, file://) are never fetched, even with the certificate on disk", async () => {
    const fileUrl = `file://${join(tmp, "ica.cer")}`;
    routes.set("/ldap/ica.cer", der(ica.der));
    const ee = eeWithAia("aia-schemes", [`ldap://127.0.0.1:${new URL(base).port}/ldap/ica.cer`, fileUrl]);
    const r = await run(ee, { anchors: [root], options: FETCH });
    expectCode(r, "NO_PATH");
    expect((r.fetched ?? []).some((f) => f.startsWith("fetched"))).toBe(false);
    expect(hits).not.toContain("/ldap/ica.cer");
  });

  it("an http URL that redirects to file:// is refused", async () => {
    routes.set("/redir-file/ica.cer", (_q, res) => {
      res.writeHead(302, { location: `file://${join(tmp, "ica.cer")}` });
      res.end();
    });
    const ee = eeWithAia("aia-redirect-file", [`${base}/redir-file/ica.cer`]);
    const r = await run(ee, { anchors: [root], options: FETCH });
    expectCode(r, "NO_PATH");
    expect(r.fetched).toHaveLength(1);
    expect(r.fetched![0]).toMatch(new RegExp(`^failed ${base}/redir-file/ica\\.cer: .*scheme file: is not fetched`));
  });

  it("a response over fetchPolicy.maxBytes is refused (declared length, and streamed without one)", async () => {
    routes.set("/big/declared.cer", der(ica.der));
    routes.set("/big/chunked.cer", (_q, res) => {
      res.writeHead(200, { "content-type": "application/pkix-cert" });
      const b = Buffer.from(ica.der);
      res.write(b.subarray(0, 64));
      setTimeout(() => res.end(b.subarray(64)), 10);
    });
    const policy = { ...LOCAL, maxBytes: 100 };
    expect(ica.der.length).toBeGreaterThan(100);

    const ee1 = eeWithAia("aia-big-declared", [`${base}/big/declared.cer`]);
    const r1 = await run(ee1, { anchors: [root], options: { ...FETCH, fetchPolicy: policy } });
    expectCode(r1, "NO_PATH");
    expect(r1.fetched![0]).toMatch(/^failed .*exceeds the 100-byte cap/);

    const ee2 = eeWithAia("aia-big-chunked", [`${base}/big/chunked.cer`]);
    const r2 = await run(ee2, { anchors: [root], options: { ...FETCH, fetchPolicy: policy } });
    expectCode(r2, "NO_PATH");
    expect(r2.fetched![0]).toMatch(/^failed .*exceeds the 100-byte cap/);

    // The same body under the default cap is fine.
    const ee3 = eeWithAia("aia-big-ok", [`${base}/big/declared.cer?ok`]);
    expectValid(await run(ee3, { anchors: [root], options: FETCH }));
  });

  it("a server that never answers is cut by fetchPolicy.timeoutMs", async () => {
    routes.set("/hang/ica.cer", (_q, res) => {
      hanging.push(res);
    });
    const ee = eeWithAia("aia-hang", [`${base}/hang/ica.cer`]);
    const t0 = performance.now();
    const r = await run(ee, { anchors: [root], options: { ...FETCH, fetchPolicy: { ...LOCAL, timeoutMs: 300 } } });
    const ms = performance.now() - t0;
    expectCode(r, "NO_PATH");
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(10_000); // the server never answers: without the timeout this would hang
    expect(r.fetched![0]).toMatch(/^failed .*failed: no (complete )?answer/);
  });

  it("a server that trickles its answer is cut by the same timeout", async () => {
    routes.set("/trickle/ica.cer", (_q, res) => {
      res.writeHead(200, { "content-type": "application/pkix-cert" });
      const b = Buffer.from(ica.der);
      let i = 0;
      const t = setInterval(() => {
        if (res.destroyed || i >= b.length) return clearInterval(t);
        res.write(b.subarray(i, ++i));
      }, 50);
      res.on("close", () => clearInterval(t));
      hanging.push(res);
    });
    const ee = eeWithAia("aia-trickle", [`${base}/trickle/ica.cer`]);
    const t0 = performance.now();
    const r = await run(ee, { anchors: [root], options: { ...FETCH, fetchPolicy: { ...LOCAL, timeoutMs: 300 } } });
    expect(performance.now() - t0).toBeLessThan(10_000);
    expectCode(r, "NO_PATH");
    expect(r.fetched![0]).toMatch(/^failed /);
  });

  it("fetchPolicy.allowHosts without 127.0.0.1 prevents the request; with it, the fetch happens", async () => {
    routes.set("/allow/ica.cer", der(ica.der));
    const ee = eeWithAia("aia-allow", [`${base}/allow/ica.cer`]);
    const denied = await run(ee, { anchors: [root], options: { ...FETCH, fetchPolicy: { allowHosts: ["pki.example.org"] } } });
    expectCode(denied, "NO_PATH");
    expect(denied.fetched![0]).toMatch(/^refused .*not in the allow-list/);
    expect(hits).not.toContain("/allow/ica.cer");

    const ee2 = eeWithAia("aia-allow-2", [`${base}/allow/ica.cer?2`]);
    const allowed = await run(ee2, { anchors: [root], options: { ...FETCH, fetchPolicy: { allowHosts: ["127.0.0.1"] } } });
    expectValid(allowed);
    expect(hits).toContain("/allow/ica.cer");
  });
});

describe("SIA caRepository of the trust anchor", () => {
  // RFC 5280 4.2.2.2: caRepository in a CA certificate points at certificates the CA issued.
  const sia = (url: string) => ({
    oid: "1.3.6.1.5.5.7.1.11",
    valueDer: seq(seq(oid("1.3.6.1.5.5.7.48.5"), encodeGeneralName(`uri:${url}`))),
  });

  it("the anchor's repository holds the cross-certificate that leads to the other domain", async () => {
    const q = pki("discovery-sia");
    const url = `${base}/sia/pca1-issued.p7c`;
    const pca1 = q.root("CN=PCA1,O=Dom1,C=US", { extensions: { custom: [sia(url)] } });
    const pca2 = q.root("CN=PCA2,O=Dom2,C=US");
    const cross = q.cross(pca1, pca2);
    const sub = q.ca("CN=Dom2 Sub,O=Dom2,C=US", pca2);
    const ee = q.ee("CN=sia-ee,O=Dom2,C=US", sub);
    routes.set("/sia/pca1-issued.p7c", der(p7c([q.ca("CN=Some Dom1 CA,O=Dom1,C=US", pca1), cross]), "application/pkcs7-mime"));

    const off = await run(ee, { intermediates: [sub], anchors: [pca1] });
    expectCode(off, "NO_PATH");

    const on = await run(ee, { intermediates: [sub], anchors: [pca1], options: FETCH });
    expectValid(on);
    expectPathDers(on, [ee.der, sub.der, cross.der, pca1.der]);
    expect(on.fetched!.some((f) => f.startsWith(`fetched ${url}`))).toBe(true);
  });
});
