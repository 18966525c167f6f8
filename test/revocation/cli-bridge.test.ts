// End to end: the compiled CLI (`node dist/cli.js verify ... --revocation hard --fetch
// --json`) on a three-domain bridge PKI, every status fetched online from the domain that
// issued the certificate:
//
//   Root1 (domain 1, the trust anchor)  -- OCSP: OpenSSL responder r1 (delegated signer, nocheck)
//     X1B: Root1 -> Bridge CA            policies P1, mapping P1 -> PB
//   Bridge CA                            -- CRL distribution point /bridge.crl (Node server)
//     XB3: Bridge -> Root3               policies PB, mapping PB -> P3
//     XB2: Bridge -> Root2               policies PB, mapping PB -> P2
//   Root2 (domain 2)                     -- OCSP: OpenSSL responder r2 (signed by Root2)
//     X23: Root2 -> Root3                policies P2, mapping P2 -> P3
//   Root3 (domain 3)                     -- OCSP: OpenSSL responder r3 (signed by Root3)
//     CA3: Root3 -> CA3                  policy P3
//   CA3                                  -- CRL distribution point /dom3.crl (Node server)
//     EE3                                policy P3
//
// Two paths lead from EE3 to Root1: through XB3 (4 certificates) and through X23, XB2
// (5 certificates). The CLI runs as a child process (asynchronously: the CRL servers
// live in this process and must keep answering).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TestPki, type Entity } from "../../testsuite/src/generate/pki.js";
import { closedPortUrl, requireOpenssl, startHttpServer, startOcspResponder, TempDir, wholeSecondNow, type HttpServer, type IndexEntry, type OcspResponder } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "dist", "cli.js");

const NOW = wholeSecondNow();
const DAY = 86_400_000;
const p = new TestPki({ now: NOW, keyAlg: "p256", seed: "revocation-cli-bridge" });
const ARC = "1.3.6.1.4.1.55555.77";
const P1 = `${ARC}.1`;
const P2 = `${ARC}.2`;
const P3 = `${ARC}.3`;
const PB = `${ARC}.9`;

const N = {
  root1: "CN=Root1,O=Domain1,C=US",
  bridge: "CN=Bridge CA,O=Bridge,C=US",
  root2: "CN=Root2,O=Domain2,C=US",
  root3: "CN=Root3,O=Domain3,C=US",
  ca3: "CN=CA3,O=Domain3,C=US",
  ee: "CN=EE3,O=Domain3,C=US",
};
const root1 = p.root(N.root1);
const bridge = p.root(N.bridge);
const root2 = p.root(N.root2);
const root3 = p.root(N.root3);
const r1Signer = p.ee("CN=Domain1 OCSP,O=Domain1,C=US", root1, { extensions: { extKeyUsage: ["OCSPSigning"], ocspNoCheck: true } });
const SERIAL = { x1b: 0x3001n, xb3: 0x3002n, xb2: 0x3003n, x23: 0x3004n, ca3: 0x3005n, ee: 0x3006n, xb1: 0x3007n };
const caEntry = (serial: bigint, subject: string): IndexEntry => ({ serial, subject, notAfter: p.at(1825), status: "V" });
const EE_REVOKED_AT = new Date(NOW.getTime() - 5 * DAY);

const dir = new TempDir();
const responders: OcspResponder[] = [];
let http: HttpServer;
let r1: OcspResponder;
let r2: OcspResponder;
let r3: OcspResponder;
let certs: Record<"x1b" | "xb3" | "xb2" | "x23" | "xb1" | "ca3" | "ee", Entity>;
/** What the distribution points serve; reset before each test. */
let bridgeRevoked: Entity[] = [];
let dom3Revoked: Entity[] = [];
const files = { ee: "", anchor: "", untrusted: [] as string[], untrustedDir: "" };

