// The CLI's revocation and retrieval flags (src/cli/verify-command.ts) mapped to the
// library's options, and the revocation statuses, warnings and fetched URLs in its output.
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../src/cli/args.js";
import type { CliIo } from "../../src/cli/common.js";
import { buildVerifyOptions, formatReport, toJsonReport, verifyCommand, VERIFY_OPTIONS } from "../../src/cli/verify-command.js";
import { DirectoryIssuerSource } from "../../src/stores/directory.js";
import type { VerifyOptions, VerifyResult } from "../../src/api/types.js";
import { TestPki } from "../../testsuite/src/generate/pki.js";
import { TempDir } from "./helpers.js";

const p = new TestPki({ seed: "cli-flags" });
const root = p.root("CN=Flags Root");
const ca = p.ca("CN=Flags CA", root);
const ee = p.ee("CN=Flags EE", ca);
const FILES: Record<string, Uint8Array> = { "ee.der": ee.der, "ta.der": root.der };
const readFile = (f: string) => {
  const b = FILES[f];
  if (!b) throw Object.assign(new Error(`ENOENT: ${f}`), { code: "ENOENT" });
  return b;
};
const build = (argv: string[], openDir?: Parameters<typeof buildVerifyOptions>[2]) =>
  buildVerifyOptions(parseArgs(["ee.der", "--anchor", "ta.der", ...argv], VERIFY_OPTIONS), readFile, openDir);

describe("revocation and retrieval flags", () => {
  it("map to revocation.preference, fetchPolicy and limits.maxSteps", () => {
    const { options, notes } = build([
      "--revocation", "soft", "--fetch", "--revocation-preference", "crl-first",
      "--fetch-timeout-ms", "1500", "--fetch-max-bytes", "65536",
      "--allow-host", "ocsp.example.org", "--allow-host", "crl.example.org:8080",
      "--ocsp-method", "post", "--no-ocsp-nonce", "--max-steps", "500",
    ]);
    expect(notes).toEqual([]);
    expect(options).toEqual({
      target: ee.der,
      trustAnchors: [root.der],
      revocation: { mode: "soft", fetch: true, preference: "crl-first" },
      fetchPolicy: { timeoutMs: 1500, maxBytes: 65536, allowHosts: ["ocsp.example.org", "crl.example.org:8080"], ocspMethod: "post", ocspNonce: false },
      limits: { maxSteps: 500 },
    } satisfies VerifyOptions);
  });

  it.each(["ocsp-first", "crl-first", "ocsp-only", "crl-only"])("--revocation-preference %s", (pref) => {
    expect(build(["--revocation", "hard", "--revocation-preference", pref]).options.revocation).toEqual({ mode: "hard", preference: pref });
  });

  it.each(["auto", "get", "post"])("--ocsp-method %s", (m) => {
    expect(build(["--revocation", "hard", "--fetch", "--ocsp-method", m]).options.fetchPolicy).toEqual({ ocspMethod: m });
  });

  it("no retrieval flag: no fetchPolicy at all (library defaults)", () => {
    expect(build(["--revocation", "hard", "--fetch"]).options.fetchPolicy).toBeUndefined();
  });

  it("retrieval flags without --fetch are noted as having no effect", () => {
    const { notes } = build(["--revocation", "hard", "--fetch-timeout-ms", "100", "--no-ocsp-nonce"]);
    expect(notes).toEqual(["--fetch-timeout-ms, --no-ocsp-nonce without --fetch: nothing is fetched, so they have no effect"]);
  });

  it.each([
    [["--fetch-timeout-ms", "0"], /--fetch-timeout-ms must be a positive integer/],
    [["--fetch-max-bytes", "1k"], /--fetch-max-bytes must be a positive integer/],
    [["--max-steps", "-3"], /--max-steps/],
    [["--revocation-preference", "ocsp"], /must be one of ocsp-first, crl-first, ocsp-only, crl-only/],
    [["--ocsp-method", "put"], /must be one of auto, get, post/],
    [["--no-ocsp-nonce=1"], /takes no value/],
  ])("usage error for %j", (argv, msg) => {
    expect(() => build(argv)).toThrow(msg);
  });

  it("--untrusted-dir adds a DirectoryIssuerSource per directory; skipped files become notes", () => {
    const dir = new TempDir();
    try {
      dir.write("ca.pem", ca.pem);
      dir.write("junk.crt", "not a certificate");
      const { options, notes } = build(["--untrusted-dir", dir.path]);
      expect(options.issuerSources).toHaveLength(1);
      const src = options.issuerSources![0] as DirectoryIssuerSource;
      expect(src).toBeInstanceOf(DirectoryIssuerSource);
      expect(src.report.loaded).toBe(1);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(/^--untrusted-dir: skipped .*junk\.crt: /);
    } finally {
      dir.remove();
    }
  });

  it("--untrusted-dir that cannot be read is a file error (exit 2), verify not called", async () => {
    let out = "";
    let err = "";
    const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), readFile, writeFile() {} };
    let called = false;
    const verify = async (): Promise<VerifyResult> => {
      called = true;
      return { valid: true, path: [], policies: [] };
    };
    const status = await verifyCommand(["ee.der", "--anchor", "ta.der", "--untrusted-dir", "/no/such/dir"], { verify, io });
    expect(status).toBe(2);
    expect(called).toBe(false);
    expect(out).toBe("");
    expect(err).toMatch(/^certpath verify: cannot read directory \/no\/such\/dir: no such directory/);
  });

  it("--help lists every new flag", async () => {
    let out = "";
    const io: CliIo = { stdout: (t) => void (out += t), stderr: () => {}, readFile, writeFile() {} };
    await verifyCommand(["--help"], { verify: async () => ({ valid: true, path: [], policies: [] }), io });
    for (const f of ["--revocation-preference", "--fetch-timeout-ms", "--fetch-max-bytes", "--allow-host", "--ocsp-method", "--no-ocsp-nonce", "--untrusted-dir", "--max-steps"])
      expect(out).toContain(f);
  });
});

