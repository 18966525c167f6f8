// Producing the exported case folders the implementations read: the suite-wide exporter
// (testsuite/src/export.ts, also behind `certpath testsuite export DIR`), restricted to
// the suites being run. `certpath conformance --cases DIR` skips exporting and reads an
// existing export instead.

import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EXPORTABLE_SUITES, exportCases, type ExportableSuite } from "../export.js";
import type { ExportManifest } from "./types.js";
import type { PortableSuite } from "../limbo.js";

/** Writes the cases of `suites` (names) under `dir` and returns the manifest, or undefined when none can be exported. */
export type Exporter = (dir: string, suites: readonly string[], portable?: readonly PortableSuite[]) => Promise<ExportManifest | undefined>;

/** The suites the exported format holds (testsuite/FORMAT.md). */
export const EXPORTED_SUITES: readonly string[] = EXPORTABLE_SUITES;

/**
 * Exports the exportable suites among `suites` into `dir`, which must be absent or an
 * earlier export (it is replaced). Touches nothing when no suite is exportable.
 */
export const defaultExporter: Exporter = async (dir, suites, portable = []) => {
  const wanted = EXPORTABLE_SUITES.filter((s) => suites.includes(s)) as ExportableSuite[];
  const imported = portable.filter((p) => suites.includes(p.name));
  if (wanted.length === 0 && imported.length === 0) return undefined;
  if (existsSync(dir)) {
    if (!existsSync(join(dir, "manifest.json"))) throw new Error(`${dir} exists and is not an exported case folder (no manifest.json); not overwriting it`);
    rmSync(dir, { recursive: true, force: true });
  }
  return exportCases(dir, { suites: wanted, portable: imported.map((p) => ({ name: p.name, ...p.portable })) }).manifest;
};
