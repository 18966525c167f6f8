// Interoperability testing: the exported case format (testsuite/FORMAT.md) and the
// interface every implementation under test (certpath, `openssl verify`, pkijs) offers.
//
// An implementation reads one exported case folder and answers a verdict. It never sees
// the expectation's verdict; `unsupported` names what it cannot express for this case
// (an input it has no way to take), so the report can explain a mismatch instead of hiding it.

import type { Limits } from "certpath";
import type { CaseFiles, ExportedCaseEntry, ExportManifest } from "../export.js";

/** Paths relative to the case folder (testsuite/FORMAT.md). */
export type { CaseFiles, ExportManifest };

/** One entry of manifest.json (FORMAT.md), as the writer (export.ts) describes it: one type for both sides. */
export type ExportedCase = ExportedCaseEntry;

/** What an implementation answered for one case. */
export interface RunOutcome {
  /** `"error"`: the implementation could not be run or crashed (no verdict). */
  valid: boolean | "error";
  /**
   * The valid policy set it reports for a valid path (user-constrained policy set);
   * undefined when it does not report one (then only the verdict is compared).
   */
  policies?: string[];
  /** What it said: exit code, error text, the command line. */
  detail: string;
  /** What it cannot express for this case, e.g. "initial-policy-mapping-inhibit". */
  unsupported?: string;
  /** No answer within the per-case time limit (valid is then "error"). */
  timedOut?: boolean;
}

export interface Implementation {
  /** Short name used by `--impl` and in the report ("certpath", "openssl", "pkijs"). */
  name: string;
  /** One line, e.g. the output of `openssl version`. */
  version(): Promise<string>;
  available(): Promise<boolean>;
  run(c: ExportedCase, caseDir: string): Promise<RunOutcome>;
  /**
   * Our explanation of a result that differs from the expectation (known limitation,
   * different semantics), from the case and what the implementation said; undefined
   * when we have none.
   */
  explain?(c: ExportedCase, outcome: RunOutcome, ctx?: ExplainContext): string | undefined;
  /** What this implementation does not check or cannot be told (shown in the report). */
  limitations: readonly string[];
  /** How a case is handed to it (command line or API call), for the report. */
  howRun?: string;
  /** Most cases run at once (default 1). */
  concurrency?: number;
}

/** What the session knows about a case besides the implementation's own answer. */
export interface ExplainContext {
  /** certpath's error code for the case (its in-process verdict): the rule at stake. */
  certpathError?: string;
  /** false for certpath itself: an implementation-limit case is judged by certpath's own expectation. */
  judgeByRfc?: boolean;
}

export const ANY_POLICY = "2.5.29.32.0";

/** The section label used in tables: PKITS "4.1 Signature Verification", else the group. */
export function sectionLabel(c: Pick<ExportedCase, "suite" | "id" | "section">): string {
  if (c.suite === "pkits" && /^\d+\.\d+/.test(c.id)) {
    return `${c.id.split("/")[0]!.split(".").slice(0, 2).join(".")} ${c.section}`;
  }
  return c.section;
}

/** A case folder name: "/" in ids becomes "_" (FORMAT.md). */
export function caseFolderName(id: string): string {
  return id.replace(/\//g, "_");
}

/** The `unsupported` text for a case that sets certpath work limits. */
export function workLimits(l: Limits): string {
  const parts = Object.entries(l).map(([k, v]) => `${k} ${String(v)}`);
  return `certpath work limits (${parts.join(", ")}), which it cannot be given`;
}
