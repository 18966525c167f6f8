// The fetch cache a verifier owns, against a real HTTP server on 127.0.0.1 that counts
// its requests: one fetch in flight per URL however many calls want it (single flight);
// a CRL kept until its nextUpdate, no longer than Cache-Control max-age says, not at all
// with no-store, never beyond the verifier's maximum age; the byte bound evicts oldest
// first; a CRL added while a call waits on the network serves the next calls, and the
// waiting call keeps its own snapshot.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerifier, type VerifierConfig } from "../../src/index.js";
import { TestPki, type Entity, type IssuedCrl } from "../../testsuite/src/generate/pki.js";
import { startHttpServer, wholeSecondNow, type HttpServer } from "../revocation/helpers.js";

const NOW = wholeSecondNow();
const DAY = 86_400_000;
const p = new TestPki({ now: NOW, keyAlg: "p256", seed: "verifier-fetch-cache" });
const O = "O=certpath Verifier Fetch,C=US";
const root = p.root(`CN=VF Root,${O}`);
const rootCrl = p.crl(root);
const ca = p.ca(`CN=VF CA,${O}`, root);

/** Per path: the headers to send and the CRL to serve (made per request when a function). */
const routes = new Map<string, { delayMs?: number; headers?: Record<string, string>; crl: () => IssuedCrl }>();
let server: HttpServer;
const leaves = new Map<string, Entity>();
const leafFor = (path: string) => {
  let l = leaves.get(path);
  if (!l) leaves.set(path, (l = p.ee(`CN=Leaf ${path.slice(1)},${O}`, ca, { extensions: { crlDistributionPoints: [`${server.url}${path}`] } })));
  return l;
};
const hits = (path: string) => server.hits.filter((h) => h.path === path).length;
const fresh = (nextUpdate: Date) => () => p.crl(ca, { thisUpdate: new Date(Date.now() - 60_000), nextUpdate });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const route = routes.get(req.url ?? "");
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const body = route.crl().der;
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/pkix-crl", ...route.headers });
      res.end(body);
    }, route.delayMs ?? 0);
  });
});

afterAll(async () => {
  await server?.close();
});

function config(extra: Partial<VerifierConfig> = {}): VerifierConfig {
  return {
    intermediates: [ca.der],
    trustAnchors: [root.der],
    revocation: { mode: "hard", fetch: true, crls: [rootCrl.der], preference: "crl-only" },
    fetchPolicy: { allowHosts: [new URL(server.url).host] },
    ...extra,
  };
}

