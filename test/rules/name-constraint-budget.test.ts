// limits.maxNameConstraintChecks (README "Path discovery"): name-constraint work is charged
// to the call's budget before it runs, so the quadratic case ends with BUDGET_EXCEEDED;
// a normal path costs a few comparisons. Work counters only (bench/name-constraints.mjs
// has the times).
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/pathbuilder/budget.js";
import { nameConstraintSquare } from "../../testsuite/src/generate/hostile.js";
import { expectError, expectValid, pki, run } from "./helpers.js";

const N = 2048;

describe("name-constraint budget", () => {
  const p = pki("nc-budget");
  // The anchor itself carries the constraints (applied by default, RFC 5937); the leaf's
  // 2048 subject attributes are emailAddress values, rfc822 names under 4.2.1.10.
  const { root, leaf } = nameConstraintSquare(p, N, "CN=NC Budget Root,O=NCB,C=US");

  it(`${N} x ${N}: BUDGET_EXCEEDED on maxNameConstraintChecks, before the comparisons`, async () => {
    const r = await run(leaf, { anchors: [root] });
    expectError(r, "BUDGET_EXCEEDED", undefined, undefined, undefined);
    expect(r.error!.message).toContain(`maxNameConstraintChecks budget of ${DEFAULT_LIMITS.maxNameConstraintChecks}`);
    // Each subject email is charged against the 2048 excluded rfc822 subtrees; the charge
    // that passes the limit throws before its work.
    expect(r.spent!.nameConstraintChecks).toBeGreaterThan(DEFAULT_LIMITS.maxNameConstraintChecks);
    expect(r.spent!.nameConstraintChecks).toBeLessThanOrEqual(DEFAULT_LIMITS.maxNameConstraintChecks + 1 + N);
  });

  it(`the same path under a limit it fits: valid (the engine gives the right answer when let run)`, async () => {
    const r = await run(leaf, { anchors: [root], options: { limits: { maxNameConstraintChecks: 20_000_000, timeoutMs: 60_000 } } });
    expectValid(r);
    // Charged: 2048 + 2048 subtrees taken in, 2048 emails against 2048 excluded, 2048 SANs against 2048 permitted.
    expect(r.spent!.nameConstraintChecks).toBe(N + N + N * (1 + N) + N * (1 + N));
  });

  it("a normal path: a CA with 10 permitted subtrees, a leaf with 3 names costs 43 comparisons", async () => {
    const ca = p.ca("CN=NC Ten CA,O=NCB,C=US", p.root("CN=NC Plain Root"), {
      extensions: { nameConstraints: { permitted: Array.from({ length: 10 }, (_, i) => `dns:d${i}.example`) } },
    });
    const plainRoot = p.root("CN=NC Plain Root");
    const ee = p.ee("CN=NC Ten EE", ca, { extensions: { subjectAltName: ["dns:a.d1.example", "dns:d7.example", "dns:x.y.d9.example"] } });
    const r = await run(ee, { intermediates: [ca], anchors: [plainRoot] });
    expectValid(r);
    // 6.1.4 (g): 10 subtrees taken in; 6.1.3 (b): 3 names x (1 + 10 subtrees). The DN form is unconstrained.
    expect(r.spent!.nameConstraintChecks).toBe(10 + 3 * 11);
  });
});
