// One `certpath conformance` run: certpath's in-process suites, then the other
// implementations on the exported case files, merged into the interoperability matrix.
//
// certpath's verdicts are its in-process suite results (the suites hand `verify` the same
// inputs the export writes, plus variants such as the shuffled PKITS order); those alone make
// the command's `N passed, M failed` and its exit status. certpath is also run through the
// exported files (./certpath.ts) as a cross-check of the export: a disagreement is noted on
// the cell and listed as a warning. Other implementations' failures are reported, never
// counted against certpath.

import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { summarize, type CaseResult, type ConformanceSuite, type SuiteReport, type VerifyFn } from "../suite.js";
import {
  cellFromCaseResult,
  cellFromOutcome,
  judge,
  notRunCell,
  summarizeMatrix,
  type ImplementationInfo,
  type InteropReport,
  type MatrixRow,
  type SuiteInfo,
} from "../report/model.js";
import { readExportManifest } from "./cases.js";
import type { Exporter } from "./export-cases.js";
import { isPortableSuite } from "../limbo.js";
import { mapLimit } from "./spawn.js";
import { certpathImplementation } from "./certpath.js";
import { sectionLabel, type ExportManifest, type ExportedCase, type Implementation, type RunOutcome } from "./types.js";

export interface InteropSessionOptions {
  /** The suites to run (already selected). */
  suites: readonly ConformanceSuite[];
  verify: VerifyFn;
  /** Other implementations asked for (openssl, pkijs, ...), in column order; unavailable ones are reported. */
  implementations: readonly Implementation[];
  /** certpath through the exported files, as a cross-check; omit to skip. */
  certpathDriver?: Implementation;
  /** An existing export to read instead of exporting. */
  casesDir?: string;
  /** Where to export the cases (when casesDir is not given). */
  exportDir: string;
  exporter: Exporter;
  certpathVersion: string;
  /** Per-case time limit for each implementation run on the files (default 60 s); a case over it is reported as timed out. */
  caseTimeoutMs?: number;
  /**
   * Bag orders per case for every implementation, certpath included (default 1: the exported
   * order only). With N > 1 each case also runs with its intermediates in N - 1 seeded shuffles
   * (seeds 1..N-1); the report gives each implementation's pass rate over all runs and the
   * cases it fails under every order. The matrix cells stay those of the exported order.
   * certpath runs the shuffles through the exported files (`certpathDriver`, else `verify`).
   */
  bagOrders?: number;
  /** Progress lines (the command prints them on stderr). */
  log?: (line: string) => void;
  /** Called after each in-process suite, e.g. to print it. */
  onSuite?: (report: SuiteReport, suite: ConformanceSuite) => void;
}

export interface InteropSessionResult {
  report: InteropReport;
  suiteReports: SuiteReport[];
}

const key = (suite: string, id: string) => `${suite}\u0000${id}`;

/** Runs a suite, turning a throw into one failed pseudo-case (as the command always did). */
export async function runSuiteSafely(suite: ConformanceSuite, verify: VerifyFn, log?: (l: string) => void): Promise<SuiteReport> {
  try {
    return await suite.run(verify);
  } catch (e) {
    const message = String((e as Error)?.message ?? e);
    log?.(`certpath conformance: suite ${suite.name} could not run: ${message}`);
    const failed: CaseResult = {
      suite: suite.name,
      id: "-",
      title: "suite could not run",
      section: "(suite error)",
      passed: false,
      expected: { valid: true, policies: [] },
      got: { valid: "threw", policies: [], error: { code: "THREW", message } },
      ms: 0,
    };
    return summarize(suite.name, suite.description, [failed], 0);
  }
}

/** Whether an outcome passes the case (the cell's status rule, without explanations). */
function judgeCell(c: ExportedCase, r: RunOutcome, row: MatrixRow): boolean {
  return cellFromOutcome(c, r, 0, undefined, row.cells["certpath"]?.code ? { certpathError: row.cells["certpath"].code } : {}).status === "pass";
}

/** The exported case folders again, with the bag in seeded orders: ROOT/orders/<seed>/<case dir>. */
export function orderedCase(c: ExportedCase, root: string, seed: number): ExportedCase {
  const dir = join("orders", String(seed), c.dir);
  const abs = join(root, dir);
  if (!existsSync(join(abs, "case.json"))) {
    cpSync(join(root, c.dir), abs, { recursive: true });
  }
  const order = shuffleDeterministic(c.files.intermediates, seed);
  // openssl reads intermediates.pem, the others the listed files: both in the new order.
  if (order.length) writeFileSync(join(abs, "intermediates.pem"), order.map((f) => pemOf(readFileSync(join(abs, f)), "CERTIFICATE")).join(""));
  return { ...c, dir, files: { ...c.files, intermediates: order } };
}

