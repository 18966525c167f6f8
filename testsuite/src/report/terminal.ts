// The matrix as terminal text: per suite, a table by section with each implementation's
// passed/cases, then the cells that did not pass (certpath's all, as FAIL lines; the other
// implementations' first few, truncated, with their own message and our explanation).

import { describeExpected, describeGot, rate, type InteropReport, type MatrixCell, type MatrixRow, type SuiteInfo } from "./model.js";

export interface TerminalOptions {
  /** Most non-passing cells listed per implementation and suite (certpath: all). Default 12. */
  maxListed?: number;
  /** Width a listed line is cut to. Default 200. */
  width?: number;
}

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, Math.max(0, n - 3))}...`);
const firstLine = (s: string) => s.split("\n")[0] ?? "";

function certpathFailLine(r: MatrixRow, c: MatrixCell): string {
  const got = c.got.valid === "error" ? "threw" : String(c.got.valid);
  const extra = c.status === "pass" ? "" : ` ${firstLine(c.detail)}`;
  const note = c.note ? ` [${c.note}]` : "";
  return `FAIL ${r.id} ${r.title}: expected valid=${r.expected.valid} policies=${r.expected.policies.join(",")}; got valid=${got} policies=${(c.got.policies ?? []).join(",")}${extra}${note}`;
}

/** The table and failing cells of one suite. */
export function formatSuiteMatrix(report: InteropReport, suite: SuiteInfo, opts: TerminalOptions = {}): string {
  const max = opts.maxListed ?? 12;
  const width = opts.width ?? 200;
  const rows = report.rows.filter((r) => r.suite === suite.name);
  const impls = suite.implementations;
  const entries = impls.map((i) => report.summary.find((s) => s.suite === suite.name && s.implementation === i)!);
  const sections = [...new Set(rows.map((r) => r.section))];
  const w = Math.max("section".length, "pass rate".length, ...sections.map((s) => s.length));
  const colW = Math.max(9, ...impls.map((i) => i.length + 1));
  const col = (s: string) => s.padStart(colW);
  const lines: string[] = [];
  lines.push(`${"section".padEnd(w)} ${"cases".padStart(6)} ${impls.map(col).join(" ")}`);
  const rule = "-".repeat(w + 7 + impls.length * (colW + 1));
  lines.push(rule);
  for (const sec of sections) {
    const n = rows.filter((r) => r.section === sec).length;
    const cells = entries.map((e) => {
      const k = e.sections.find((x) => x.section === sec);
      return k && k.cases > 0 ? `${k.passed}/${k.cases}` : "-";
    });
    const bad = entries.some((e) => {
      const k = e.sections.find((x) => x.section === sec);
      return e.implementation === "certpath" && k && k.passed < k.cases;
    });
    lines.push(`${sec.padEnd(w)} ${String(n).padStart(6)} ${cells.map(col).join(" ")}${bad ? "  <--" : ""}`);
  }
  lines.push(rule);
  lines.push(`${"total".padEnd(w)} ${String(rows.length).padStart(6)} ${entries.map((e) => col(e.cases ? `${e.passed}/${e.cases}` : "-")).join(" ")}`);
  lines.push(`${"pass rate".padEnd(w)} ${"".padStart(6)} ${entries.map((e) => col(rate(e))).join(" ")}`);
  if (suite.note) lines.push(suite.note);

  for (const e of entries) {
    const failing = rows.filter((r) => r.cells[e.implementation] && !["pass", "not-run"].includes(r.cells[e.implementation]!.status));
    const noted = rows.filter((r) => r.cells[e.implementation]?.note);
    if (failing.length === 0 && noted.length === 0) continue;
    lines.push("");
    if (e.implementation === "certpath") {
      for (const r of failing) lines.push(certpathFailLine(r, r.cells["certpath"]!));
      for (const r of noted) if (!failing.includes(r)) lines.push(`NOTE ${r.id} ${r.title}: ${r.cells["certpath"]!.note}`);
      continue;
    }
    const passNotes = noted.filter((r) => r.cells[e.implementation]!.status === "pass").length;
    if (failing.length === 0) {
      lines.push(`${e.implementation}: all ${e.cases} pass (${passNotes} with a note in the HTML report)`);
      continue;
    }
    const parts = [`${e.failed} wrong verdict`];
    if (e.policy) parts.push(`${e.policy} different policy set`);
    if (e.error) parts.push(`${e.error} no verdict`);
    if (e.unsupported) parts.push(`${e.unsupported} with an input it cannot express`);
    if (e.unexplained) parts.push(`${e.unexplained} unexplained`);
    if (e.timedOut) parts.push(`${e.timedOut} timed out`);
    lines.push(`${e.implementation}: ${failing.length} of ${e.cases} not passing (${parts.join(", ")})`);
    // Wrong verdicts and errors first, then policy-set differences.
    const ordered = [...failing.filter((r) => r.cells[e.implementation]!.status !== "policy"), ...failing.filter((r) => r.cells[e.implementation]!.status === "policy")];
    for (const r of ordered.slice(0, max)) {
      const c = r.cells[e.implementation]!;
      const why = c.explanation ? ` -- ${c.explanation}` : "";
      lines.push(cut(`  ${r.id} ${r.title}: expected ${describeExpected(r.expected)}, got ${describeGot(c)}: ${firstLine(c.detail)}${why}`, width));
    }
    if (ordered.length > max) lines.push(`  ... ${ordered.length - max} more in the HTML report`);
    if (passNotes > 0) lines.push(`  (${passNotes} passing cells carry a note, e.g. a rejection that may not come from the rule under test: see the HTML report)`);
  }
  return lines.join("\n") + "\n";
}

/** Every suite, with a header line each (`== title: description (time)`). */
export function formatInteropTables(report: InteropReport, opts: TerminalOptions = {}): string {
  return report.suites
    .map((s) => {
      const secs = ((s.elapsedMs["certpath"] ?? 0) / 1000).toFixed(1);
      return `\n== ${s.title}: ${s.description} (${secs} s)\n${formatSuiteMatrix(report, s, opts)}`;
    })
    .join("");
}

/** "openssl  247/249 (99.2%)" per implementation and suite. */
export function formatInteropSummary(report: InteropReport): string {
  const lines: string[] = [];
  const w = Math.max(...report.suites.map((s) => s.title.length), 5);
  for (const s of report.suites) {
    const parts = s.implementations.map((i) => {
      const e = report.summary.find((x) => x.suite === s.name && x.implementation === i)!;
      return `${i} ${e.passed}/${e.cases} (${rate(e)})`;
    });
    lines.push(`  ${s.title.padEnd(w)}  ${parts.join("   ")}`);
    for (const i of s.implementations) {
      const e = report.summary.find((x) => x.suite === s.name && x.implementation === i)!;
      if (!e.orderRuns) continue;
      const failing = report.rows.filter((r) => r.suite === s.name && r.cells[i]?.orders && r.cells[i]!.orders!.passed === 0).map((r) => r.id);
      lines.push(
        `  ${"".padEnd(w)}  ${i} over ${e.orderRuns / Math.max(1, e.cases)} bag orders: pass rate ${((100 * e.orderPassed) / e.orderRuns).toFixed(1)}% (${e.orderPassed}/${e.orderRuns} runs); ` +
          `fails under every order: ${e.failingEveryOrder}${failing.length ? ` (${failing.slice(0, 8).join(", ")}${failing.length > 8 ? ", ..." : ""})` : ""}`,
      );
    }
  }
  return lines.join("\n") + "\n";
}
