// The multi-domain suite through the public `verify`: every scenario's verdict, policy set,
// exact path (valid cases) or error code (invalid ones); the descriptions' structure and
// coverage; the extension audit (each generated object carries what its description asks
// for); determinism (generating again gives the same bytes).
import { afterAll, describe, expect, it } from "vitest";
import { verify } from "../../src/index.js";
import { allScenarios } from "../../testsuite/src/multidomain/cases/index.js";
import { generateScenario } from "../../testsuite/src/multidomain/generate.js";
import { GROUPS, lintScenario } from "../../testsuite/src/multidomain/model.js";
import { multidomainCases, multidomainSuite, runMultidomainCase, sortByGroup } from "../../testsuite/src/multidomain/suite.js";
import { conformanceSuites } from "../../testsuite/src/suites.js";
import { failureLine, formatTable, type CaseResult } from "../../testsuite/src/suite.js";
import { auditCase } from "./audit.js";
// The independent (OpenSSL) audit and the mutation tests run in this file's process, so the
// suite is generated once for both (multidomainCases() is memoised per process).
import "./oracle-suite.js";

const scenarios = allScenarios();
const cases = sortByGroup(multidomainCases());

describe("multi-domain descriptions", () => {
  it("has at least 40 cases covering every group, with unique ids", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(40);
    expect(new Set(scenarios.map((s) => s.id)).size).toBe(scenarios.length);
    for (const g of GROUPS) expect(scenarios.filter((s) => s.group === g).length, g).toBeGreaterThanOrEqual(3);
    expect(scenarios.filter((s) => s.expect.valid).length).toBeGreaterThanOrEqual(15);
    expect(scenarios.filter((s) => !s.expect.valid).length).toBeGreaterThanOrEqual(15);
  });

  it.each(scenarios.map((s) => [s.id, s] as const))("%s is well-formed", (_id, s) => {
    expect(lintScenario(s)).toEqual([]);
  });

  it("is registered as a conformance suite next to PKITS", () => {
    expect(conformanceSuites().map((s) => s.name)).toContain("multidomain");
    expect(multidomainSuite().name).toBe("multidomain");
  });
});

describe("multi-domain cases through verify", () => {
  const results: CaseResult[] = [];
  afterAll(() => {
    if (results.some((r) => !r.passed)) console.log(formatTable(results, "multidomain"));
  });

  it.each(cases.map((g) => [g.scenario.group, g.scenario.id, g] as const))("%s / %s", async (_group, _id, g) => {
    const r = await runMultidomainCase(g, verify);
    results.push(r);
    expect(r.passed, failureLine(r)).toBe(true);
  });
});

describe("extension audit", () => {
  it.each(cases.map((g) => [g.scenario.id, g] as const))("%s: every object carries what its description says", (_id, g) => {
    expect(auditCase(g)).toEqual([]);
  });

  it("catches a description that the bytes do not honour", () => {
    // Audit a case against a description altered after generation: the audit must notice.
    const g = cases.find((c) => c.scenario.id === "bridge-inhibit-mapping-0")!;
    const altered = {
      ...g,
      scenario: {
        ...g.scenario,
        certs: g.scenario.certs.map((c) => (c.id === "x1b" ? { ...c, policyConstraints: { requireExplicitPolicy: 0 } } : c.id === "xb3" ? { ...c, nameConstraints: undefined } : c)),
      },
    };
    const problems = auditCase(altered).join("\n");
    expect(problems).toMatch(/certificate x1b: policyConstraints/);
    expect(problems).toMatch(/certificate xb3: nameConstraints/);
  });
});

describe("determinism", () => {
  it("generating every scenario again (no cache) gives byte-identical certificates, CRLs, OCSP responses and bag order", () => {
    for (const g of cases) {
      const again = generateScenario(g.scenario, { cache: false });
      const id = g.scenario.id;
      expect([...again.certs.keys()], id).toEqual([...g.certs.keys()]);
      for (const [k, c] of g.certs) expect(Buffer.from(again.certs.get(k)!.der).equals(Buffer.from(c.der)), `${id}/${k}`).toBe(true);
      for (const [k, c] of g.crls) expect(Buffer.from(again.crls.get(k)!.der).equals(Buffer.from(c.der)), `${id}/${k}`).toBe(true);
      for (const [k, c] of g.ocsp) expect(Buffer.from(again.ocsp.get(k)!.der).equals(Buffer.from(c.der)), `${id}/${k}`).toBe(true);
      expect(again.bagOrder, id).toEqual(g.bagOrder);
    }
  });
});
