// `certpath conformance [--suite NAME ...] [--impl LIST] [--report DIR] [--cases DIR] [--json FILE]`:
// runs the conformance suites (testsuite/src/suites.ts) through the library's `verify`,
// then the other implementations under test (OpenSSL's `openssl verify`, pkijs) on the same
// cases exported as files, and writes the interoperability matrix (case x implementation)
// as DIR/index.html and DIR/results.json. Prints a table per suite (passed/cases per
// implementation and section, then the cases that do not pass), where the report is, and
// last `N passed, M failed` over certpath's results only. Exit 0 when certpath passes every
// case, else 1; other implementations' failures are reported, never counted.

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { limboSuite } from "../limbo.js";
import { useMultidomainKeys, type MultidomainKeys } from "../multidomain/suite.js";
import { createRequire } from "node:module";
import { join } from "node:path";
import { conformanceSuites } from "../suites.js";
import type { ConformanceSuite } from "../suite.js";
import type { Implementation } from "../interop/types.js";
import type { Exporter } from "../interop/export-cases.js";
import { runInteropSession } from "../interop/session.js";
import { formatInteropSummary, formatInteropTables } from "../report/terminal.js";
import { DEFAULT_REPORT_DIR, writeReport } from "../report/write.js";
import { casePictures } from "../report/pictures.js";
import { formatOptions, parseArgs, UsageError, type OptionSpec } from "certpath/cli-support";
import { EXIT, type CliDeps } from "certpath/cli-support";

export const IMPLEMENTATION_NAMES = ["certpath", "openssl", "pkijs"] as const;

export const CONFORMANCE_OPTIONS: readonly OptionSpec[] = [
  { name: "suite", kind: "list", valueName: "NAME|FILE", help: "run only this suite (repeatable); a FILE is an x509-limbo JSON suite; default: all" },
  {
    name: "impl",
    kind: "list",
    valueName: "LIST",
    help: `implementations, comma-separated or repeated (${IMPLEMENTATION_NAMES.join(",")}); default: all available. certpath always runs`,
  },
  { name: "report", kind: "value", valueName: "DIR", help: `write index.html and results.json to DIR (default ${DEFAULT_REPORT_DIR})` },
  { name: "cases", kind: "value", valueName: "DIR", help: "read the cases from an existing export (certpath testsuite export DIR) instead of exporting to DIR/cases of the report" },
  { name: "openssl", kind: "value", valueName: "BIN", help: "the openssl executable (default: $CERTPATH_OPENSSL or openssl on PATH)" },
  { name: "json", kind: "value", valueName: "FILE", help: "also write certpath's per-suite results as JSON to FILE" },
  { name: "keys", kind: "value", valueName: "ALG", choices: ["ed25519", "p256"], help: "key algorithm of the generated multi-domain suite (default ed25519; p256 lets engines without Ed25519 show their path building)" },
  { name: "orders", kind: "value", valueName: "N", help: "run every implementation, certpath included, over N bag orders per case (the exported one and N-1 seeded shuffles) and report each pass rate and the order-independent failures (default 1)" },
  { name: "case-timeout", kind: "value", valueName: "SECONDS", help: "per-case time limit for each other implementation (default 60); a case over it is reported as timed out" },
  { name: "help", kind: "flag", short: "h", help: "show this help" },
];

