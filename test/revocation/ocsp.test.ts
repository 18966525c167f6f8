// OCSP (RFC 6960, RFC 5019) against the real OpenSSL responder: `verify` with
// `revocation.fetch` asks the AIA OCSP responders of a generated PKI, served by
// `openssl ocsp -index index.txt` processes, and by Node servers that misbehave (down,
// hanging, oversized, replaying an answer to another request).
//
// PKI: Interop Root (anchor) -> Interop CA -> leaves. The CA's own status comes from the
// root's CRL, given inline; each leaf names one responder in its AIA. The leaves are
// issued once the responders run (their URLs hold the ports), with fixed serial numbers
// the responders' index files already list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verify, type CertificateStatus, type VerifyOptions, type VerifyResult } from "../../src/index.js";
import { TestPki, type Entity, type ExtensionOverrides, type IssuedCrl } from "../../testsuite/src/generate/pki.js";
import { expectError, expectValid } from "../rules/helpers.js";
import {
  closedPortUrl,
  queryResponder,
  requireOpenssl,
  startHttpServer,
  startOcspResponder,
  TempDir,
  wholeSecondNow,
  type HttpServer,
  type IndexEntry,
  type OcspResponder,
} from "./helpers.js";

const NOW = wholeSecondNow();
const DAY = 86_400_000;
const REVOKED_AT = new Date(NOW.getTime() - 3 * DAY);
const p = new TestPki({ now: NOW, keyAlg: "p256", seed: "revocation-ocsp-interop" });
const O = "O=certpath OCSP,C=US";

const root = p.root(`CN=Interop Root,${O}`);
const ca = p.ca(`CN=Interop CA,${O}`, root);
const rootCrl = p.crl(root);
// Delegated responders (RFC 6960 4.2.2.2): issued by the CA, with id-kp-OCSPSigning.
const delegatedNoCheck = p.ee(`CN=Responder NoCheck,${O}`, ca, { extensions: { extKeyUsage: ["OCSPSigning"], ocspNoCheck: true } });
const RESPONDER_DP = "http://crl.invalid/responders.crl";
const delegatedChecked = p.ee(`CN=Responder Checked,${O}`, ca, { extensions: { extKeyUsage: ["OCSPSigning"], crlDistributionPoints: [RESPONDER_DP] } });
// A CA CRL whose scope (issuingDistributionPoint) is the responder's distribution point
// only: it tells the responder's status and nothing about the leaves (RFC 5280 6.3.3 (b)).
const responderCrl = p.crl(ca, { issuingDistributionPoint: { fullName: [RESPONDER_DP] } });
const noEku = p.ee(`CN=Responder Without EKU,${O}`, ca, { extensions: { extKeyUsage: ["serverAuth"] } });

/** The leaves: a serial number and a name each, known before the responders start. */
const PLAN = {
  good: { serial: 0x1001n, cn: "Good Leaf" },
  revoked: { serial: 0x1002n, cn: "Revoked Leaf" },
  unknown: { serial: 0x1003n, cn: "Unknown Leaf" },
  noCheck: { serial: 0x1004n, cn: "Leaf Of Delegated NoCheck" },
  checked: { serial: 0x1005n, cn: "Leaf Of Delegated Checked" },
  noEku: { serial: 0x1006n, cn: "Leaf Of Responder Without EKU" },
  stale: { serial: 0x1007n, cn: "Stale Leaf" },
  replay: { serial: 0x1008n, cn: "Replayed Leaf" },
  down: { serial: 0x1009n, cn: "Down Leaf" },
  hang: { serial: 0x100an, cn: "Hanging Leaf" },
  hugeDeclared: { serial: 0x100bn, cn: "Huge Declared Leaf" },
  hugeChunked: { serial: 0x100cn, cn: "Huge Chunked Leaf" },
} as const;
type LeafName = keyof typeof PLAN;
const nameOf = (k: LeafName) => `CN=${PLAN[k].cn},${O}`;
const entry = (k: LeafName, status: "V" | "R" = "V"): IndexEntry => ({
  serial: PLAN[k].serial,
  subject: nameOf(k),
  notAfter: p.at(365),
  status,
  ...(status === "R" ? { revokedAt: REVOKED_AT, reason: "keyCompromise" } : {}),
});