describe("a verifier's fetch cache", () => {
  it("single flight: 100 calls waiting for the same CRL cause one request", async () => {
    routes.set("/slow.crl", { delayMs: 300, crl: fresh(new Date(NOW.getTime() + DAY)) });
    const v = createVerifier(config());
    const leaf = leafFor("/slow.crl");
    const results = await Promise.all(Array.from({ length: 100 }, () => v.verify(leaf.der)));
    expect(results.every((r) => r.valid)).toBe(true);
    expect(hits("/slow.crl")).toBe(1);
    const f = v.stats().fetch;
    expect(f.fetches).toBe(1);
    expect(f.joined).toBe(99);
    expect(results.filter((r) => r.fetched!.some((x) => x.endsWith("/slow.crl: joined a fetch in flight")))).toHaveLength(99);
    // Another verifier has its own cache: it asks again.
    expect((await createVerifier(config()).verify(leaf.der)).valid).toBe(true);
    expect(hits("/slow.crl")).toBe(2);
  });

  it("a CRL is kept until its nextUpdate, then fetched again", async () => {
    const next = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2_000);
    routes.set("/next.crl", { crl: fresh(next) });
    const v = createVerifier(config());
    const leaf = leafFor("/next.crl");
    expect((await v.verify(leaf.der)).valid).toBe(true);
    const second = await v.verify(leaf.der);
    expect(second.valid).toBe(true);
    expect(second.fetched).toContainEqual(expect.stringMatching(/\/next\.crl: from cache$/));
    expect(hits("/next.crl")).toBe(1);
    await sleep(next.getTime() + 200 - Date.now());
    routes.set("/next.crl", { crl: fresh(new Date(Date.now() + DAY)) });
    const third = await v.verify(leaf.der);
    expect(third.valid).toBe(true);
    expect(hits("/next.crl")).toBe(2);
    expect(v.stats().fetch).toMatchObject({ fetches: 2, hits: 1 });
  });

  it("HTTP headers shorten the life: no-store is not kept, an Expires in the past is not kept, max-age=1 lasts a second", async () => {
    const v = createVerifier(config());
    routes.set("/nostore.crl", { headers: { "cache-control": "no-store" }, crl: fresh(new Date(NOW.getTime() + DAY)) });
    routes.set("/expired.crl", { headers: { expires: new Date(Date.now() - 60_000).toUTCString() }, crl: fresh(new Date(NOW.getTime() + DAY)) });
    routes.set("/maxage.crl", { headers: { "cache-control": "public, max-age=1" }, crl: fresh(new Date(NOW.getTime() + DAY)) });
    for (const path of ["/nostore.crl", "/expired.crl", "/maxage.crl"]) for (let i = 0; i < 2; i++) expect((await v.verify(leafFor(path).der)).valid).toBe(true);
    expect([hits("/nostore.crl"), hits("/expired.crl"), hits("/maxage.crl")]).toEqual([2, 2, 1]);
    await sleep(1_100);
    expect((await v.verify(leafFor("/maxage.crl").der)).valid).toBe(true);
    expect(hits("/maxage.crl")).toBe(2);
  });

  it("the verifier's maximum age caps a far nextUpdate", async () => {
    routes.set("/far.crl", { crl: fresh(new Date(NOW.getTime() + 30 * DAY)) });
    const v = createVerifier(config({ cache: { fetchMaxAgeMs: 1 } }));
    for (let i = 0; i < 2; i++) {
      expect((await v.verify(leafFor("/far.crl").der)).valid).toBe(true);
      await sleep(5);
    }
    expect(hits("/far.crl")).toBe(2);
  });

  it("the byte bound evicts the oldest body: room for one CRL, two URLs in turn", async () => {
    const crl = fresh(new Date(NOW.getTime() + DAY))();
    routes.set("/a.crl", { crl: () => crl });
    routes.set("/b.crl", { crl: () => crl });
    const bound = crl.der.length + 100;
    const v = createVerifier(config({ cache: { fetchBytes: bound } }));
    for (const path of ["/a.crl", "/a.crl", "/b.crl", "/a.crl"]) expect((await v.verify(leafFor(path).der)).valid).toBe(true);
    // a fetched, a from cache, b fetched (a evicted), a fetched again (b evicted).
    expect([hits("/a.crl"), hits("/b.crl")]).toEqual([2, 1]);
    const f = v.stats().fetch;
    expect(f.evictions).toBe(2);
    expect(f.entries).toBe(1);
    expect(f.bytes).toBeLessThanOrEqual(bound);
  });

  it("a CRL added while a call waits on the network: the waiting call keeps its snapshot, later calls use the added CRL without fetching", async () => {
    routes.set("/wait.crl", { delayMs: 300, crl: fresh(new Date(NOW.getTime() + DAY)) });
    const v = createVerifier(config({ cache: { fetchBytes: 1 } })); // nothing is kept: only the added CRL can save a fetch
    const leaf = leafFor("/wait.crl");
    const waiting = v.verify(leaf.der);
    await sleep(50);
    expect(v.stats().inFlight).toBe(1);
    const added = p.crl(ca, { thisUpdate: new Date(Date.now() - 60_000), nextUpdate: new Date(NOW.getTime() + DAY) });
    expect(v.add({ crls: [added.der] }).count).toBe(1);
    const later = await v.verify(leaf.der);
    expect(later.valid).toBe(true);
    expect(later.fetched ?? []).toEqual([]);
    const first = await waiting;
    expect(first.valid).toBe(true);
    expect(first.fetched).toContainEqual(expect.stringMatching(/\/wait\.crl: \d+ bytes$/));
    expect(hits("/wait.crl")).toBe(1);
  });
});
