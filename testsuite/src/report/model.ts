// The interoperability matrix: one row per case of each suite, one cell per implementation
// (expected, got, pass or why not), with per-suite and per-section summaries. Built from
// certpath's in-process suite results and the other implementations' runs on the exported
// case files; rendered by ./terminal.ts and ./html.ts, and written as JSON by ./write.ts.

import type { CaseResult, SuiteReport } from "../suite.js";
import { sameSet } from "../suite.js";
import type { ExplainContext, ExportedCase, RunOutcome } from "../interop/types.js";

/**
 * pass: verdict and (when reported) user-constrained policy set match;
 * fail: wrong verdict; policy: right verdict, different policy set;
 * error: no verdict (crash, unreadable input); not-run: the implementation did not run the case.
 */
export type CellStatus = "pass" | "fail" | "policy" | "error" | "not-run";

export interface MatrixCell {
  status: CellStatus;
  got: { valid: boolean | "error" | null; policies?: string[] };
  /** The implementation's own words (exit code, error text, command line). */
  detail: string;
  /** Our explanation of a cell that is not a pass (from the engine's answer). */
  explanation?: string;
  /** true: a cell that is not a pass and has no known cause (its explanation says "unexplained"). */
  unexplained?: boolean;
  /** The error code the implementation gave (certpath's cells). */
  code?: string;
  /** No answer within the per-case time limit. */
  timedOut?: boolean;
  /** With several bag orders: how many runs (the exported order first) and how many passed. */
  orders?: { runs: number; passed: number };
  /** What the implementation could not express for this case. */
  unsupported?: string;
  /** Extra observations (e.g. certpath from the exported files disagreeing with the in-process run). */
  note?: string;
  ms: number;
}

export interface MatrixRow {
  /** The suite's short name ("pkits", "pkits-shuffled", "multidomain"). */
  suite: string;
  id: string;
  title: string;
  section: string;
  topology?: string;
  /** The exported case folder, relative to the export directory. */
  caseDir?: string;
  expected: { valid: boolean; policies: string[]; errorCode?: string; policiesChecked?: false };
  cells: Record<string, MatrixCell>;
}

export interface ImplementationInfo {
  name: string;
  version: string;
  available: boolean;
  /** Whether it was asked to run. */
  selected: boolean;
  /** How it is driven (command line, API). */
  howRun: string;
  limitations: string[];
}

export interface SuiteInfo {
  name: string;
  /** Display name (e.g. "pkits (given order)"). */
  title: string;
  description: string;
  /** Implementations that ran on this suite, certpath first. */
  implementations: string[];
  /** Why the other implementations did not run it, if they did not. */
  note?: string;
  elapsedMs: Record<string, number>;
}

export interface Counts {
  cases: number;
  passed: number;
  failed: number;
  policy: number;
  error: number;
  notRun: number;
  /** Non-passing cells where the implementation could not express the case. */
  unsupported: number;
  /** Non-passing cells with no known cause. */
  unexplained: number;
  /** Cells with no answer within the per-case time limit. */
  timedOut: number;
  /** With several bag orders: runs over all orders and cases, runs that passed. */
  orderRuns: number;
  orderPassed: number;
  /** With several bag orders: cases failing under every order (order-independent failures). */
  failingEveryOrder: number;
}

export interface SummaryEntry extends Counts {
  suite: string;
  implementation: string;
  sections: ({ section: string } & Counts)[];
}

export interface InteropReport {
  format: "certpath-interop-report/1";
  generatedAt: string;
  certpathVersion: string;
  node: string;
  platform: string;
  /** Where the exported case folders are (absolute), if any were exported. */
  casesDir?: string;
  implementations: ImplementationInfo[];
  suites: SuiteInfo[];
  summary: SummaryEntry[];
  rows: MatrixRow[];
  /** certpath's in-process results only: what the command's last line and exit status count. */
  certpath: { passed: number; failed: number };
  warnings: string[];
}

/** Classifies an outcome against the expectation. */
export function judge(expected: { valid: boolean; policies: string[]; policiesChecked?: false }, got: { valid: boolean | "error" | "threw"; policies?: string[] }): CellStatus {
  if (got.valid === "error" || got.valid === "threw") return "error";
  if (got.valid !== expected.valid) return "fail";
  if (expected.valid && expected.policiesChecked !== false && got.policies !== undefined && !sameSet(got.policies, expected.policies)) return "policy";
  return "pass";
}

/** certpath's cell from an in-process suite result. */
export function cellFromCaseResult(r: CaseResult): MatrixCell {
  const status = r.passed ? "pass" : judge(r.expected, r.got) === "pass" ? "fail" : judge(r.expected, r.got);
  const e = r.got.error;
  const detail = r.got.valid === true
    ? `valid; policies: ${r.got.policies.join(", ") || "<empty>"}`
    : e
      ? `${e.code}${e.certIndex !== undefined ? ` (certificate ${e.certIndex})` : ""}: ${e.message}`
      : String(r.got.valid);
  const cell: MatrixCell = {
    status,
    got: { valid: r.got.valid === "threw" ? "error" : r.got.valid, policies: [...r.got.policies] },
    detail,
    ms: r.ms,
  };
  if (e) cell.code = e.code;
  if (status !== "pass") {
    cell.explanation =
      status === "error"
        ? "verify threw: a certpath bug"
        : status === "policy"
          ? "certpath returns a different user-constrained policy set"
          : r.got.valid === r.expected.valid
            ? "the verdict matches but another expectation of the suite (path, error code) does not"
            : "certpath's verdict differs from the expected one";
  }
  return cell;
}