export function conformanceHelp(suites: readonly ConformanceSuite[]): string {
  return `Usage: certpath conformance [--suite NAME|FILE ...] [--impl LIST] [--report DIR] [--cases DIR] [--json FILE] [--keys ed25519|p256] [--orders N] [--case-timeout SECONDS]

Runs the conformance suites through the library's verify, then the other implementations
under test (openssl verify, pkijs) on the same cases exported as files, and writes the
interoperability matrix (case x implementation: expected, got, pass, and why not) as
DIR/index.html and DIR/results.json. Prints per suite a table by section (passed/cases per
implementation) and the cases that do not pass, then "N passed, M failed" over certpath's
results only: the other implementations' failures are reported, not counted.
Exit status: 0 when certpath passes every case, 1 otherwise, 2 usage error.

Suites (or --suite FILE: a suite in the x509-limbo JSON format, run as certpath-validatable
testcases; those needing peer names, key-usage or signature-algorithm constraints are skipped
and listed):
${suites.map((s) => `  ${s.name.padEnd(16)} ${s.description}`).join("\n")}

Implementations:
  certpath         this library (always run)
  openssl          openssl verify (OpenSSL 3), two processes at a time
  pkijs            pkijs CertificateChainValidationEngine over Node's WebCrypto

Options:
${formatOptions(CONFORMANCE_OPTIONS)}
`;
}

/** What the command needs besides the library: the other implementations and the exporter. */
export interface ConformanceEnv {
  /** The implementations other than certpath, by name, for the names asked for. */
  implementations(names: readonly string[], opts: { openssl?: string }): Promise<Implementation[]>;
  /** certpath through the exported files (the cross-check); undefined to skip. */
  certpathDriver(deps: CliDeps, version: string): Promise<Implementation | undefined>;
  exporter: Exporter;
  /** Creates the report directory. */
  mkdir(dir: string): void;
  certpathVersion(): string;
}