const dir = new TempDir();
const responders: OcspResponder[] = [];
const servers: HttpServer[] = [];
let main: OcspResponder;
let leaves: Record<LeafName, Entity>;
/** Answers captured from the real responder with requests built by `buildOcspRequest`. */
let captured: { good: Uint8Array; revoked: Uint8Array; replay: Uint8Array };

beforeAll(async () => {
  requireOpenssl();
  const start = async (id: string, signer: Entity, entries: IndexEntry[], extraArgs: string[] = []) => {
    const r = await startOcspResponder({ dir, id, ca, signer, entries, extraArgs });
    responders.push(r);
    return r;
  };
  // The CA signs its own answers; the index lists good and revoked leaves, not "unknown".
  main = await start("main", ca, [entry("good"), entry("revoked", "R"), entry("replay")]);
  const noCheck = await start("nocheck", delegatedNoCheck, [entry("noCheck")]);
  const checked = await start("checked", delegatedChecked, [entry("checked")]);
  const withoutEku = await start("noeku", noEku, [entry("noEku")]);
  const stale = await start("stale", ca, [entry("stale")], ["-nmin", "1"]);

  // Node servers that misbehave.
  let replayBody = new Uint8Array();
  const replay = await startHttpServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/ocsp-response" });
    res.end(replayBody);
  });
  const hang = await startHttpServer(() => {
    /* never answers */
  });
  const huge = await startHttpServer((req, res) => {
    res.on("error", () => {});
    const size = 2 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x30);
    if (req.url!.startsWith("/declared")) res.writeHead(200, { "content-type": "application/ocsp-response", "content-length": size });
    else res.writeHead(200, { "content-type": "application/ocsp-response" }); // chunked, no length
    const write = (left: number): void => {
      if (res.destroyed) return;
      if (left <= 0) return void res.end();
      if (res.write(chunk)) write(left - chunk.length);
      else res.once("drain", () => write(left - chunk.length));
    };
    write(size);
  });
  servers.push(replay, hang, huge);
  const down = await closedPortUrl();

  const leaf = (k: LeafName, ocsp: string, ext: ExtensionOverrides = {}) =>
    p.ee(nameOf(k), ca, { serial: PLAN[k].serial, extensions: { authorityInfoAccess: { ocsp: [ocsp] }, ...ext } });
  leaves = {
    good: leaf("good", main.url),
    revoked: leaf("revoked", main.url),
    unknown: leaf("unknown", main.url),
    noCheck: leaf("noCheck", noCheck.url),
    checked: leaf("checked", checked.url),
    noEku: leaf("noEku", withoutEku.url),
    stale: leaf("stale", stale.url),
    replay: leaf("replay", replay.url),
    down: leaf("down", down),
    hang: leaf("hang", hang.url),
    hugeDeclared: leaf("hugeDeclared", `${huge.url}/declared`),
    hugeChunked: leaf("hugeChunked", `${huge.url}/chunked`),
  };
  captured = {
    good: (await queryResponder(main.url, leaves.good, ca)).der,
    revoked: (await queryResponder(main.url, leaves.revoked, ca)).der,
    replay: (await queryResponder(main.url, leaves.replay, ca)).der,
  };
  replayBody = captured.replay;
});

afterAll(async () => {
  await Promise.all([...responders.map((r) => r.stop()), ...servers.map((s) => s.close())]);
  dir.remove();
});

interface Check {
  mode?: "soft" | "hard";
  fetch?: boolean;
  crls?: IssuedCrl[];
  ocsp?: Uint8Array[];
  time?: Date;
  fetchPolicy?: VerifyOptions["fetchPolicy"];
  limits?: VerifyOptions["limits"];
}

/** `verify` of a leaf under Interop CA, root CRL inline, fetching on, hard mode unless told. */
function check(target: Entity, c: Check = {}): Promise<VerifyResult> {
  return verify({
    target: target.der,
    intermediates: [ca.der],
    trustAnchors: [root.der],
    time: c.time,
    revocation: { mode: c.mode ?? "hard", fetch: c.fetch ?? true, crls: [rootCrl, ...(c.crls ?? [])].map((x) => x.der), ocspResponses: c.ocsp },
    // The responders listen on 127.0.0.1: loopback is allowed explicitly (issue 10 item 4).
    fetchPolicy: { allowPrivateAddresses: true, ...c.fetchPolicy },
    limits: c.limits,
  });
}

