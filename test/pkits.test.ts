// NIST PKITS through the public `verify`, the way the outside harness runs it
// (shared/tools/pkits-contract.mjs): one vitest case per PKITS case and mode, 2 x 249.
// On failure the afterAll hook prints the per-section table with every failing case.
import { afterAll, describe, expect, it } from "vitest";
import { verify } from "../src/index.js";
import { loadPkits, runPkitsCase, formatPkitsTable, type PkitsMode } from "../testsuite/src/pkits.js";
import { failureLine, type CaseResult } from "../testsuite/src/suite.js";

const pkits = loadPkits();
const modes: PkitsMode[] = ["given", "shuffled"];

describe.each(modes)("PKITS (%s)", (mode) => {
  const results: CaseResult[] = [];

  afterAll(() => {
    if (results.some((r) => !r.passed)) console.log(formatPkitsTable(results));
  });

  it.each(pkits.cases)("$id $title", async (c) => {
    const r = await runPkitsCase(c, mode, verify);
    results.push(r);
    expect(r.passed, failureLine(r)).toBe(true);
  });
});