function packageVersion(): string {
  try {
    // The library's version (the kit is versioned on its own): certpath's package.json.
    const file = createRequire(import.meta.url).resolve("certpath/package.json");
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** The real thing: drivers loaded on demand (pkijs is only imported when it runs). */
export function defaultConformanceEnv(): ConformanceEnv {
  return {
    async implementations(names, opts) {
      const out: Implementation[] = [];
      for (const n of names) {
        if (n === "openssl") {
          const { opensslImplementation } = await import("../interop/openssl.js");
          out.push(opensslImplementation(opts.openssl ? { bin: opts.openssl } : {}));
        } else if (n === "pkijs") {
          const { pkijsImplementation } = await import("../interop/pkijs.js");
          out.push(pkijsImplementation());
        }
      }
      return out;
    },
    async certpathDriver(deps, version) {
      const { certpathImplementation } = await import("../interop/certpath.js");
      return certpathImplementation(deps.verify, version);
    },
    exporter: async (dir, suites, portable) => (await import("../interop/export-cases.js")).defaultExporter(dir, suites, portable),
    // node:fs directly: CliIo has no mkdir.
    mkdir: (dir) => void mkdirSync(dir, { recursive: true }),
    certpathVersion: () => `certpath ${packageVersion()}`,
  };
}

export async function conformanceCommand(
  argv: readonly string[],
  deps: CliDeps,
  suites: readonly ConformanceSuite[] = conformanceSuites(),
  env: ConformanceEnv = defaultConformanceEnv(),
): Promise<number> {
  const { io } = deps;
  let selected: readonly ConformanceSuite[] = suites;
  let jsonFile: string | undefined;
  let reportDir = DEFAULT_REPORT_DIR;
  let casesDir: string | undefined;
  let opensslBin: string | undefined;
  let caseTimeoutMs = 60_000;
  let bagOrders = 1;
  let implNames: string[] = [...IMPLEMENTATION_NAMES];
  try {
    const parsed = parseArgs(argv, CONFORMANCE_OPTIONS);
    if (parsed.flags.has("help")) {
      io.stdout(conformanceHelp(suites));
      return EXIT.VALID;
    }
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
    const names = parsed.lists.get("suite");
    if (names) {
      const fromFiles: ConformanceSuite[] = [];
      for (const n of names) {
        if (suites.some((s) => s.name === n)) continue;
        // Not a suite name: an x509-limbo JSON file.
        if (!existsSync(n)) throw new UsageError(`unknown suite "${n}" (known: ${suites.map((s) => s.name).join(", ")}; or an x509-limbo JSON file)`);
        try {
          fromFiles.push(limboSuite(n));
        } catch (e) {
          throw new UsageError(`cannot read the suite file ${n}: ${String((e as Error)?.message ?? e)}`);
        }
      }
      selected = [...suites.filter((s) => names.includes(s.name)), ...fromFiles];
    }
    const impls = parsed.lists.get("impl");
    if (impls) {
      implNames = impls.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
      for (const n of implNames) {
        if (!(IMPLEMENTATION_NAMES as readonly string[]).includes(n)) throw new UsageError(`unknown implementation "${n}" (known: ${IMPLEMENTATION_NAMES.join(", ")})`);
      }
    }
    jsonFile = parsed.values.get("json");
    reportDir = parsed.values.get("report") ?? reportDir;
    casesDir = parsed.values.get("cases");
    opensslBin = parsed.values.get("openssl");
    const k = parsed.values.get("keys");
    if (k) useMultidomainKeys(k as MultidomainKeys);
    const n = parsed.values.get("orders");
    if (n !== undefined) {
      bagOrders = Number(n);
      if (!Number.isInteger(bagOrders) || bagOrders < 1) throw new UsageError(`--orders must be a positive integer (got "${n}")`);
    }
    const t = parsed.values.get("case-timeout");
    if (t !== undefined) {
      caseTimeoutMs = Number(t) * 1000;
      if (!(caseTimeoutMs > 0)) throw new UsageError(`--case-timeout must be a positive number of seconds (got "${t}")`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`certpath conformance: ${e.message}\nTry 'certpath conformance --help'.\n`);
      return EXIT.USAGE;
    }
    throw e;
  }

  const version = env.certpathVersion();
  const others = await env.implementations(
    implNames.filter((n) => n !== "certpath"),
    opensslBin ? { openssl: opensslBin } : {},
  );
  const { report, suiteReports } = await runInteropSession({
    suites: selected,
    verify: deps.verify,
    implementations: others,
    ...(implNames.includes("certpath") ? { certpathDriver: await env.certpathDriver(deps, version) } : {}),
    ...(casesDir ? { casesDir } : {}),
    exportDir: join(reportDir, "cases"),
    exporter: env.exporter,
    caseTimeoutMs,
    bagOrders,
    certpathVersion: version,
    log: (line) => io.stderr(`${line}\n`),
    onSuite: (r) => io.stderr(`${r.name}: ${r.passed} passed, ${r.failed} failed (${(r.elapsedMs / 1000).toFixed(1)} s)\n`),
  });

  io.stdout(formatInteropTables(report));

  const { passed, failed } = report.certpath;
  if (report.suites.length > 1 || report.suites.some((s) => s.implementations.length > 1) || report.summary.some((e) => e.orderRuns > 0)) {
    io.stdout(`\nsummary (passed/cases per implementation):\n`);
    io.stdout(formatInteropSummary(report));
  }
  for (const w of report.warnings) io.stdout(`warning: ${w}\n`);
  if (jsonFile) {
    try {
      io.writeFile(jsonFile, JSON.stringify({ passed, failed, suites: suiteReports }, null, 2) + "\n");
    } catch (e) {
      io.stderr(`certpath conformance: cannot write ${jsonFile}: ${String((e as Error)?.message ?? e)}\n`);
      return EXIT.USAGE;
    }
  }
  try {
    const pictures = await casePictures(report, deps.verify);
    const written = writeReport(report, reportDir, (p, t) => io.writeFile(p, t), env.mkdir, pictures);
    io.stdout(`\nreport: ${written.html}\n        ${written.json}\n`);
  } catch (e) {
    io.stderr(`certpath conformance: cannot write the report to ${reportDir}: ${String((e as Error)?.message ?? e)}\n`);
  }
  io.stdout(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? EXIT.VALID : EXIT.INVALID;
}
