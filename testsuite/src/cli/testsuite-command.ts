// `certpath testsuite export DIR [--suite NAME ...]`: writes every conformance case
// (NIST PKITS, the multi-domain suite) as plain files per testsuite/FORMAT.md, so other
// validators can be run against them. Exit 0 on success, 2 on a usage error, 1 when the
// files cannot be written.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXPORTABLE_SUITES, exportCases, exportLimbo, type ExportableSuite } from "../export.js";
import { COSE_DESCRIPTION, COSE_SUITE_NAME, exportCoseCases } from "../cose-vectors.js";
import { formatOptions, parseArgs, UsageError, type OptionSpec } from "certpath/cli-support";
import { EXIT, type CliDeps } from "certpath/cli-support";
import { useMultidomainKeys, type MultidomainKeys } from "../multidomain/suite.js";

/** The X.509 suites, and the COSE/TEEP vectors (cose-vectors.ts: DIR/cose/, own manifest). */
const SUITE_CHOICES = [...EXPORTABLE_SUITES, COSE_SUITE_NAME] as const;

export const TESTSUITE_OPTIONS: readonly OptionSpec[] = [
  { name: "suite", kind: "list", valueName: "NAME", choices: SUITE_CHOICES, help: "export only this suite (repeatable); default: all" },
  { name: "format", kind: "value", valueName: "FORMAT", choices: ["certpath", "limbo"], help: "certpath (case folders, FORMAT.md; default) or limbo (DIR/<suite>.limbo.json in the x509-limbo format, and DIR/<suite>.limbo-unexpressed.json listing the cases it cannot express; X.509 suites only)" },
  { name: "keys", kind: "value", valueName: "ALG", choices: ["ed25519", "p256"], help: "key algorithm of the generated multi-domain suite (default ed25519)" },
  { name: "help", kind: "flag", short: "h", help: "show this help" },
];

export const TESTSUITE_USAGE = `Usage: certpath testsuite export DIR [--suite NAME ...] [--format certpath|limbo] [--keys ed25519|p256]

Writes every case of the conformance suites (${SUITE_CHOICES.join(", ")}) under DIR as
plain files: DIR/manifest.json and one folder per case with target, intermediates,
anchors, CRLs and OCSP responses as DER (and PEM), and the case's manifest entry
(case.json). The COSE/TEEP vectors go to DIR/cose/ (message.cbor, anchors, case.json)
with their own DIR/cose/manifest.json. The layout is described in testsuite/FORMAT.md.
DIR must be empty, absent, or a previous export (whose suite folders are replaced).

Options:
${formatOptions(TESTSUITE_OPTIONS)}
`;

export async function testsuiteCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { io } = deps;
  let dir: string;
  let suites: ExportableSuite[] | undefined;
  let cose = true;
  let format = "certpath";
  try {
    const parsed = parseArgs(argv, TESTSUITE_OPTIONS);
    if (parsed.flags.has("help")) {
      io.stdout(TESTSUITE_USAGE);
      return EXIT.VALID;
    }
    const [action, target, ...extra] = parsed.positionals;
    if (action === undefined) throw new UsageError("missing action (expected: export DIR)");
    if (action !== "export") throw new UsageError(`unknown action "${action}" (expected: export DIR)`);
    if (target === undefined) throw new UsageError("export: missing DIR");
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
    dir = target;
    const names = parsed.lists.get("suite");
    if (names) {
      suites = [...new Set(names)].filter((n) => n !== COSE_SUITE_NAME) as ExportableSuite[];
      cose = names.includes(COSE_SUITE_NAME);
    }
    format = parsed.values.get("format") ?? format;
    const k = parsed.values.get("keys");
    if (k) useMultidomainKeys(k as MultidomainKeys);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`certpath testsuite: ${e.message}\nTry 'certpath testsuite --help'.\n`);
      return EXIT.USAGE;
    }
    throw e;
  }
  try {
    const t0 = performance.now();
    if (format === "limbo") {
      const l = exportLimbo(dir, suites ? { suites } : {});
      const parts = Object.entries(l.counts).map(([s, k]) => `${s}: ${k.written} testcases, ${k.unexpressed} not expressible`);
      io.stdout(`wrote ${l.files.filter((f) => f.endsWith(".limbo.json")).join(", ")} (${parts.join("; ")}) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      return EXIT.VALID;
    }
    const summary = exportCases(dir, suites ? { suites } : {});
    if (cose) {
      const m = await exportCoseCases(dir);
      summary.counts[COSE_SUITE_NAME] = m.cases.length;
      // The X.509 manifest lists the COSE suite and where its own manifest is.
      const top = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { suites: { name: string; description: string; manifest?: string }[] };
      top.suites.push({ name: COSE_SUITE_NAME, description: COSE_DESCRIPTION, manifest: `${COSE_SUITE_NAME}/manifest.json` });
      writeFileSync(join(dir, "manifest.json"), JSON.stringify(top, null, 1) + "\n");
    }
    const parts = Object.entries(summary.counts).map(([s, n]) => `${s}: ${n}`);
    const total = Object.values(summary.counts).reduce((a, b) => a + b, 0);
    io.stdout(`exported ${total} cases (${parts.join(", ")}) to ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    return EXIT.VALID;
  } catch (e) {
    io.stderr(`certpath testsuite: cannot export to ${dir}: ${String((e as Error)?.message ?? e)}\n`);
    return EXIT.INVALID;
  }
}
