// The full fuzz run (issue 10): at least 20,000 seeded mutated inputs across certificates,
// CRLs, trust anchors, OCSP responses, PEM texts and COSE messages, through the public
// doors of dist/. Reports throws (must be 0) and the CPU time of the slowest call (must be
// under 1 s); writes bench/fuzz-results.json and prints a Markdown table.
//
// Run after `npm run build`:  node bench/fuzz.mjs [count] [seed]
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runFuzz } from "./fuzz-core.mjs";
import { fuzzCorpus } from "./fuzz-corpus.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const dist = process.env.CERTPATH_DIST ?? join(HERE, "..", "dist");
const lib = await import(join(dist, "index.js"));
const count = Number(process.argv[2] ?? 21000);
const seed = Number(process.argv[3] ?? 10);

const corpus = await fuzzCorpus(dist);
const t0 = performance.now();
const report = await runFuzz({
  doors: { verify: lib.verify, verifyCose: lib.verifyCose },
  corpus,
  seed,
  count,
  onProgress: (n) => process.stderr.write(`\r${n}/${count}`),
});
const wallS = (performance.now() - t0) / 1000;
process.stderr.write("\n");

const lines = [
  `## Fuzz run (seed ${seed}, ${count} inputs)`,
  "",
  `Machine: nproc ${cpus().length}, ${cpus()[0]?.model ?? "?"}; Node ${process.version}; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}; ${new Date().toISOString()}; ${wallS.toFixed(0)} s wall.`,
  "",
  "| kind | inputs | valid | outcomes (code: count) |",
  "| --- | --- | --- | --- |",
  ...Object.entries(report.byKind).map(([k, s]) => `| ${k} | ${s.inputs} | ${s.valid} | ${Object.entries(s.codes).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}: ${n}`).join(", ")} |`),
  "",
  `Throws: ${report.throws.length}. Calls over 1 s CPU: ${report.slow.length}. Slowest call: ${report.maxCpuMs} ms CPU (input #${report.maxCase?.i}, ${report.maxCase?.kind}, ${report.maxCase?.size} bytes, ${report.maxCase?.code ?? "valid"}).`,
  "",
];
console.log(lines.join("\n"));
writeFileSync(join(HERE, "fuzz-results.json"), JSON.stringify({ ...report, wallS: Math.round(wallS) }, null, 1));
// The marked section of bench/HOSTILE.md (bench/hostile.mjs keeps it).
const section = ["<!-- fuzz:start (bench/fuzz.mjs writes this section) -->", ...lines, "<!-- fuzz:end -->"].join("\n");
const file = join(HERE, "HOSTILE.md");
let md = "";
try {
  md = readFileSync(file, "utf8");
} catch {
  /* first run */
}
const marked = /<!-- fuzz:start[\s\S]*<!-- fuzz:end -->/;
writeFileSync(file, marked.test(md) ? md.replace(marked, section) : `${md.trimEnd()}\n\n${section}\n`);
if (report.throws.length) console.error(JSON.stringify(report.throws.slice(0, 5), null, 1));
process.exitCode = report.throws.length || report.slow.length ? 1 : 0;
