// Shared setup for the interop tests: PKITS cases exported as files (FORMAT.md) into a
// temporary folder, and a PKITS subset as an in-process conformance suite.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPkits, runPkits, type PkitsSuiteData } from "../../testsuite/src/pkits.js";
import { summarize, type ConformanceSuite, type VerifyFn } from "../../testsuite/src/suite.js";
import { exportPkitsCases } from "./pkits-export.js";
import type { ExportManifest, ExportedCase } from "../../testsuite/src/interop/types.js";

let pkitsData: PkitsSuiteData | undefined;
export const pkits = (): PkitsSuiteData => (pkitsData ??= loadPkits());

export interface Exported {
  dir: string;
  manifest: ExportManifest;
  case(id: string): ExportedCase;
  caseDir(id: string): string;
  cleanup(): void;
}

/** Exports the given PKITS cases (all when omitted) into a fresh temporary folder. */
export function exportPkits(ids?: readonly string[]): Exported {
  const dir = mkdtempSync(join(tmpdir(), "certpath-interop-"));
  const manifest = exportPkitsCases(dir, { data: pkits(), ...(ids ? { ids } : {}) });
  const find = (id: string) => {
    const c = manifest.cases.find((x) => x.id === id);
    if (!c) throw new Error(`case ${id} not exported`);
    return c;
  };
  return {
    dir,
    manifest,
    case: find,
    caseDir: (id) => join(dir, find(id).dir),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** PKITS (given order) restricted to some ids, named "pkits" like the real suite. */
export function pkitsSubsetSuite(ids: readonly string[]): ConformanceSuite {
  return {
    name: "pkits",
    description: `NIST PKITS subset (${ids.length} cases)`,
    async run(verify: VerifyFn) {
      const t0 = performance.now();
      const results = await runPkits({ mode: "given", verify, data: pkits(), filter: (c) => ids.includes(c.id) });
      return summarize("pkits (given order)", this.description, results, performance.now() - t0);
    },
  };
}
