// The shape every conformance suite shares, and the per-section table they print.
// A suite is a named function from a `verify` to per-case results; `certpath conformance`
// runs the list in ./suites.ts.

import type { VerifyOptions, VerifyResult } from "certpath";

export type VerifyFn = (options: VerifyOptions) => Promise<VerifyResult>;

export interface CaseOutcome {
  /** `"threw"` when verify threw instead of returning. */
  valid: boolean | "threw";
  policies: string[];
  error?: { code: string; message: string; certIndex?: number };
}

export interface CaseResult {
  /** Suite the case belongs to, e.g. "pkits (given order)". */
  suite: string;
  id: string;
  title: string;
  /** Section label used to group the table, e.g. "4.1 Signature Verification". */
  section: string;
  passed: boolean;
  expected: { valid: boolean; policies: string[] };
  got: CaseOutcome;
  /** Wall-clock time of the verify call. */
  ms: number;
}

export interface SuiteReport {
  name: string;
  description: string;
  results: CaseResult[];
  passed: number;
  failed: number;
  elapsedMs: number;
}

export interface ConformanceSuite {
  /** Short name, used by `certpath conformance --suite NAME`. */
  name: string;
  description: string;
  run(verify: VerifyFn): Promise<SuiteReport>;
}

export function summarize(name: string, description: string, results: CaseResult[], elapsedMs: number): SuiteReport {
  const passed = results.filter((r) => r.passed).length;
  return { name, description, results, passed, failed: results.length - passed, elapsedMs };
}

/** Same set, ignoring order and duplicates. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** The line printed for a failing case (same wording as the outside PKITS harness). */
export function failureLine(r: CaseResult): string {
  const err = r.got.error ? ` ${r.got.error.code}: ${r.got.error.message}` : "";
  return `FAIL ${r.id} ${r.title}: expected valid=${r.expected.valid} policies=${r.expected.policies.join(",")}; got valid=${r.got.valid} policies=${r.got.policies.join(",")}${err}`;
}

/**
 * A per-section table (section, cases, passed, failed), then a line per failing case,
 * ending with `N passed, M failed`.
 */
export function formatTable(results: readonly CaseResult[], title?: string): string {
  const sections = new Map<string, { cases: number; passed: number }>();
  for (const r of results) {
    const s = sections.get(r.section) ?? { cases: 0, passed: 0 };
    s.cases++;
    if (r.passed) s.passed++;
    sections.set(r.section, s);
  }
  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed;
  const rows: [string, number, number, number][] = [...sections].map(([name, s]) => [name, s.cases, s.passed, s.cases - s.passed]);
  rows.push(["total", results.length, passed, failed]);
  const w = Math.max("section".length, ...rows.map((r) => r[0].length));
  const num = (n: number | string) => String(n).padStart(7);
  const lines: string[] = [];
  if (title) lines.push(title);
  lines.push(`${"section".padEnd(w)} ${num("cases")} ${num("passed")} ${num("failed")}`);
  lines.push("-".repeat(w + 24));
  rows.forEach((r, i) => {
    if (i === rows.length - 1) lines.push("-".repeat(w + 24));
    lines.push(`${r[0].padEnd(w)} ${num(r[1])} ${num(r[2])} ${num(r[3])}${r[3] > 0 && i < rows.length - 1 ? "  <--" : ""}`);
  });
  const failing = results.filter((r) => !r.passed);
  if (failing.length > 0) {
    lines.push("");
    for (const r of failing) lines.push(failureLine(r));
  }
  lines.push(`${passed} passed, ${failed} failed`);
  return lines.join("\n") + "\n";
}