/** A cell from an implementation's run on the exported files. */
export function cellFromOutcome(
  c: ExportedCase,
  o: RunOutcome,
  ms: number,
  explain?: (c: ExportedCase, o: RunOutcome, ctx?: ExplainContext) => string | undefined,
  ctx: ExplainContext = {},
): MatrixCell {
  // An implementation-limit case (certpath's own work limits decide it) judges the others by
  // the RFC 5280 verdict: certpath's limits are not theirs.
  const limit = ctx.judgeByRfc !== false && c.expect.implementationLimit === true && c.expect.rfc5280Valid !== undefined && c.expect.rfc5280Valid !== c.expect.valid;
  const expected = {
    valid: limit ? c.expect.rfc5280Valid! : c.expect.valid,
    policies: c.expect.userConstrainedPolicySet,
    ...(c.expect.policiesChecked === false || limit ? { policiesChecked: false as const } : {}),
  };
  const status = judge(expected, o);
  const cell: MatrixCell = { status, got: { valid: o.valid }, detail: o.detail, ms };
  if (o.policies !== undefined) cell.got.policies = [...o.policies];
  if (o.unsupported) cell.unsupported = o.unsupported;
  if (o.timedOut) cell.timedOut = true;
  if (limit) cell.note = `implementation-limit case: certpath expects ${c.expect.errorCode ?? "a failure"} from its own work limits; judged here against the RFC 5280 verdict (${c.expect.rfc5280Valid ? "valid" : "invalid"})`;
  if (status === "pass" && o.unsupported && !c.expect.valid) {
    cell.note = `rejected as expected, but the case needs ${o.unsupported}: the rejection may not come from the rule under test`;
  }
  if (status !== "pass") {
    let why: string | undefined;
    try {
      why = explain?.(c, o, ctx);
    } catch {
      why = undefined;
    }
    if (o.timedOut) cell.explanation = o.detail;
    else if (why) cell.explanation = why;
    else if (explain) {
      cell.unexplained = true;
      cell.explanation = `unexplained: no known cause for this answer (${o.detail.split("\n")[0]!.slice(0, 160)})`;
    }
  }
  return cell;
}

export function notRunCell(reason: string): MatrixCell {
  return { status: "not-run", got: { valid: null }, detail: reason, ms: 0 };
}

export function emptyCounts(): Counts {
  return { cases: 0, passed: 0, failed: 0, policy: 0, error: 0, notRun: 0, unsupported: 0, unexplained: 0, timedOut: 0, orderRuns: 0, orderPassed: 0, failingEveryOrder: 0 };
}

export function addToCounts(k: Counts, cell: MatrixCell | undefined): void {
  if (!cell || cell.status === "not-run") {
    k.notRun++;
    return;
  }
  k.cases++;
  if (cell.orders) {
    k.orderRuns += cell.orders.runs;
    k.orderPassed += cell.orders.passed;
    if (cell.orders.passed === 0) k.failingEveryOrder++;
  }
  if (cell.status === "pass") k.passed++;
  else {
    if (cell.status === "fail") k.failed++;
    else if (cell.status === "policy") k.policy++;
    else k.error++;
    if (cell.unsupported) k.unsupported++;
    if (cell.unexplained) k.unexplained++;
    if (cell.timedOut) k.timedOut++;
  }
}

/** Per suite and implementation (that ran it), with per-section counts. */
export function summarizeMatrix(suites: readonly SuiteInfo[], rows: readonly MatrixRow[]): SummaryEntry[] {
  const out: SummaryEntry[] = [];
  for (const s of suites) {
    const sr = rows.filter((r) => r.suite === s.name);
    for (const impl of s.implementations) {
      const entry: SummaryEntry = { suite: s.name, implementation: impl, ...emptyCounts(), sections: [] };
      const bySection = new Map<string, Counts>();
      for (const r of sr) {
        const cell = r.cells[impl];
        addToCounts(entry, cell);
        let k = bySection.get(r.section);
        if (!k) bySection.set(r.section, (k = emptyCounts()));
        addToCounts(k, cell);
      }
      entry.sections = [...bySection].map(([section, k]) => ({ section, ...k }));
      out.push(entry);
    }
  }
  return out;
}

export function rate(k: Pick<Counts, "cases" | "passed">): string {
  if (k.cases === 0) return "-";
  return `${((100 * k.passed) / k.cases).toFixed(1)}%`;
}

export function describeExpected(e: MatrixRow["expected"]): string {
  if (!e.valid) return `invalid${e.errorCode ? ` (${e.errorCode})` : ""}`;
  return `valid {${e.policies.join(", ")}}`;
}

export function describeGot(c: MatrixCell): string {
  if (c.status === "not-run") return "not run";
  if (c.got.valid === "error" || c.got.valid === null) return "no verdict";
  if (!c.got.valid) return "invalid";
  return c.got.policies === undefined ? "valid (policies not reported)" : `valid {${c.got.policies.join(", ")}}`;
}

export type { SuiteReport };