const statusOf = (r: VerifyResult, i: number): CertificateStatus | undefined => r.revocation?.find((s) => s.certIndex === i);
const ocspSource = (url: string) => new RegExp(`^OCSP response ${url.replace(/[.]/g, "\\.")}\\b`);

describe("OCSP with the OpenSSL responder (RFC 6960)", () => {
  it("a good leaf: valid, status good from the responder (signed by the issuing CA), CA status from the root's CRL", async () => {
    const r = await check(leaves.good);
    expectValid(r);
    expect(statusOf(r, 0)).toMatchObject({ status: "good" });
    expect(statusOf(r, 0)!.source).toMatch(ocspSource(main.url));
    expect(statusOf(r, 0)!.source).toContain("signed by the issuing CA");
    expect(statusOf(r, 1)).toMatchObject({ status: "good" });
    expect(statusOf(r, 1)!.source).toMatch(/^CRL /);
    expect(r.fetched).toEqual([expect.stringMatching(new RegExp(`^fetched ${main.url}: OCSP (GET|POST) for certificate #0`))]);
  });

  it("a revoked leaf: REVOKED, with the reason and revocation time in the error and in result.revocation", async () => {
    const r = await check(leaves.revoked);
    expectError(r, "REVOKED", 0, PLAN.revoked.cn, "RFC 6960 2.2");
    expect(r.error!.message).toContain("keyCompromise");
    expect(r.error!.message).toContain(REVOKED_AT.toISOString());
    const s = statusOf(r, 0)!;
    expect(s).toMatchObject({ status: "revoked", reason: "keyCompromise" });
    expect(s.revocationTime?.toISOString()).toBe(REVOKED_AT.toISOString());
    expect(s.source).toMatch(ocspSource(main.url));
    expect(statusOf(r, 1)).toMatchObject({ status: "good" });
  });

  it("a revoked leaf in soft mode: still REVOKED (soft mode fetches too; a known revocation is never soft)", async () => {
    const r = await check(leaves.revoked, { mode: "soft" });
    expect(r.fetched, "soft mode with fetch must ask the AIA OCSP responder").toEqual([expect.stringMatching(new RegExp(`^fetched ${main.url}`))]);
    expectError(r, "REVOKED", 0, PLAN.revoked.cn, "RFC 6960 2.2");
  });

  it("an unknown serial, hard mode: REVOCATION_UNKNOWN, the responder's 'unknown' answer in the message", async () => {
    const r = await check(leaves.unknown);
    expectError(r, "REVOCATION_UNKNOWN", 0, PLAN.unknown.cn, "RFC 6960 2.2");
    expect(r.error!.message).toContain("the responder does not know the certificate");
    expect(statusOf(r, 0)).toMatchObject({ status: "unknown" });
  });

  it("an unknown serial, soft mode: valid with one warning that carries the responder's answer", async () => {
    const r = await check(leaves.unknown, { mode: "soft" });
    expectValid(r);
    expect(r.fetched, "soft mode with fetch must ask the AIA OCSP responder").toEqual([expect.stringMatching(new RegExp(`^fetched ${main.url}`))]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings![0]).toContain(PLAN.unknown.cn);
    expect(r.warnings![0]).toContain("the responder does not know the certificate");
    expect(statusOf(r, 0)).toMatchObject({ status: "unknown" });
  });

  describe("delegated responders (RFC 6960 4.2.2.2)", () => {
    it("id-kp-OCSPSigning with id-pkix-ocsp-nocheck: accepted without a status of its own", async () => {
      const r = await check(leaves.noCheck);
      expectValid(r);
      expect(statusOf(r, 0)).toMatchObject({ status: "good" });
      expect(statusOf(r, 0)!.source).toMatch(/^OCSP response .*delegated responder .*Responder NoCheck/);
    });

    it("id-kp-OCSPSigning without nocheck: accepted when the CA's CRL shows the responder good (4.2.2.2.1)", async () => {
      const r = await check(leaves.checked, { crls: [responderCrl] });
      expectValid(r);
      expect(statusOf(r, 0)).toMatchObject({ status: "good" });
      expect(statusOf(r, 0)!.source).toMatch(/^OCSP response .*delegated responder .*Responder Checked/);
    });

    it("id-kp-OCSPSigning without nocheck and no status for the responder: the answer is refused", async () => {
      const r = await check(leaves.checked);
      expectError(r, "REVOCATION_UNKNOWN", 0, PLAN.checked.cn, "RFC 6960");
      expect(r.error!.message).toContain("no id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1)");
    });

    it("a responder certificate without id-kp-OCSPSigning: the answer is refused", async () => {
      const r = await check(leaves.noEku);
      expectError(r, "REVOCATION_UNKNOWN", 0, PLAN.noEku.cn, "RFC 6960");
      expect(r.error!.message).toContain("lacks id-kp-OCSPSigning (RFC 6960 4.2.2.2)");
    });
  });

  describe("freshness and replay", () => {
    it("a response with nextUpdate (openssl -nmin 1) is good now and stale 10 minutes later", async () => {
      expectValid(await check(leaves.stale));
      const later = new Date(Date.now() + 10 * 60_000);
      const r = await check(leaves.stale, { time: later });
      expectError(r, "REVOCATION_UNKNOWN", 0, PLAN.stale.cn, "RFC 6960");
      expect(r.error!.message).toMatch(/stale \(thisUpdate [^,]+, nextUpdate /);
    });

    it("a replayed answer to another request (different nonce) is refused (RFC 8954)", async () => {
      const r = await check(leaves.replay);
      expectError(r, "REVOCATION_UNKNOWN", 0, PLAN.replay.cn, "RFC 6960");
      expect(r.error!.message).toContain("nonce does not match the request's (RFC 8954)");
    });

    it("the same replayed answer is accepted when no nonce is sent (fetchPolicy.ocspNonce false)", async () => {
      const r = await check(leaves.replay, { fetchPolicy: { ocspNonce: false } });
      expectValid(r);
      expect(statusOf(r, 0)).toMatchObject({ status: "good" });
    });
  });

  describe("responders that fail", () => {
    it("down (connection refused): hard fails with REVOCATION_UNKNOWN, the failure listed in result.fetched", async () => {
      const r = await check(leaves.down);
      expectError(r, "REVOCATION_UNKNOWN", 0, PLAN.down.cn, "RFC 5280 6.3.3 (k)");
      // The raw socket error (ECONNREFUSED) is not passed on: it would make `fetched` a port scanner (issue 10 item 4).
      expect(r.fetched).toEqual([expect.stringMatching(/^failed http:\/\/127\.0\.0\.1:\d+: OCSP for certificate #0 .*: failed: no answer \(connection error or timeout\)$/)]);
    });

    it("down: soft passes with a warning naming the certificate, the failure listed in result.fetched", async () => {
      const r = await check(leaves.down, { mode: "soft" });
      expectValid(r);
      expect(r.warnings?.join("\n")).toContain(PLAN.down.cn);
      expect(r.fetched, "soft mode with fetch must try the AIA OCSP responder").toEqual([expect.stringMatching(/^failed http:\/\/127\.0\.0\.1:\d+: .*failed: no answer/)]);
    });

    it("hanging: the request times out after fetchPolicy.timeoutMs and the call ends within its budget", async () => {
      const t0 = performance.now();
      const r = await check(leaves.hang, { fetchPolicy: { timeoutMs: 400 } });
      const elapsed = performance.now() - t0;
      expectError(r, "REVOCATION_UNKNOWN", 0, PLAN.hang.cn, "RFC 5280 6.3.3 (k)");
      expect(r.fetched).toEqual([expect.stringMatching(/^failed http:\/\/127\.0\.0\.1:\d+: OCSP for .*failed: no (complete )?answer/)]);
      expect(elapsed).toBeGreaterThanOrEqual(350);
      expect(elapsed).toBeLessThan(10_000); // the responder never answers: without the timeout this would hang
    });

    it("hanging: limits.timeoutMs bounds the wait even with a longer fetchPolicy.timeoutMs", async () => {
      const t0 = performance.now();
      const r = await check(leaves.hang, { fetchPolicy: { timeoutMs: 30_000 }, limits: { timeoutMs: 800 } });
      const elapsed = performance.now() - t0;
      expect(r.valid).toBe(false);
      expect(r.error?.code, r.error?.message).toBe("BUDGET_EXCEEDED");
      expect(r.error?.message).toContain("timeoutMs budget of 800 reached");
      expect(elapsed).toBeLessThan(10_000); // the responder never answers: without the timeout this would hang
    });

    it.each([
      ["declared Content-Length", "hugeDeclared", /response of 2097152 bytes exceeds the 65536-byte cap/],
      ["chunked, no length", "hugeChunked", /response exceeds the 65536-byte cap/],
    ] as const)("a 2 MiB answer (%s) is cut at fetchPolicy.maxBytes", async (_what, k, why) => {
      const t0 = performance.now();
      const r = await check(leaves[k], { fetchPolicy: { maxBytes: 65_536 } });
      expectError(r, "REVOCATION_UNKNOWN", 0, PLAN[k].cn, "RFC 5280 6.3.3 (k)");
      expect(r.fetched).toHaveLength(1);
      expect(r.fetched![0]).toMatch(/^failed /);
      expect(r.fetched![0]).toMatch(why);
      expect(performance.now() - t0).toBeLessThan(10_000);
    });

    it("a host outside fetchPolicy.allowHosts is not contacted; an allowed one is", async () => {
      const before = (await main.settledRequestLines()).length;
      const r = await check(leaves.good, { fetchPolicy: { allowHosts: ["ocsp.example.org"] } });
      expectError(r, "REVOCATION_UNKNOWN", 0, PLAN.good.cn, "RFC 5280 6.3.3 (k)");
      expect(r.fetched).toEqual([expect.stringMatching(/host 127\.0\.0\.1:\d+ is not in the allow-list/)]);
      expect((await main.settledRequestLines()).length).toBe(before);
      expectValid(await check(leaves.good, { fetchPolicy: { allowHosts: [`127.0.0.1:${main.port}`] } }));
    });
  });

  describe("HTTP methods (RFC 6960 A.1, RFC 5019 5)", () => {
    it.each([
      ["get", "GET"],
      ["post", "POST"],
      ["auto", "GET"], // a one-certificate request is short: GET
    ] as const)("ocspMethod %s: openssl receives a %s request and the answer validates", async (method, seen) => {
      const before = (await main.settledRequestLines()).length;
      const r = await check(leaves.good, { fetchPolicy: { ocspMethod: method } });
      expectValid(r);
      const lines = (await main.settledRequestLines()).slice(before);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${seen} /`));
      expect(r.fetched![0]).toContain(`OCSP ${seen} for certificate #0`);
    });

    it("without a nonce (ocspNonce false) the responder's answer validates as well", async () => {
      for (const method of ["get", "post"] as const) expectValid(await check(leaves.good, { fetchPolicy: { ocspMethod: method, ocspNonce: false } }));
    });
  });

  describe("responses given in advance (revocation.ocspResponses, stapled)", () => {
    it("a stapled good answer: valid without any network access", async () => {
      const before = (await main.settledRequestLines()).length;
      const r = await check(leaves.good, { fetch: false, ocsp: [captured.good] });
      expectValid(r);
      expect(statusOf(r, 0)!.source).toMatch(/^OCSP response revocation\.ocspResponses\[0\]/);
      expect(r.fetched).toBeUndefined();
      expect((await main.settledRequestLines()).length).toBe(before);
    });

    it("a stapled answer makes fetching unnecessary: nothing is fetched even with fetch on", async () => {
      const before = (await main.settledRequestLines()).length;
      const r = await check(leaves.good, { ocsp: [captured.good] });
      expectValid(r);
      expect(r.fetched).toEqual([]);
      expect((await main.settledRequestLines()).length).toBe(before);
    });

    it("a stapled revoked answer: REVOKED, reason and time reported", async () => {
      const r = await check(leaves.revoked, { fetch: false, ocsp: [captured.revoked] });
      expectError(r, "REVOKED", 0, PLAN.revoked.cn, "RFC 6960 2.2");
      expect(statusOf(r, 0)).toMatchObject({ status: "revoked", reason: "keyCompromise" });
      expect(statusOf(r, 0)!.revocationTime?.toISOString()).toBe(REVOKED_AT.toISOString());
    });

    it("a stapled answer about another certificate does not count", async () => {
      const r = await check(leaves.good, { fetch: false, ocsp: [captured.revoked] });
      expectError(r, "REVOCATION_UNKNOWN", 0, PLAN.good.cn, "RFC 5280 6.3.3 (k)");
      expect(r.error!.message).toContain("no OCSP response names the certificate");
    });
  });
});