function pemOf(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Deterministic Fisher-Yates shuffle (LCG seeded), the same order for the same seed. */
function shuffleDeterministic<T>(items: readonly T[], seed: number): T[] {
  const a = [...items];
  let x = seed;
  for (let i = a.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const j = x % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Each case under bag orders 1..n-1 (seeds); per case, the outcomes in seed order. */
async function runOverOrders(impl: Implementation, cases: readonly ExportedCase[], root: string, n: number, timeoutMs?: number): Promise<RunOutcome[][]> {
  const out: RunOutcome[][] = cases.map(() => []);
  for (let seed = 1; seed < n; seed++) {
    const shuffled = cases.map((c) => orderedCase(c, root, seed));
    const res = await runImplementation(impl, shuffled, root, timeoutMs);
    res.forEach((r, i) => out[i]!.push(r.outcome));
  }
  return out;
}

/**
 * Runs every case through one implementation, each under a time limit: an engine that loops
 * without answering (pkijs on some re-keyed meshes) gets "timed out" for that case instead of
 * stalling the run. The abandoned call is not cancelled (an in-process engine has no cancel).
 */
async function runImplementation(impl: Implementation, cases: readonly ExportedCase[], root: string, timeoutMs = 60_000): Promise<{ outcome: RunOutcome; ms: number }[]> {
  return mapLimit(cases, impl.concurrency ?? 1, async (c) => {
    const t0 = performance.now();
    let outcome: RunOutcome;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<RunOutcome>((res) => {
        timer = setTimeout(() => res({ valid: "error", timedOut: true, detail: `timed out: no answer within the per-case limit of ${timeoutMs / 1000} s` }), timeoutMs);
      });
      outcome = await Promise.race([impl.run(c, join(root, c.dir)), timeout]);
    } catch (e) {
      outcome = { valid: "error", detail: `driver threw: ${String((e as Error)?.message ?? e)}` };
    } finally {
      clearTimeout(timer);
    }
    return { outcome, ms: performance.now() - t0 };
  });
}

export async function runInteropSession(o: InteropSessionOptions): Promise<InteropSessionResult> {
  const log = o.log ?? (() => {});
  const warnings: string[] = [];

  // 1. certpath, in process.
  const suiteReports: SuiteReport[] = [];
  const rows: MatrixRow[] = [];
  const rowByKey = new Map<string, MatrixRow>();
  const suiteInfos: SuiteInfo[] = [];
  for (const s of o.suites) {
    const r = await runSuiteSafely(s, o.verify, log);
    suiteReports.push(r);
    o.onSuite?.(r, s);
    suiteInfos.push({ name: s.name, title: r.name, description: r.description, implementations: ["certpath"], elapsedMs: { certpath: r.elapsedMs } });
    for (const cr of r.results) {
      const row: MatrixRow = {
        suite: s.name,
        id: cr.id,
        title: cr.title,
        section: cr.section,
        expected: { valid: cr.expected.valid, policies: [...cr.expected.policies] },
        cells: { certpath: cellFromCaseResult(cr) },
      };
      rows.push(row);
      rowByKey.set(key(s.name, cr.id), row);
    }
  }

  // 2. The exported case files.
  const others = o.implementations.filter((i) => i.name !== "certpath");
  const infos: ImplementationInfo[] = [
    {
      name: "certpath",
      version: o.certpathVersion,
      available: true,
      selected: true,
      howRun: `verify() in process (the suites), and ${o.certpathDriver?.howRun ?? "not through the exported files"}`,
      limitations: [],
    },
  ];
  const availableOthers: Implementation[] = [];
  for (const impl of others) {
    const available = await impl.available().catch(() => false);
    const version = await impl.version().catch((e) => `unknown (${String((e as Error)?.message ?? e)})`);
    infos.push({ name: impl.name, version, available, selected: true, howRun: impl.howRun ?? "", limitations: [...impl.limitations] });
    if (available) availableOthers.push(impl);
    else warnings.push(`${impl.name} is not available on this machine (${version}); its column is empty`);
  }

  const suiteNames = o.suites.map((s) => s.name);
  let manifest: ExportManifest | undefined;
  let root: string | undefined;
  if (availableOthers.length > 0 || o.certpathDriver || (o.bagOrders ?? 1) > 1) {
    try {
      if (o.casesDir) {
        root = resolve(o.casesDir);
        const m = readExportManifest(root);
        manifest = { ...m, cases: m.cases.filter((c) => suiteNames.includes(c.suite)) };
      } else {
        root = isAbsolute(o.exportDir) ? o.exportDir : resolve(o.exportDir);
        log(`exporting the cases to ${root} ...`);
        const t0 = performance.now();
        manifest = await o.exporter(root, suiteNames, o.suites.filter(isPortableSuite));
        log(`exported ${manifest?.cases.length ?? 0} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
    } catch (e) {
      warnings.push(`could not export or read the case files: ${String((e as Error)?.message ?? e)}; only certpath's in-process results are shown`);
      manifest = undefined;
    }
  }
  // A suite run in process defines its cases: exported cases it did not run are left out.
  const inProcess = new Set(o.suites.map((s) => s.name));
  const cases = (manifest?.cases ?? []).filter((c) => !inProcess.has(c.suite) || rowByKey.has(key(c.suite, c.id)));
  const exportedSuites = new Set(cases.map((c) => c.suite));

  // Rows for exported cases without an in-process result (a suite only the export has).
  for (const c of cases) {
    if (rowByKey.has(key(c.suite, c.id))) continue;
    const row: MatrixRow = {
      suite: c.suite,
      id: c.id,
      title: c.title,
      section: sectionLabel(c),
      expected: { valid: c.expect.valid, policies: [...c.expect.userConstrainedPolicySet] },
      cells: {},
    };
    if (c.expect.errorCode) row.expected.errorCode = c.expect.errorCode;
    rows.push(row);
    rowByKey.set(key(c.suite, c.id), row);
    if (!suiteInfos.some((s) => s.name === c.suite)) {
      const desc = manifest?.suites.find((s) => s.name === c.suite)?.description ?? "";
      suiteInfos.push({ name: c.suite, title: c.suite, description: desc, implementations: [], elapsedMs: {} });
    }
  }
  for (const c of cases) {
    const row = rowByKey.get(key(c.suite, c.id))!;
    row.topology = c.topology;
    row.caseDir = c.dir;
    if (c.expect.errorCode && !row.expected.errorCode) row.expected.errorCode = c.expect.errorCode;
    if (c.expect.policiesChecked === false) row.expected.policiesChecked = false;
  }

  // 3. certpath through the files (cross-check, or the certpath column for export-only suites).
  if (o.certpathDriver && root && cases.length > 0) {
    log(`certpath: ${cases.length} exported cases ...`);
    const t0 = performance.now();
    const res = await runImplementation(o.certpathDriver, cases, root, o.caseTimeoutMs);
    const elapsed = performance.now() - t0;
    log(`certpath: done in ${(elapsed / 1000).toFixed(1)} s`);
    cases.forEach((c, i) => {
      const row = rowByKey.get(key(c.suite, c.id))!;
      const fromFiles = cellFromOutcome(c, res[i]!.outcome, res[i]!.ms, o.certpathDriver!.explain, { judgeByRfc: false });
      const inProcess = row.cells["certpath"];
      if (!inProcess) {
        row.cells["certpath"] = fromFiles;
        const info = suiteInfos.find((s) => s.name === c.suite)!;
        if (!info.implementations.includes("certpath")) info.implementations.unshift("certpath");
        info.elapsedMs["certpath"] = (info.elapsedMs["certpath"] ?? 0) + elapsed / cases.length;
        return;
      }
      const a = judge(row.expected, { valid: inProcess.got.valid ?? "error", ...(inProcess.got.policies ? { policies: inProcess.got.policies } : {}) });
      const b = fromFiles.status;
      const sameVerdict = inProcess.got.valid === fromFiles.got.valid;
      if (a !== b || !sameVerdict) {
        inProcess.note = `from the exported files certpath says: ${fromFiles.detail}`;
        warnings.push(`${c.suite} ${c.id}: certpath from the exported files (${b}) disagrees with the in-process run (${a})`);
      }
    });
  }

  // 3b. certpath's own column over the same seeded bag orders as the others (through the
  // exported files: the in-process suites hand `verify` one order). The exported order's
  // verdict is the in-process cell; each shuffle is judged by certpath's own expectation.
  if ((o.bagOrders ?? 1) > 1 && root && cases.length > 0) {
    const driver = o.certpathDriver ?? certpathImplementation(o.verify, o.certpathVersion);
    log(`certpath: ${cases.length} cases under ${o.bagOrders! - 1} more bag orders ...`);
    const runs = await runOverOrders(driver, cases, root, o.bagOrders!, o.caseTimeoutMs);
    cases.forEach((c, i) => {
      const cell = rowByKey.get(key(c.suite, c.id))!.cells["certpath"];
      if (!cell) return;
      const passes = [cell.status === "pass", ...runs[i]!.map((r) => cellFromOutcome(c, r, 0, undefined, { judgeByRfc: false }).status === "pass")];
      cell.orders = { runs: passes.length, passed: passes.filter(Boolean).length };
    });
  }

  // 4. The other implementations.
  for (const impl of availableOthers) {
    if (cases.length === 0) break;
    log(`${impl.name}: ${cases.length} cases (${impl.concurrency ?? 1} at a time) ...`);
    const bySuite = new Map<string, number>();
    const t0 = performance.now();
    const res = await runImplementation(impl, cases, root!, o.caseTimeoutMs);
    log(`${impl.name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    cases.forEach((c, i) => {
      const row = rowByKey.get(key(c.suite, c.id))!;
      const certpathError = row.cells["certpath"]?.code ?? row.expected.errorCode;
      row.cells[impl.name] = cellFromOutcome(c, res[i]!.outcome, res[i]!.ms, impl.explain?.bind(impl), certpathError ? { certpathError } : {});
      bySuite.set(c.suite, (bySuite.get(c.suite) ?? 0) + res[i]!.ms);
    });
    if ((o.bagOrders ?? 1) > 1) {
      const runs = await runOverOrders(impl, cases, root!, o.bagOrders!, o.caseTimeoutMs);
      cases.forEach((c, i) => {
        const row = rowByKey.get(key(c.suite, c.id))!;
        const cell = row.cells[impl.name]!;
        const passes = [cell.status === "pass", ...runs[i]!.map((r) => judgeCell(c, r, row))];
        cell.orders = { runs: passes.length, passed: passes.filter(Boolean).length };
      });
    }
    for (const [suite, ms] of bySuite) {
      const info = suiteInfos.find((s) => s.name === suite)!;
      if (!info.implementations.includes(impl.name)) info.implementations.push(impl.name);
      // Summed per-case times (cases run concurrently, so more than the wall clock).
      info.elapsedMs[impl.name] = ms;
    }
  }

  // Suites the others did not run: say why, and fill the cells.
  const otherNames = infos.filter((i) => i.name !== "certpath").map((i) => i.name);
  for (const s of suiteInfos) {
    if (otherNames.length === 0) break;
    if (exportedSuites.has(s.name)) continue;
    const base = s.name.replace(/-shuffled$/, "");
    s.note =
      base !== s.name && exportedSuites.has(base)
        ? `certpath only: the same cases as "${base}" with the intermediates handed over in a shuffled order; the other implementations read the same files as for "${base}"`
        : cases.length === 0 && availableOthers.length > 0
          ? "certpath only: no case files could be exported"
          : "certpath only: this suite is not exported as files";
  }
  for (const row of rows) {
    for (const name of otherNames) {
      if (!row.cells[name]) {
        const info = infos.find((i) => i.name === name)!;
        row.cells[name] = notRunCell(!info.available ? `${name} is not available` : suiteInfos.find((s) => s.name === row.suite)?.note ?? "not run");
      }
    }
  }

  const certpathRows = rows.filter((r) => r.cells["certpath"]);
  const certpathPassed = certpathRows.filter((r) => r.cells["certpath"]!.status === "pass").length;
  const report: InteropReport = {
    format: "certpath-interop-report/1",
    generatedAt: new Date().toISOString(),
    certpathVersion: o.certpathVersion,
    node: process.versions.node,
    platform: `${process.platform} ${process.arch}`,
    ...(root && cases.length > 0 ? { casesDir: root } : {}),
    implementations: infos,
    suites: suiteInfos,
    summary: summarizeMatrix(suiteInfos, rows),
    rows,
    certpath: { passed: certpathPassed, failed: certpathRows.length - certpathPassed },
    warnings,
  };
  return { report, suiteReports };
}
