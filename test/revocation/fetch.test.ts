// Online retrieval with `revocation.fetch`: CRLs from HTTP distribution points (a Node
// server that counts its requests), cached across calls until their nextUpdate; OCSP
// answers from the real OpenSSL responder (never cached); the order of preference
// between the two when both are available and disagree; and a missing intermediate
// fetched from AIA caIssuers before its status is fetched in a later round.
//
// PKI: Fetch Root (anchor; OpenSSL responder "root" for the CA's status, CRL inline)
//   -> Fetch CA (OpenSSL responder "ca"; CRL at /ca.crl) -> leaves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verify, type CertificateStatus, type RevocationPreference, type VerifyResult } from "../../src/index.js";
import { TestPki, type Entity, type IssuedCrl } from "../../testsuite/src/generate/pki.js";
import { expectError, expectValid } from "../rules/helpers.js";
import { requireOpenssl, startHttpServer, startOcspResponder, TempDir, wholeSecondNow, type HttpServer, type IndexEntry, type OcspResponder } from "./helpers.js";

const NOW = wholeSecondNow();
const DAY = 86_400_000;
const p = new TestPki({ now: NOW, keyAlg: "p256", seed: "revocation-fetch" });
const O = "O=certpath Fetch,C=US";
const root = p.root(`CN=Fetch Root,${O}`);
const rootCrl = p.crl(root);

const SERIAL = { ca: 0x20can, crlRevoked: 0x2001n, ocspRevoked: 0x2002n, cached: 0x2003n, aia: 0x2004n } as const;
const names = { ca: `CN=Fetch CA,${O}`, crlRevoked: `CN=Revoked By CRL,${O}`, ocspRevoked: `CN=Revoked By OCSP,${O}`, cached: `CN=Cached CRL Leaf,${O}`, aia: `CN=AIA Leaf,${O}` };
const OCSP_REVOKED_AT = new Date(NOW.getTime() - 2 * DAY);
const CRL_REVOKED_AT = new Date(NOW.getTime() - 4 * DAY);
const planned = (k: keyof typeof SERIAL, status: "V" | "R" = "V", notAfter = p.at(365)): IndexEntry => ({
  serial: SERIAL[k],
  subject: names[k],
  notAfter,
  status,
  ...(status === "R" ? { revokedAt: OCSP_REVOKED_AT, reason: "keyCompromise" } : {}),
});

const dir = new TempDir();
let rootResponder: OcspResponder;
let caResponder: OcspResponder;
let crlServer: HttpServer;
let ca: Entity;
let leaves: { crlRevoked: Entity; ocspRevoked: Entity; cached: Entity; aia: Entity };
let caCrl: IssuedCrl;
/** What /cache.crl serves next: a CRL of Fetch CA with this nextUpdate (made per request). */
let cacheNextUpdate = new Date(NOW.getTime() + DAY);

