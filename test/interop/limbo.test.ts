// The x509-limbo format both ways: a small limbo file written here from generated
// multi-domain cases is imported (`certpath conformance --suite FILE` machinery), run by
// certpath, OpenSSL and pkijs, exported again, and imported again: the file and every
// engine's verdicts are identical. The CLI doors: `testsuite export --format limbo` and
// `conformance --suite FILE`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verify } from "../../src/index.js";
import { main } from "../../src/cli/main.js";
import { multidomainCaseBytes, portableOf } from "../../testsuite/src/export.js";
import { defaultExporter } from "../../testsuite/src/interop/export-cases.js";
import { certpathImplementation } from "../../testsuite/src/interop/certpath.js";
import { opensslImplementation } from "../../testsuite/src/interop/openssl.js";
import { pkijsImplementation } from "../../testsuite/src/interop/pkijs.js";
import { runInteropSession } from "../../testsuite/src/interop/session.js";
import { limboSuite, toLimbo, unexpressible, type LimboFile } from "../../testsuite/src/limbo.js";
import { allScenarios } from "../../testsuite/src/multidomain/cases/index.js";
import { generateScenario } from "../../testsuite/src/multidomain/generate.js";
import { capturingIo } from "../cli-io.js";

const tmp = mkdtempSync(join(tmpdir(), "certpath-limbo-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Valid and invalid cases of several groups, one with CRLs (hard-fail revocation). */
const IDS = ["hier-basic", "mesh-loop", "trust-leak-constrained", "tl-multi-anchor", "crl-revoked-ee", "rollover-old-with-new", "hier-expired-intermediate"];

async function verdicts(file: string, exportDir: string): Promise<Record<string, Record<string, boolean | "error" | null>>> {
  const suite = limboSuite(file);
  const { report } = await runInteropSession({
    suites: [suite],
    verify,
    implementations: [opensslImplementation(), pkijsImplementation()],
    certpathDriver: certpathImplementation(verify, "certpath test"),
    exportDir,
    exporter: defaultExporter,
    certpathVersion: "certpath test",
  });
  expect(report.warnings).toEqual([]);
  const out: Record<string, Record<string, boolean | "error" | null>> = {};
  for (const row of report.rows) out[row.id] = Object.fromEntries(Object.entries(row.cells).map(([impl, c]) => [impl, c.got.valid]));
  return out;
}

describe("x509-limbo round trip", () => {
  it("a limbo file of generated cases: import, run, export, import again: same file, same verdicts for certpath, OpenSSL and pkijs", async () => {
    const scenarios = allScenarios().filter((s) => IDS.includes(s.id));
    const cases = scenarios.map((s) => portableOf(multidomainCaseBytes(generateScenario(s))));
    expect(cases.map((c) => c.id).sort()).toEqual([...IDS].sort());
    for (const c of cases) expect(unexpressible(c), c.id).toEqual([]);
    const first = toLimbo("multidomain", cases);
    expect(first.unexpressed).toEqual([]);
    const f1 = join(tmp, "small.json");
    writeFileSync(f1, JSON.stringify(first.file));

    const v1 = await verdicts(f1, join(tmp, "cases-1"));
    // Export what was imported, and import that.
    const again = toLimbo("small", limboSuite(f1).cases);
    expect(again.file).toEqual(first.file);
    const f2 = join(tmp, "small-again.json");
    writeFileSync(f2, JSON.stringify(again.file));
    const v2 = await verdicts(f2, join(tmp, "cases-2"));
    expect(v2).toEqual(v1);

    // Every engine gave a verdict on every case, and certpath's are the suite's.
    expect(Object.keys(v1).sort()).toEqual(first.file.testcases.map((t) => t.id).sort());
    for (const t of first.file.testcases) {
      expect(v1[t.id]!["certpath"], t.id).toBe(t.expected_result === "SUCCESS");
      expect(typeof v1[t.id]!["openssl"], t.id).toBe("boolean");
      expect(typeof v1[t.id]!["pkijs"], t.id).toBe("boolean");
    }
  });
});

describe("CLI: testsuite export --format limbo, conformance --suite FILE", () => {
  it("writes PKITS as a limbo file with the policy-input cases listed, and runs it back", async () => {
    const dir = join(tmp, "limbo-export");
    const io = capturingIo();
    expect(await main(["testsuite", "export", dir, "--format", "limbo", "--suite", "pkits"], { verify, io })).toBe(0);
    const file = JSON.parse(readFileSync(join(dir, "pkits.limbo.json"), "utf8")) as LimboFile;
    const side = JSON.parse(readFileSync(join(dir, "pkits.limbo-unexpressed.json"), "utf8")) as { cases: { id: string; reasons: string[] }[] };
    expect(file.version).toBe(1);
    expect(file.testcases.length + side.cases.length).toBe(249);
    // PKITS cases with policy inputs (4.8, 4.10, 4.11, 4.12 with initial settings) are the ones listed.
    expect(side.cases.length).toBe(35);
    for (const c of side.cases) expect(c.reasons.every((r) => /policy|inhibit/.test(r)), c.id).toBe(true);
    expect(file.testcases.find((t) => t.id === "certpath::pkits::c4.1.1")?.expected_result).toBe("SUCCESS");

    const run = capturingIo();
    const code = await main(["conformance", "--suite", join(dir, "pkits.limbo.json"), "--impl", "certpath", "--report", join(tmp, "report")], { verify, io: run });
    expect(run.out).toMatch(/214 passed, 0 failed\s*$/);
    expect(code).toBe(0);
  });

  it("an unreadable suite file is a usage error naming it", async () => {
    const bad = join(tmp, "bad.json");
    writeFileSync(bad, "{}");
    const io = capturingIo();
    expect(await main(["conformance", "--suite", bad], { verify, io })).toBe(2);
    expect(io.err).toContain(`cannot read the suite file ${bad}`);
  });
});