beforeAll(async () => {
  requireOpenssl();
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (or \`npx tsc -p .\`) first (\`npm test\` does)`);
  http = await startHttpServer((req, res) => {
    let body: Uint8Array | undefined;
    if (req.url === "/bridge.crl") body = p.crl(bridge, { revoked: bridgeRevoked.map((cert) => ({ cert, reason: "cACompromise" as const })) }).der;
    else if (req.url === "/dom3.crl") body = p.crl(certs.ca3, { revoked: dom3Revoked.map((cert) => ({ cert, reason: "keyCompromise" as const, date: EE_REVOKED_AT })) }).der;
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/pkix-crl" }).end(body);
  });
  const start = async (id: string, ca: Entity, signer: Entity, entries: IndexEntry[]) => {
    const r = await startOcspResponder({ dir, id, ca, signer, entries });
    responders.push(r);
    return r;
  };
  r1 = await start("domain1", root1, r1Signer, [caEntry(SERIAL.x1b, N.bridge)]);
  r2 = await start("domain2", root2, root2, [caEntry(SERIAL.x23, N.root3)]);
  r3 = await start("domain3", root3, root3, [caEntry(SERIAL.ca3, N.ca3)]);
  const bridgeDp = [`${http.url}/bridge.crl`];
  certs = {} as typeof certs;
  certs.x1b = p.cross(root1, bridge, {
    serial: SERIAL.x1b,
    extensions: { certificatePolicies: [P1], policyMappings: [[P1, PB]], authorityInfoAccess: { ocsp: [r1.url] } },
  });
  certs.xb3 = p.cross(bridge, root3, { serial: SERIAL.xb3, extensions: { certificatePolicies: [PB], policyMappings: [[PB, P3]], crlDistributionPoints: bridgeDp } });
  certs.xb2 = p.cross(bridge, root2, { serial: SERIAL.xb2, extensions: { certificatePolicies: [PB], policyMappings: [[PB, P2]], crlDistributionPoints: bridgeDp } });
  certs.xb1 = p.cross(bridge, root1, { serial: SERIAL.xb1, extensions: { certificatePolicies: [PB], policyMappings: [[PB, P1]], crlDistributionPoints: bridgeDp } });
  certs.x23 = p.cross(root2, root3, { serial: SERIAL.x23, extensions: { certificatePolicies: [P2], policyMappings: [[P2, P3]], authorityInfoAccess: { ocsp: [r2.url] } } });
  certs.ca3 = p.ca(N.ca3, root3, { serial: SERIAL.ca3, extensions: { certificatePolicies: [P3], authorityInfoAccess: { ocsp: [r3.url] } } });
  certs.ee = p.ee(N.ee, certs.ca3, { serial: SERIAL.ee, extensions: { certificatePolicies: [P3], crlDistributionPoints: [`${http.url}/dom3.crl`] } });

  files.ee = dir.write("EE.pem", certs.ee.pem);
  files.anchor = dir.write("ROOT1.pem", root1.pem);
  // The untrusted bag: every cross-certificate, CA3, and the other domains' self-signed roots.
  const bag: [string, Entity][] = [
    ["X1B", certs.x1b], ["XB3", certs.xb3], ["XB2", certs.xb2], ["XB1", certs.xb1], ["X23", certs.x23],
    ["CA3", certs.ca3], ["BRIDGE", bridge], ["ROOT2", root2], ["ROOT3", root3],
  ];
  files.untrusted = bag.map(([name, e]) => dir.write(`${name}.pem`, e.pem));
  files.untrustedDir = join(dir.path, "untrusted");
  mkdirSync(files.untrustedDir);
  for (const [name, e] of bag) dir.write(join("untrusted", `${name}.crt`), e.der);
});

afterAll(async () => {
  await Promise.all([...responders.map((r) => r.stop()), http?.close()]);
  dir.remove();
});

beforeEach(() => {
  bridgeRevoked = [];
  dom3Revoked = [];
});

interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

/**
 * CLI arguments; `withoutX23` leaves domain 2's cross-certificate to Root3 out of the bag,
 * so that only the path through XB3 exists (which of two valid paths the search returns
 * first is its own business).
 */
