// The interoperability matrix: session (fake implementations), terminal table, HTML, JSON.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportCases } from "../../testsuite/src/export.js";
import { runInteropSession } from "../../testsuite/src/interop/session.js";
import type { Implementation, ExportedCase, RunOutcome } from "../../testsuite/src/interop/types.js";
import { certpathImplementation } from "../../testsuite/src/interop/certpath.js";
import { escapeHtml, renderHtml } from "../../testsuite/src/report/html.js";
import { judge, type InteropReport } from "../../testsuite/src/report/model.js";
import { formatInteropSummary, formatInteropTables } from "../../testsuite/src/report/terminal.js";
import { reportJson } from "../../testsuite/src/report/write.js";
import { verify } from "../../src/index.js";
import { summarize, type ConformanceSuite } from "../../testsuite/src/suite.js";
import { exportPkits, pkits, pkitsSubsetSuite, type Exported } from "./helpers.js";

const IDS = ["4.1.1", "4.1.2", "4.1.3", "4.6.5", "4.8.1/1"];

/** An implementation that answers the expectation, except where `wrong` says otherwise. */
function fake(name: string, wrong: Record<string, Partial<RunOutcome>> = {}): Implementation {
  return {
    name,
    concurrency: 2,
    limitations: [`${name} cannot do <everything> & more`],
    howRun: `${name} --verify`,
    version: async () => `${name} 1.0`,
    available: async () => true,
    async run(c: ExportedCase): Promise<RunOutcome> {
      const base: RunOutcome = c.expect.valid ? { valid: true, policies: [...c.expect.userConstrainedPolicySet], detail: "ok" } : { valid: false, detail: "rejected" };
      return { ...base, ...(wrong[c.id] ?? {}) };
    },
    explain: (c, o) => `${name} explains ${c.id} (${String(o.valid)})`,
  };
}