describe("output of revocation results", () => {
  const REVOKED: VerifyResult = {
    valid: false,
    path: [
      { subject: "CN=Flags EE", der: ee.der },
      { subject: "CN=Flags CA", der: ca.der },
      { subject: "CN=Flags Root", der: root.der },
    ],
    policies: [],
    error: { code: "REVOKED", message: "certificate #0 (CN=Flags EE): revoked", certIndex: 0 },
    revocation: [
      { certIndex: 0, status: "revoked", source: "OCSP response http://127.0.0.1:1 (certificate #0)", revocationTime: new Date("2025-01-01T00:00:00Z"), reason: "keyCompromise" },
      { certIndex: 1, status: "good", source: "CRL issued by CN=Flags Root" },
    ],
    warnings: ["something soft"],
    fetched: ["fetched http://127.0.0.1:1: OCSP GET for certificate #0 (CN=Flags EE): 300 bytes"],
  };

  it("JSON: revocation (ISO times), warnings and fetched are added after the contract's four fields", () => {
    const j = JSON.parse(JSON.stringify(toJsonReport(REVOKED)));
    expect(Object.keys(j)).toEqual(["valid", "path", "policies", "error", "revocation", "warnings", "fetched"]);
    expect(j.revocation).toEqual([
      { certIndex: 0, status: "revoked", source: "OCSP response http://127.0.0.1:1 (certificate #0)", revocationTime: "2025-01-01T00:00:00.000Z", reason: "keyCompromise" },
      { certIndex: 1, status: "good", source: "CRL issued by CN=Flags Root" },
    ]);
    expect(j.warnings).toEqual(["something soft"]);
    expect(j.fetched).toEqual(REVOKED.fetched);
  });

  it("JSON: without revocation checking the object keeps exactly the contract's fields", () => {
    const j = toJsonReport({ valid: true, path: REVOKED.path, policies: ["2.5.29.32.0"], warnings: [] });
    expect(Object.keys(j)).toEqual(["valid", "path", "policies", "error"]);
  });

  it("readable report: a line per certificate status, then warnings and fetched URLs", () => {
    const text = formatReport(REVOKED);
    expect(text).toContain("revocation:\n  [0] revoked at 2025-01-01T00:00:00.000Z (keyCompromise) - OCSP response http://127.0.0.1:1");
    expect(text).toContain("  [1] good - CRL issued by CN=Flags Root");
    expect(text).toContain("warnings:\n  - something soft");
    expect(text).toContain("fetched:\n  - fetched http://127.0.0.1:1: OCSP GET");
  });
});