const verifyArgs = (extra: string[] = [], withoutX23 = false) => [
  "verify", files.ee, "--anchor", files.anchor,
  ...files.untrusted.filter((f) => !(withoutX23 && f.endsWith("X23.pem"))).flatMap((f) => ["--untrusted", f]),
  "--revocation", "hard", "--fetch", "--allow-private-addresses", "--policy", P1, "--explicit-policy",
  ...extra,
];

const sha256 = (d: Uint8Array) => createHash("sha256").update(d).digest("hex");
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

interface JsonOut {
  valid: boolean;
  path: { subject: string; sha256: string }[];
  policies: string[];
  error: { code: string; message: string; certIndex?: number } | null;
  revocation?: { certIndex: number; status: string; source?: string; revocationTime?: string; reason?: string }[];
  warnings?: string[];
  fetched?: string[];
}

function parseJson(r: CliRun): JsonOut {
  expect(r.stdout.trim().split("\n"), `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toHaveLength(1);
  return JSON.parse(r.stdout) as JsonOut;
}

describe("certpath verify --revocation hard --fetch --json on a three-domain bridge PKI", () => {
  it("valid through the bridge (XB3): every certificate's status from its own domain's responder or distribution point", async () => {
    const r = await cli(verifyArgs(["--json", "--allow-host", "127.0.0.1", "--fetch-timeout-ms", "5000"], true));
    const out = parseJson(r);
    expect(r.stderr).toBe("");
    expect(out.error, JSON.stringify(out.error)).toBeNull();
    expect(r.status).toBe(0);
    expect(out.valid).toBe(true);
    expect(out.policies).toEqual([P1]);
    expect(out.path.map((e) => e.sha256)).toEqual([certs.ee, certs.ca3, certs.xb3, certs.x1b, root1].map((e) => sha256(e.der)));
    expect(out.path.map((e) => e.subject)).toEqual(["CN=EE3", "CN=CA3", "CN=Root3", "CN=Bridge CA", "CN=Root1"].map((cn) => expect.stringContaining(cn)));
    expect(out.revocation).toEqual([
      { certIndex: 0, status: "good", source: expect.stringMatching(new RegExp(`^CRL ${esc(http.url)}/dom3\\.crl issued by .*CN=CA3`)) },
      { certIndex: 1, status: "good", source: expect.stringMatching(new RegExp(`^OCSP response ${esc(r3.url)} .*signed by the issuing CA`)) },
      { certIndex: 2, status: "good", source: expect.stringMatching(new RegExp(`^CRL ${esc(http.url)}/bridge\\.crl issued by .*CN=Bridge CA`)) },
      { certIndex: 3, status: "good", source: expect.stringMatching(new RegExp(`^OCSP response ${esc(r1.url)} .*delegated responder .*Domain1 OCSP`)) },
    ]);
    expect(out.fetched?.every((f) => f.startsWith("fetched "))).toBe(true);
  });

  it("the bridge revokes its cross-certificate to Root3: the path through domain 2 is taken, five statuses reported", async () => {
    bridgeRevoked = [certs.xb3];
    const r = await cli(verifyArgs(["--json"]));
    const out = parseJson(r);
    expect(out.error, JSON.stringify(out.error)).toBeNull();
    expect(r.status).toBe(0);
    expect(out.policies).toEqual([P1]);
    expect(out.path.map((e) => e.sha256)).toEqual([certs.ee, certs.ca3, certs.x23, certs.xb2, certs.x1b, root1].map((e) => sha256(e.der)));
    expect(out.revocation?.map((s) => [s.certIndex, s.status])).toEqual([
      [0, "good"],
      [1, "good"],
      [2, "good"],
      [3, "good"],
      [4, "good"],
    ]);
    expect(out.revocation![2]!.source).toMatch(new RegExp(`^OCSP response ${esc(r2.url)} .*signed by the issuing CA`));
    expect(out.revocation![3]!.source).toMatch(/bridge\.crl/);
    expect(out.revocation![4]!.source).toMatch(new RegExp(`^OCSP response ${esc(r1.url)}`));
  });

  it("the EE is on domain 3's CRL: exit 1, REVOKED at certIndex 0, reason and time in the JSON", async () => {
    dom3Revoked = [certs.ee];
    const r = await cli(verifyArgs(["--json", "--untrusted-dir", files.untrustedDir]));
    const out = parseJson(r);
    expect(r.status).toBe(1);
    expect(out.valid).toBe(false);
    expect(out.error).toMatchObject({ code: "REVOKED", certIndex: 0 });
    expect(out.error!.message).toContain("keyCompromise");
    expect(out.revocation?.[0]).toEqual({
      certIndex: 0,
      status: "revoked",
      source: expect.stringMatching(/^CRL .*\/dom3\.crl/),
      revocationTime: EE_REVOKED_AT.toISOString(),
      reason: "keyCompromise",
    });
    // The statuses found above it, each from its own domain.
    expect(out.revocation!.slice(1).every((s) => s.status === "good")).toBe(true);
  });

  it("--untrusted-dir alone (no --untrusted): a valid path through the bridge, a status for each of its certificates", async () => {
    const args = ["verify", files.ee, "--anchor", files.anchor, "--untrusted-dir", files.untrustedDir, "--revocation", "hard", "--fetch", "--allow-private-addresses", "--policy", P1, "--explicit-policy", "--json"];
    const out = parseJson(await cli(args));
    expect(out.error, JSON.stringify(out.error)).toBeNull();
    const viaXb3 = [certs.ee, certs.ca3, certs.xb3, certs.x1b, root1].map((e) => sha256(e.der));
    const viaDomain2 = [certs.ee, certs.ca3, certs.x23, certs.xb2, certs.x1b, root1].map((e) => sha256(e.der));
    expect([viaXb3, viaDomain2]).toContainEqual(out.path.map((e) => e.sha256));
    expect(out.revocation?.map((s) => s.certIndex)).toEqual(out.path.slice(0, -1).map((_, i) => i));
    expect(out.revocation?.every((s) => s.status === "good")).toBe(true);
  });

  it("domain 3's responder is down: hard fails at CA3 with REVOCATION_UNKNOWN, the failed fetch reported", async () => {
    const downUrl = await closedPortUrl();
    // Same PKI (same CA3 name, key and serial), but CA3 names a responder nobody runs.
    const ca3 = p.ca(N.ca3, root3, { serial: SERIAL.ca3, extensions: { certificatePolicies: [P3], authorityInfoAccess: { ocsp: [downUrl] } } });
    const ca3File = dir.write("CA3-down.pem", ca3.pem);
    const untrusted = files.untrusted.filter((f) => !f.endsWith("/CA3.pem") && !f.endsWith("X23.pem"));
    const args = ["verify", files.ee, "--anchor", files.anchor, ...[...untrusted, ca3File].flatMap((f) => ["--untrusted", f]), "--revocation", "hard", "--fetch", "--allow-private-addresses", "--policy", P1, "--explicit-policy", "--fetch-timeout-ms", "2000", "--json"];
    const r = await cli(args);
    const out = parseJson(r);
    expect(r.status).toBe(1);
    expect(out.error).toMatchObject({ code: "REVOCATION_UNKNOWN", certIndex: 1 });
    expect(out.fetched?.some((f) => f.startsWith(`failed ${downUrl}`))).toBe(true);
  });

  it("the readable report lists each certificate's status and the fetched URLs", async () => {
    const r = await cli(verifyArgs([], true));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^VALID\n/);
    expect(r.stdout).toContain("revocation:\n  [0] good - CRL ");
    expect(r.stdout).toMatch(new RegExp(`  \\[1\\] good - OCSP response ${esc(r3.url)}`));
    expect(r.stdout).toMatch(/  \[2\] good - CRL .*bridge\.crl/);
    expect(r.stdout).toMatch(new RegExp(`  \\[3\\] good - OCSP response ${esc(r1.url)}`));
    expect(r.stdout).toContain("fetched:\n  - fetched ");
  });
});
