// `certpath conformance [--suite NAME ...] [--json FILE]`: runs the conformance suites
// (src/conformance/suites.ts) through the library's `verify`, prints a per-section table
// per suite and a final `N passed, M failed` line. Exit 0 when every case passes, else 1.

import { conformanceSuites } from "../conformance/suites.js";
import { formatTable, summarize, type ConformanceSuite, type SuiteReport } from "../conformance/suite.js";
import { formatOptions, parseArgs, UsageError, type OptionSpec } from "./args.js";
import { EXIT, type CliDeps } from "./common.js";

export const CONFORMANCE_OPTIONS: readonly OptionSpec[] = [
  { name: "suite", kind: "list", valueName: "NAME", help: "run only this suite (repeatable); default: all" },
  { name: "json", kind: "value", valueName: "FILE", help: "also write every case's result as JSON to FILE" },
  { name: "help", kind: "flag", short: "h", help: "show this help" },
];

export function conformanceHelp(suites: readonly ConformanceSuite[]): string {
  return `Usage: certpath conformance [--suite NAME ...] [--json FILE]

Runs the conformance suites through the library's verify and prints, per suite, a
table by section and the failing cases, then "N passed, M failed" over all suites.
Exit status: 0 when every case passes, 1 otherwise, 2 usage error.

Suites:
${suites.map((s) => `  ${s.name.padEnd(16)} ${s.description}`).join("\n")}

Options:
${formatOptions(CONFORMANCE_OPTIONS)}
`;
}

export async function conformanceCommand(
  argv: readonly string[],
  deps: CliDeps,
  suites: readonly ConformanceSuite[] = conformanceSuites(),
): Promise<number> {
  const { io } = deps;
  let selected: readonly ConformanceSuite[] = suites;
  let jsonFile: string | undefined;
  try {
    const parsed = parseArgs(argv, CONFORMANCE_OPTIONS);
    if (parsed.flags.has("help")) {
      io.stdout(conformanceHelp(suites));
      return EXIT.VALID;
    }
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
    const names = parsed.lists.get("suite");
    if (names) {
      for (const n of names) {
        if (!suites.some((s) => s.name === n)) throw new UsageError(`unknown suite "${n}" (known: ${suites.map((s) => s.name).join(", ")})`);
      }
      selected = suites.filter((s) => names.includes(s.name));
    }
    jsonFile = parsed.values.get("json");
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`certpath conformance: ${e.message}\nTry 'certpath conformance --help'.\n`);
      return EXIT.USAGE;
    }
    throw e;
  }

  const reports: SuiteReport[] = [];
  for (const suite of selected) {
    let report: SuiteReport;
    try {
      report = await suite.run(deps.verify);
    } catch (e) {
      // A suite that cannot run (missing vectors, ...) counts as one failed case.
      const message = String((e as Error)?.message ?? e);
      io.stderr(`certpath conformance: suite ${suite.name} could not run: ${message}\n`);
      report = summarize(suite.name, suite.description, [
        {
          suite: suite.name,
          id: "-",
          title: "suite could not run",
          section: "(suite error)",
          passed: false,
          expected: { valid: true, policies: [] },
          got: { valid: "threw", policies: [], error: { code: "THREW", message } },
          ms: 0,
        },
      ], 0);
    }
    reports.push(report);
    io.stdout(`\n== ${report.name}: ${report.description} (${(report.elapsedMs / 1000).toFixed(1)} s)\n`);
    io.stdout(formatTable(report.results));
  }

  const passed = reports.reduce((n, r) => n + r.passed, 0);
  const failed = reports.reduce((n, r) => n + r.failed, 0);
  if (reports.length > 1) {
    io.stdout(`\nsummary:\n`);
    const w = Math.max(...reports.map((r) => r.name.length));
    for (const r of reports) io.stdout(`  ${r.name.padEnd(w)}  ${r.passed} passed, ${r.failed} failed\n`);
  }
  if (jsonFile) {
    try {
      io.writeFile(jsonFile, JSON.stringify({ passed, failed, suites: reports }, null, 2) + "\n");
    } catch (e) {
      io.stderr(`certpath conformance: cannot write ${jsonFile}: ${String((e as Error)?.message ?? e)}\n`);
      return EXIT.USAGE;
    }
  }
  io.stdout(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? EXIT.VALID : EXIT.INVALID;
}