beforeAll(async () => {
  requireOpenssl();
  crlServer = await startHttpServer((req, res) => {
    const path = req.url ?? "";
    let body: Uint8Array | undefined;
    if (path === "/ca.crl") body = caCrl.der;
    else if (path === "/cache.crl") body = p.crl(ca, { thisUpdate: new Date(Date.now() - 60_000), nextUpdate: cacheNextUpdate }).der;
    else if (path === "/ca.cer") body = ca.der;
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": path.endsWith(".crl") ? "application/pkix-crl" : "application/pkix-cert" });
    res.end(body);
  });
  rootResponder = await startOcspResponder({ dir, id: "root", ca: root, signer: root, entries: [planned("ca", "V", p.at(1825))] });
  ca = p.ca(names.ca, root, { serial: SERIAL.ca, extensions: { authorityInfoAccess: { ocsp: [rootResponder.url] } } });
  caResponder = await startOcspResponder({
    dir,
    id: "ca",
    ca,
    signer: ca,
    entries: [planned("crlRevoked"), planned("ocspRevoked", "R"), planned("cached"), planned("aia")],
  });
  const leaf = (k: "crlRevoked" | "ocspRevoked" | "cached" | "aia", ext: { ocsp?: string[]; caIssuers?: string[]; crl?: string[] }) =>
    p.ee(names[k], ca, {
      serial: SERIAL[k],
      extensions: {
        ...(ext.ocsp || ext.caIssuers ? { authorityInfoAccess: { ocsp: ext.ocsp, caIssuers: ext.caIssuers } } : {}),
        ...(ext.crl ? { crlDistributionPoints: ext.crl } : {}),
      },
    });
  leaves = {
    crlRevoked: leaf("crlRevoked", { ocsp: [caResponder.url], crl: [`${crlServer.url}/ca.crl`] }),
    ocspRevoked: leaf("ocspRevoked", { ocsp: [caResponder.url], crl: [`${crlServer.url}/ca.crl`] }),
    cached: leaf("cached", { crl: [`${crlServer.url}/cache.crl`] }),
    aia: leaf("aia", { ocsp: [caResponder.url], caIssuers: [`${crlServer.url}/ca.cer`] }),
  };
  caCrl = p.crl(ca, { revoked: [{ cert: leaves.crlRevoked, reason: "affiliationChanged", date: CRL_REVOKED_AT }] });
});

afterAll(async () => {
  await Promise.all([rootResponder?.stop(), caResponder?.stop(), crlServer?.close()]);
  dir.remove();
});

function check(target: Entity, preference?: RevocationPreference, intermediates: Entity[] = [ca]): Promise<VerifyResult> {
  return verify({
    target: target.der,
    intermediates: intermediates.map((e) => e.der),
    trustAnchors: [root.der],
    revocation: { mode: "hard", fetch: true, crls: [rootCrl.der], preference },
    fetchPolicy: { allowPrivateAddresses: true }, // the servers listen on 127.0.0.1
  });
}

const statusOf = (r: VerifyResult, i: number): CertificateStatus | undefined => r.revocation?.find((s) => s.certIndex === i);
const hitsOf = (path: string) => crlServer.hits.filter((h) => h.path === path).length;

describe("preference between OCSP and CRLs when both are available and disagree", () => {
  it("ocsp-first: the responder's 'good' wins over the CRL entry; both sources were fetched", async () => {
    const r = await check(leaves.crlRevoked, "ocsp-first");
    expectValid(r);
    expect(statusOf(r, 0)).toMatchObject({ status: "good" });
    expect(statusOf(r, 0)!.source).toMatch(/^OCSP response /);
    expect(statusOf(r, 1)!.source).toMatch(new RegExp(`^OCSP response ${rootResponder.url.replace(/\./g, "\\.")}`));
    expect(r.fetched!.join("\n")).toContain(`${crlServer.url}/ca.crl`);
    expect(r.fetched!.join("\n")).toContain(`${caResponder.url}: OCSP`);
  });

  it("crl-first: the CRL entry wins (REVOKED, reason and date from the CRL)", async () => {
    const r = await check(leaves.crlRevoked, "crl-first");
    expectError(r, "REVOKED", 0, "Revoked By CRL", "RFC 5280 6.3.3 (j)");
    const s = statusOf(r, 0)!;
    expect(s).toMatchObject({ status: "revoked", reason: "affiliationChanged" });
    expect(s.revocationTime?.toISOString()).toBe(CRL_REVOKED_AT.toISOString());
    expect(s.source).toMatch(/^CRL .*\/ca\.crl/);
  });

  it("ocsp-first: the responder's 'revoked' wins over a CRL without the entry", async () => {
    const r = await check(leaves.ocspRevoked, "ocsp-first");
    expectError(r, "REVOKED", 0, "Revoked By OCSP", "RFC 6960 2.2");
    expect(statusOf(r, 0)).toMatchObject({ status: "revoked", reason: "keyCompromise" });
    expect(statusOf(r, 0)!.revocationTime?.toISOString()).toBe(OCSP_REVOKED_AT.toISOString());
  });

  it("crl-first: the CRL's 'good' wins over the responder's 'revoked'", async () => {
    const r = await check(leaves.ocspRevoked, "crl-first");
    expectValid(r);
    expect(statusOf(r, 0)!.source).toMatch(/^CRL /);
    // The CA's status comes from the root's CRL (inline) under crl-first as well.
    expect(statusOf(r, 1)!.source).toMatch(/^CRL revocation\.crls\[0\]/);
  });

  it("ocsp-only: no CRL is fetched and the CRL entry is not consulted", async () => {
    const r = await check(leaves.crlRevoked, "ocsp-only");
    expectValid(r);
    expect(r.fetched!.some((f) => f.includes(".crl"))).toBe(false);
    expect(statusOf(r, 0)!.source).toMatch(/^OCSP response /);
  });

  it("crl-only: no responder is asked and its 'revoked' is not consulted", async () => {
    const before = [(await rootResponder.settledRequestLines()).length, (await caResponder.settledRequestLines()).length];
    const r = await check(leaves.ocspRevoked, "crl-only");
    expectValid(r);
    expect(r.fetched!.some((f) => f.includes("OCSP"))).toBe(false);
    expect([(await rootResponder.settledRequestLines()).length, (await caResponder.settledRequestLines()).length]).toEqual(before);
  });
});

