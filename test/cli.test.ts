// The compiled CLI (dist/cli.js, built by `npm test` before vitest) against the library:
// for a spread of PKITS cases, `certpath verify ... --json` must print what `verify` returns
// (valid, policies, error code, path subjects and SHA-256) and exit 0/1 accordingly.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { verify, type VerifyOptions } from "../src/index.js";
import { loadPkits, type PkitsCase } from "../testsuite/src/pkits.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist", "cli.js");
const PK = join(ROOT, "testsuite", "vectors", "pkits");
const pkits = loadPkits(PK);
const byId = (id: string) => {
  const c = pkits.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no PKITS case ${id}`);
  return c;
};

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sha256 = (d: Uint8Array) => createHash("sha256").update(d).digest("hex");
const pem = (label: string, d: Uint8Array) =>
  `-----BEGIN ${label}-----\n${Buffer.from(d).toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;

/** CLI flags for a case's settings (revocation hard with its CRLs, as in the harness). */
function settingsArgs(c: PkitsCase): string[] {
  const s = c.settings;
  const args = ["--at", c.validationTime, "--revocation", "hard"];
  for (const oid of s.initialPolicySet) args.push("--policy", oid);
  if (s.initialExplicitPolicy) args.push("--explicit-policy");
  if (s.initialPolicyMappingInhibit) args.push("--inhibit-mapping");
  if (s.initialInhibitAnyPolicy) args.push("--inhibit-any");
  return args;
}

/** DER files straight from the vectors. */
function derArgs(c: PkitsCase): string[] {
  const args = [join(PK, "certs", c.path.at(-1)!), "--anchor", join(PK, "certs", c.trustAnchor)];
  for (const f of c.path.slice(0, -1)) args.push("--untrusted", join(PK, "certs", f));
  for (const f of c.crls) args.push("--crl", join(PK, "crls", f));
  return [...args, ...settingsArgs(c)];
}

/** PEM files in a temp dir: target, anchor, one bundle of all intermediates, one of all CRLs. */
function pemArgs(c: PkitsCase): string[] {
  const dir = mkdtempSync(join(tmpdir(), "certpath-cli-"));
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const args = [
    write("target.pem", pem("CERTIFICATE", c.bytes.path.at(-1)!)),
    "--anchor",
    write("anchor.pem", pem("CERTIFICATE", c.bytes.anchor)),
  ];
  if (c.path.length > 1) args.push("--untrusted", write("untrusted.pem", c.bytes.path.slice(0, -1).map((d) => pem("CERTIFICATE", d)).join("")));
  args.push("--crl", write("crls.pem", c.bytes.crls.map((d) => pem("X509 CRL", d)).join("\n")));
  return [...args, ...settingsArgs(c)];
}

/** The same call through the library (contract option names). */
function libraryOptions(c: PkitsCase): VerifyOptions {
  const s = c.settings;
  return {
    target: c.bytes.path.at(-1)!.slice(),
    intermediates: c.bytes.path.slice(0, -1).map((d) => d.slice()),
    trustAnchors: [c.bytes.anchor.slice()],
    time: new Date(c.validationTime),
    policy: {
      initialPolicySet: [...s.initialPolicySet],
      explicitPolicy: s.initialExplicitPolicy,
      policyMappingInhibit: s.initialPolicyMappingInhibit,
      anyPolicyInhibit: s.initialInhibitAnyPolicy,
    },
    revocation: { mode: "hard", crls: c.bytes.crls.map((d) => d.slice()) },
  };
}

async function expectCliMatchesLibrary(c: PkitsCase, args: string[]) {
  const lib = await verify(libraryOptions(c));
  const r = run(["verify", ...args, "--json"]);
  expect(r.stderr, r.stderr).toBe("");
  expect(r.status).toBe(lib.valid ? 0 : 1);
  expect(r.stdout.trim().split("\n")).toHaveLength(1);
  const out = JSON.parse(r.stdout);
  // The contract's four fields are always there; added fields (revocation, warnings, fetched, deviations) may follow.
  expect(Object.keys(out).slice(0, 4).sort()).toEqual(["error", "path", "policies", "valid"]);
  expect(Object.keys(out).filter((k) => !["error", "path", "policies", "valid", "revocation", "warnings", "fetched", "deviations"].includes(k))).toEqual([]);
  // Strict-profile rules the path breaks (README "Profiles"), as the library lists them.
  expect(out.deviations ?? []).toEqual(lib.deviations ?? []);
  expect(out.valid).toBe(lib.valid);
  expect([...out.policies].sort()).toEqual([...lib.policies].sort());
  expect(out.path).toEqual(lib.path.map((p) => ({ subject: p.subject, sha256: sha256(p.der) })));
  if (lib.valid) {
    expect(out.error).toBeNull();
  } else {
    expect(out.error.code).toBe(lib.error!.code);
    expect(typeof out.error.message).toBe("string");
    expect(out.error.certIndex).toBe(lib.error!.certIndex);
  }
  return out;
}

// A spread of sections: signatures, validity, revocation (missing CRL, revoked, indirect
// CRL with a CRL-signing certificate in the bag), basic constraints, key usage, policies
// (initial set, explicit policy, mapping and any-policy inhibit), name constraints.
const CASES = [
  "4.1.1", "4.1.2", "4.2.1", "4.4.1", "4.4.3", "4.6.13", "4.7.2",
  "4.8.1/3", "4.8.1/4", "4.9.1", "4.10.1.3/3", "4.10.3/2", "4.12.3/2", "4.13.5", "4.14.24",
];

describe("certpath verify (dist/cli.js)", () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (\`npm test\` does)`);
  });

  it.each(CASES)("PKITS %s, DER files: --json equals the library's result", async (id) => {
    await expectCliMatchesLibrary(byId(id), derArgs(byId(id)));
  });

  it.each(["4.6.13", "4.4.3", "4.8.1/4"])("PKITS %s, PEM files and bundles: --json equals the library's result", async (id) => {
    await expectCliMatchesLibrary(byId(id), pemArgs(byId(id)));
  });

  it("readable report without --json", async () => {
    const c = byId("4.1.1");
    const lib = await verify(libraryOptions(c));
    const r = run(["verify", ...derArgs(c)]);
    expect(r.status).toBe(lib.valid ? 0 : 1);
    expect(r.stdout.split("\n")[0]).toBe(lib.valid ? "VALID" : "INVALID");
    for (const p of lib.path) expect(r.stdout).toContain(p.subject);
  });

  describe("usage errors exit 2 with a message on stderr", () => {
    const c = byId("4.1.1");
    const target = join(PK, "certs", c.path.at(-1)!);
    const anchor = join(PK, "certs", c.trustAnchor);
    it.each([
      ["missing --anchor", [target]],
      ["missing TARGET", ["--anchor", anchor]],
      ["unreadable target", [join(PK, "certs", "NoSuchFile.crt"), "--anchor", anchor]],
      ["unreadable anchor", [target, "--anchor", join(PK, "nope", "anchor.crt")]],
      ["unreadable CRL", [target, "--anchor", anchor, "--crl", join(PK, "crls")]],
      ["bad --revocation", [target, "--anchor", anchor, "--revocation", "strict"]],
      ["bad --at", [target, "--anchor", anchor, "--at", "tomorrow"]],
      ["bad --policy", [target, "--anchor", anchor, "--policy", "nist-test-policy-1"]],
      ["unknown option", [target, "--anchor", anchor, "--frobnicate"]],
    ])("%s", (_name, args) => {
      const r = run(["verify", ...args]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^certpath verify: /);
    });

    it("unknown command", () => {
      const r = run(["check", target]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/unknown command/);
    });
  });

  it("--help exits 0", () => {
    const r = run(["verify", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("certpath verify TARGET --anchor FILE");
  });

  it("dist/cli.js starts with a shebang", () => {
    expect(readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});