/** Tag balance of the generated HTML: every element closed in order; void elements excepted. */
function checkWellFormed(html: string): void {
  const VOID = new Set(["meta", "input", "br", "hr", "img", "link"]);
  const stack: string[] = [];
  const re = /<(!DOCTYPE html|\/?)([a-zA-Z][a-zA-Z0-9]*)?((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*>/g;
  let last = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const between = html.slice(last, m.index);
    expect(between, `stray "<" before offset ${m.index}`).not.toMatch(/[<>]/);
    last = re.lastIndex;
    if (m[1] === "!DOCTYPE html") continue;
    const tag = m[2]!.toLowerCase();
    if (m[1] === "/") {
      expect(stack.pop(), `closing </${tag}> at ${m.index}`).toBe(tag);
    } else if (!VOID.has(tag)) {
      stack.push(tag);
    }
  }
  expect(html.slice(last).trim()).toBe("");
  expect(stack).toEqual([]);
}

let ex: Exported;
let report: InteropReport;
let suites: ConformanceSuite[];

beforeAll(async () => {
  ex = exportPkits(IDS);
  const certOnly: ConformanceSuite = {
    name: "pkits-shuffled",
    description: "certpath only <shuffled>",
    run: async () =>
      summarize("pkits (shuffled)", "certpath only <shuffled>", [
        { suite: "pkits (shuffled)", id: "4.1.1", title: "Valid Signatures Test1", section: "4.1 Signature Verification", passed: true, expected: { valid: true, policies: [] }, got: { valid: true, policies: [] }, ms: 1 },
      ], 1),
  };
  suites = [pkitsSubsetSuite(IDS), certOnly];
  const { report: r } = await runInteropSession({
    suites,
    verify,
    implementations: [
      fake("alpha"),
      fake("beta", {
        "4.1.2": { valid: true, policies: [], detail: "beta said <script>alert(1)</script> & accepted" },
        "4.1.1": { policies: ["2.5.29.32.0"] },
        "4.6.5": { valid: "error", detail: "crashed" },
      }),
      { ...fake("gamma"), available: async () => false, version: async () => "unavailable (not installed)" },
    ],
    certpathDriver: certpathImplementation(verify, "certpath test"),
    casesDir: ex.dir,
    exportDir: "/nonexistent",
    exporter: async () => {
      throw new Error("unused: casesDir given");
    },
    certpathVersion: "certpath test",
  });
  report = r;
});
afterAll(() => ex?.cleanup());

describe("judge", () => {
  it("classifies verdicts and policy sets", () => {
    const valid = { valid: true, policies: ["1.2.3"] };
    expect(judge(valid, { valid: true, policies: ["1.2.3", "1.2.3"] })).toBe("pass");
    expect(judge(valid, { valid: true })).toBe("pass"); // policies not reported
    expect(judge(valid, { valid: true, policies: ["1.2.4"] })).toBe("policy");
    expect(judge(valid, { valid: false })).toBe("fail");
    expect(judge(valid, { valid: "error" })).toBe("error");
    expect(judge({ valid: false, policies: [] }, { valid: false, policies: ["x"] })).toBe("pass");
  });
});

describe("interop session", () => {
  it("has a row per case and a cell per implementation", () => {
    expect(report.rows.filter((r) => r.suite === "pkits").map((r) => r.id)).toEqual(IDS);
    for (const r of report.rows.filter((x) => x.suite === "pkits")) {
      expect(Object.keys(r.cells).sort()).toEqual(["alpha", "beta", "certpath", "gamma"]);
      expect(r.caseDir).toBe(`pkits/${r.id.replace("/", "_")}`);
      expect(r.topology).toBe("NIST PKITS");
    }
    const pk = report.suites.find((s) => s.name === "pkits")!;
    expect(pk.implementations).toEqual(["certpath", "alpha", "beta"]);
  });

  it("classifies cells and keeps the implementation's words and our explanation", () => {
    const row = (id: string) => report.rows.find((r) => r.suite === "pkits" && r.id === id)!;
    expect(row("4.1.1").cells["certpath"]!.status).toBe("pass");
    expect(row("4.1.1").cells["certpath"]!.note).toBeUndefined(); // files agree with the in-process run
    expect(row("4.1.1").cells["beta"]!.status).toBe("policy");
    expect(row("4.1.2").cells["beta"]).toMatchObject({ status: "fail", detail: expect.stringContaining("<script>"), explanation: "beta explains 4.1.2 (true)" });
    expect(row("4.6.5").cells["beta"]!.status).toBe("error");
    expect(row("4.1.1").cells["gamma"]).toMatchObject({ status: "not-run", detail: "gamma is not available" });
    expect(report.warnings.join("\n")).toMatch(/gamma is not available/);
  });

  it("certpath-only suites say why the others did not run", () => {
    const sh = report.suites.find((s) => s.name === "pkits-shuffled")!;
    expect(sh.implementations).toEqual(["certpath"]);
    expect(sh.note).toMatch(/shuffled order/);
    expect(report.rows.find((r) => r.suite === "pkits-shuffled")!.cells["alpha"]!.status).toBe("not-run");
  });

  it("summarizes per suite, implementation and section; certpath's count is its in-process results", () => {
    const s = (impl: string) => report.summary.find((x) => x.suite === "pkits" && x.implementation === impl)!;
    expect(s("certpath")).toMatchObject({ cases: 5, passed: 5, failed: 0 });
    expect(s("alpha")).toMatchObject({ cases: 5, passed: 5 });
    expect(s("beta")).toMatchObject({ cases: 5, passed: 2, failed: 1, policy: 1, error: 1 });
    expect(s("beta").sections.find((x) => x.section === "4.1 Signature Verification")).toMatchObject({ cases: 3, passed: 1 });
    expect(report.certpath).toEqual({ passed: 6, failed: 0 });
  });
});

describe("terminal table", () => {
  const text = () => formatInteropTables(report, { maxListed: 1, width: 120 });
  it("prints per suite and section the counts per implementation", () => {
    const t = text();
    expect(t).toContain("== pkits (given order): NIST PKITS subset (5 cases)");
    expect(t).toMatch(/section\s+cases\s+certpath\s+alpha\s+beta\n/);
    expect(t).toMatch(/4\.1 Signature Verification\s+3\s+3\/3\s+3\/3\s+1\/3/);
    expect(t).toMatch(/total\s+5\s+5\/5\s+5\/5\s+2\/5/);
    expect(t).toMatch(/pass rate\s+100\.0%\s+100\.0%\s+40\.0%/);
    expect(t).toContain("== pkits (shuffled): certpath only <shuffled>");
  });

  it("lists failing cells with detail and explanation, truncated, wrong verdicts first", () => {
    const t = text();
    expect(t).toContain("beta: 3 of 5 not passing (1 wrong verdict, 1 different policy set, 1 no verdict)");
    const listed = t.split("\n").filter((l) => l.startsWith("  4."));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatch(/^ {2}4\.1\.2 Invalid CA Signature Test2: expected invalid, got valid \{\}: beta said <script>/);
    expect(listed[0]!.length).toBeLessThanOrEqual(120);
    expect(listed[0]).toMatch(/\.\.\.$/);
    expect(t).toContain("  ... 2 more in the HTML report");
    expect(t).not.toMatch(/^FAIL/m); // certpath passes
  });

  it("summary lines give passed/cases per implementation", () => {
    expect(formatInteropSummary(report)).toMatch(/pkits \(given order\)\s+certpath 5\/5 \(100\.0%\)\s+alpha 5\/5 \(100\.0%\)\s+beta 2\/5 \(40\.0%\)/);
  });
});

describe("HTML report", () => {
  const html = () => renderHtml(report);
  it("is self-contained: no scripts, no external references", () => {
    const h = html();
    expect(h).not.toMatch(/<script/i);
    expect(h).not.toMatch(/<link/i);
    expect(h).not.toMatch(/\ssrc=/i);
    expect(h).not.toMatch(/url\(/i);
    expect(h).not.toMatch(/@import/i);
    for (const m of h.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
    expect(h).not.toMatch(/(?:href|src)\s*=\s*["']?https?:/i);
    expect(h).toMatch(/^<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">/);
    expect(h).toContain("<style>");
  });

  it("parses: every element closed, in order", () => {
    checkWellFormed(html());
  });

  it("escapes every text", () => {
    const h = html();
    expect(h).toContain("beta said &lt;script&gt;alert(1)&lt;/script&gt; &amp; accepted");
    expect(h).toContain("cannot do &lt;everything&gt; &amp; more");
    expect(h).toContain("certpath only &lt;shuffled&gt;");
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("contains every implementation, a summary and the full matrix with the failing cells explained", () => {
    const h = html();
    for (const i of ["certpath", "alpha", "beta", "gamma"]) expect(h).toContain(`<td>${i}`);
    expect(h).toContain("not available");
    expect(h).toContain("<h2>Summary</h2>");
    expect(h).toContain("<h3>Matrix</h3>");
    for (const id of IDS) expect(h).toContain(`<td>${id}</td>`);
    expect(h).toMatch(/<td class="cell fail">.*<details><summary>wrong verdict: what beta said<\/summary><p class="said">beta said/);
    expect(h).toContain(`<p class="why"><b>Why:</b> beta explains 4.1.2 (true)</p>`);
    expect(h).toContain(`<td class="cell policy">`);
    expect(h).toContain(`<td class="cell error">`);
    expect(h).toContain("certpath: 6 passed, 0 failed.");
  });
});

describe("JSON report", () => {
  it("holds everything, and round-trips", () => {
    const j = JSON.parse(reportJson(report)) as InteropReport;
    expect(j.format).toBe("certpath-interop-report/1");
    expect(Object.keys(j).sort()).toEqual(
      ["certpath", "certpathVersion", "casesDir", "format", "generatedAt", "implementations", "node", "platform", "rows", "suites", "summary", "warnings"].sort(),
    );
    expect(j.implementations.map((i) => [i.name, i.available])).toEqual([
      ["certpath", true],
      ["alpha", true],
      ["beta", true],
      ["gamma", false],
    ]);
    expect(j.implementations[1]).toMatchObject({ version: "alpha 1.0", howRun: "alpha --verify", limitations: ["alpha cannot do <everything> & more"] });
    const row = j.rows.find((r) => r.suite === "pkits" && r.id === "4.1.2")!;
    expect(row).toMatchObject({ title: "Invalid CA Signature Test2", section: "4.1 Signature Verification", expected: { valid: false, policies: [] } });
    expect(row.cells["beta"]).toMatchObject({ status: "fail", got: { valid: true, policies: [] } });
    expect(typeof row.cells["beta"]!.ms).toBe("number");
    expect(j.summary.find((s) => s.implementation === "beta")!.sections.length).toBeGreaterThan(0);
    expect(j).toEqual(JSON.parse(JSON.stringify(report)));
  });
});

describe("certpath cross-check through the files", () => {
  it("a disagreement is noted on the cell and warned, not counted", async () => {
    const lying: Implementation = { ...certpathImplementation(verify), run: async () => ({ valid: false, detail: "NO_PATH: lied" }) };
    const { report: r } = await runInteropSession({
      suites: [pkitsSubsetSuite(["4.1.1"])],
      verify,
      implementations: [],
      certpathDriver: lying,
      casesDir: ex.dir,
      exportDir: "/nonexistent",
      exporter: async () => undefined,
      certpathVersion: "t",
    });
    const cell = r.rows[0]!.cells["certpath"]!;
    expect(cell.status).toBe("pass");
    expect(cell.note).toMatch(/NO_PATH: lied/);
    expect(r.warnings.join()).toMatch(/4\.1\.1: certpath from the exported files \(fail\) disagrees/);
    expect(r.certpath).toEqual({ passed: 1, failed: 0 });
  });

  it("the tests' PKITS exporter writes what testsuite/src/export.ts writes", () => {
    const c = ex.manifest.cases.find((x) => x.id === "4.8.1/1")!;
    expect(c).toMatchObject({ suite: "pkits", dir: "pkits/4.8.1_1", topology: "NIST PKITS", revocation: { mode: "hard" }, files: { target: "target.der", anchors: ["anchors/00.der"], ocsp: [] } });
    expect(ex.manifest.format).toBe("certpath-cases/1");
    expect(pkits().cases.find((x) => x.id === "4.8.1/1")!.crls).toHaveLength(c.files.crls.length);
    const dir = mkdtempSync(join(tmpdir(), "certpath-export-"));
    try {
      const wide = exportCases(dir, { suites: ["pkits"], pkits: pkits() }).manifest;
      for (const mine of ex.manifest.cases) {
        const theirs = wide.cases.find((x) => x.id === mine.id)!;
        expect(JSON.parse(JSON.stringify(mine))).toEqual(JSON.parse(JSON.stringify(theirs)));
        for (const f of [mine.files.target, ...mine.files.intermediates, ...mine.files.anchors, ...mine.files.crls, "anchors.pem", "intermediates.pem", "crls.pem", "target.pem"]) {
          expect(readFileSync(join(ex.dir, mine.dir, f)).equals(readFileSync(join(dir, theirs.dir, f))), `${mine.id} ${f}`).toBe(true);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