describe("CRLs fetched from HTTP distribution points", () => {
  it("are cached across calls until their nextUpdate, then fetched again; OCSP answers are not cached", async () => {
    // nextUpdate a few seconds ahead (CRL times have whole seconds).
    cacheNextUpdate = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_000);
    const rootAsked = async () => (await rootResponder.settledRequestLines()).length;
    const asked0 = await rootAsked();

    const first = await check(leaves.cached);
    expectValid(first);
    expect(hitsOf("/cache.crl")).toBe(1);
    expect(first.fetched).toContainEqual(expect.stringMatching(/^fetched http:\/\/127\.0\.0\.1:\d+\/cache\.crl: \d+ bytes$/));
    expect(statusOf(first, 0)!.source).toMatch(/^CRL .*\/cache\.crl/);

    const second = await check(leaves.cached);
    expectValid(second);
    expect(hitsOf("/cache.crl"), "the second call uses the cached CRL").toBe(1);
    expect(second.fetched).toContainEqual(expect.stringMatching(/\/cache\.crl: from cache$/));
    // The CA's status: one OCSP request to the root's responder per call.
    expect(await rootAsked()).toBe(asked0 + 2);

    // Past nextUpdate the cached copy is dropped; the server now has a newer CRL.
    const wait = cacheNextUpdate.getTime() + 250 - Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    cacheNextUpdate = new Date(Date.now() + DAY);
    const third = await check(leaves.cached);
    expectValid(third);
    expect(hitsOf("/cache.crl"), "fetched again after nextUpdate").toBe(2);
    expect(third.fetched).toContainEqual(expect.stringMatching(/\/cache\.crl: \d+ bytes$/));
  });
});

describe("fetch rounds", () => {
  it("a missing intermediate comes from AIA caIssuers (round 1), then the statuses from OCSP (round 2)", async () => {
    const r = await check(leaves.aia, undefined, []);
    expectValid(r);
    expect(r.path.map((e) => e.subject)).toEqual([expect.stringContaining("AIA Leaf"), expect.stringContaining("Fetch CA"), expect.stringContaining("Fetch Root")]);
    const fetched = r.fetched!.join("\n");
    expect(fetched).toContain(`fetched ${crlServer.url}/ca.cer`);
    expect(fetched).toContain(`fetched ${caResponder.url}: OCSP`);
    expect(fetched).toContain(`fetched ${rootResponder.url}: OCSP`);
    expect(r.revocation!.map((s) => s.status)).toEqual(["good", "good"]);
  });
});
