// NIST PKITS through the public `verify`, the way the outside harness runs it
// (shared/tools/pkits-contract.mjs): one vitest case per PKITS case and mode, 2 x 249,
// and once more in the strict profile (README "Profiles").
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

// PKITS certificates that break a strict-profile rule (README "Profiles"): the valid paths
// through a CA whose policyConstraints is not critical (RFC 5280 4.2.1.11); 4.6.4, whose CA
// has a non-critical basicConstraints (4.2.1.9); 4.2.4, whose end entity's notBefore in
// 2002 is a GeneralizedTime (4.1.2.5: a relying party accepts it, a CA MUST NOT write it);
// 4.3.6, whose CA carries unique identifiers (4.1.2.8). In strict they fail with PROFILE
// and that rule; every other verdict is the default profile's.
const STRICT_EXCEPTIONS: Record<string, string> = {
  "4.2.4": "validity-encoding",
  "4.3.6": "uniqueIdentifiers-absent",
  "4.6.4": "basicConstraints-critical-in-CA",
  ...Object.fromEntries(
    ["4.8.6/1", "4.8.6/2", "4.8.10/1", "4.8.10/2", "4.8.10/3", "4.8.11/1", "4.8.11/2", "4.8.13/1", "4.8.13/2", "4.8.13/3", "4.8.14/1", "4.8.18/1", "4.8.18/2",
     "4.10.1.1/1", "4.10.3/2", "4.10.5/1", "4.10.6/1", "4.10.9", "4.10.11", "4.10.12/1", "4.10.12/2", "4.10.13/1", "4.10.13/2", "4.10.14",
     "4.12.2", "4.12.3/1", "4.12.7", "4.12.9"].map((id) => [id, "policyConstraints-critical"]),
  ),
};

describe("PKITS (strict profile)", () => {
  const strict: typeof verify = (o) => verify({ ...o, profile: "strict" });
  it.each(pkits.cases)("$id $title", async (c) => {
    const r = await runPkitsCase(c, "given", strict);
    const rule = STRICT_EXCEPTIONS[c.id];
    if (rule === undefined) {
      expect(r.passed, failureLine(r)).toBe(true);
      return;
    }
    expect(c.expect.valid).toBe(true);
    expect(r.got.valid).toBe(false);
    expect(r.got.error?.code).toBe("PROFILE");
    expect(r.got.error?.message).toContain(`[${rule}, strict profile]`);
  });
});
