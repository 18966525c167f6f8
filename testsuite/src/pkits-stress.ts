// The PKITS stress run: every case with all 405 PKITS certificates as its bag of
// intermediates. Not a conformance verdict (PKITS.pdf assumes the case's own
// certificates only), but a test of path discovery under many same-named and unrelated
// candidates: each case must end within the default budget, and where the verdict
// differs from the case's, the valid path found is listed so it can be checked by hand.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { VerifyFn } from "./suite.js";
import { loadPkits } from "./pkits.js";

export interface StressDifference {
  id: string;
  title: string;
  expectedValid: boolean;
  gotValid: boolean;
  /** The other path found (subjects, target first), or the error. */
  detail: string;
}

export interface StressReport {
  cases: number;
  bagSize: number;
  differences: StressDifference[];
  budgetErrors: string[];
  slowestMs: number;
  totalMs: number;
  maxSignatureChecks: number;
}

export async function runPkitsStress(verify: VerifyFn, dir?: string): Promise<StressReport> {
  const data = loadPkits(dir);
  const certDir = join(data.dir, "certs");
  const all = readdirSync(certDir).map((f) => ({ f, der: new Uint8Array(readFileSync(join(certDir, f))) }));
  const report: StressReport = { cases: 0, bagSize: all.length, differences: [], budgetErrors: [], slowestMs: 0, totalMs: 0, maxSignatureChecks: 0 };
  const t0 = performance.now();
  for (const c of data.cases) {
    const ee = c.path[c.path.length - 1]!;
    const s = performance.now();
    const r = await verify({
      target: c.bytes.path[c.bytes.path.length - 1]!,
      intermediates: all.filter((x) => x.f !== ee).map((x) => x.der),
      trustAnchors: [c.bytes.anchor],
      time: c.validationTime,
      policy: c.settings,
      revocation: { mode: "hard", crls: c.bytes.crls },
    });
    const ms = performance.now() - s;
    report.cases++;
    report.slowestMs = Math.max(report.slowestMs, ms);
    report.maxSignatureChecks = Math.max(report.maxSignatureChecks, r.spent?.signatureChecks ?? 0);
    if (r.error?.code === "BUDGET_EXCEEDED") report.budgetErrors.push(`${c.id}: ${r.error.message}`);
    if (r.valid !== c.expect.valid)
      report.differences.push({
        id: c.id,
        title: c.title,
        expectedValid: c.expect.valid,
        gotValid: r.valid,
        detail: r.valid ? r.path.map((p) => p.subject).join(" <- ") : `${r.error?.code}: ${r.error?.message}`,
      });
  }
  report.totalMs = performance.now() - t0;
  return report;
}
