import { describe, it, expect } from "vitest";
import type { PolicyInfo, PolicyMapping } from "../src/parsing/certificate.js";
import { loadPkits } from "../testsuite/src/pkits.js";
import { runSteps } from "./pkits-steps.js";
import { ANY_POLICY, PolicyGraph } from "../src/validate/policy-graph.js";

const P = (n: number) => `2.16.840.1.101.3.2.1.48.${n}`; // PKITS NIST-test-policy-n
const pol = (...oids: string[]): PolicyInfo[] => oids.map((policy) => ({ policy, qualifiers: [] }));
const map = (...pairs: [string, string][]): PolicyMapping[] =>
  pairs.map(([issuerDomainPolicy, subjectDomainPolicy]) => ({ issuerDomainPolicy, subjectDomainPolicy }));

describe("PolicyGraph rules", () => {
  it("RFC 9618 5.2: starts with one anyPolicy node at depth 0", () => {
    const g = new PolicyGraph();
    expect(g.isNull()).toBe(false);
    expect(g.nodeCount()).toBe(1);
    expect(g.finish([ANY_POLICY])).toEqual([ANY_POLICY]);
  });

  it("RFC 5280 6.1.3 (e): no certificatePolicies extension makes the graph NULL, for good", () => {
    const g = new PolicyGraph();
    g.processPolicies(undefined, true);
    expect(g.isNull()).toBe(true);
    g.processPolicies(pol(ANY_POLICY), true); // RFC 9618 5.2: processing has ceased
    expect(g.isNull()).toBe(true);
    expect(g.finish([ANY_POLICY])).toEqual([]);
  });

  it("RFC 5280 6.1.3 (d)(1): exact matches, children of anyPolicy, and pruning (d)(3)", () => {
    const g = new PolicyGraph();
    g.processPolicies(pol(P(1), P(2)), true); // (d)(1)(ii): both under the root anyPolicy
    g.processPolicies(pol(P(1), P(3)), true); // P1 matches; P3 has no parent; P2 is pruned
    expect(g.finish([ANY_POLICY])).toEqual([P(1)]);
    const h = new PolicyGraph();
    h.processPolicies(pol(P(1)), true);
    h.processPolicies(pol(P(2)), true); // nothing matches and there is no anyPolicy node: NULL
    expect(h.isNull()).toBe(true);
  });

  it("RFC 5280 6.1.3 (d)(2): anyPolicy expands every expected policy, unless inhibited", () => {
    const g = new PolicyGraph();
    g.processPolicies(pol(P(1), P(2)), true);
    g.processPolicies(pol(ANY_POLICY), true);
    expect(g.finish([ANY_POLICY])).toEqual([P(1), P(2)]);
    const h = new PolicyGraph();
    h.processPolicies(pol(P(1), P(2)), true);
    h.processPolicies(pol(ANY_POLICY), false); // inhibit_anyPolicy == 0: anyPolicy is ignored
    expect(h.isNull()).toBe(true);
    // anyPolicy below anyPolicy keeps an anyPolicy leaf; a later specific policy hangs off it.
    const k = new PolicyGraph();
    k.processPolicies(pol(ANY_POLICY), true);
    k.processPolicies(pol(ANY_POLICY), true);
    expect(k.finish([ANY_POLICY])).toEqual([ANY_POLICY]);
    const m = new PolicyGraph();
    m.processPolicies(pol(ANY_POLICY), true);
    m.processPolicies(pol(P(3)), true);
    expect(m.finish([ANY_POLICY])).toEqual([P(3)]);
  });

  it("RFC 5280 6.1.4 (b)(1): mapping a policy that only exists under the anyPolicy node at depth i", () => {
    // Certificate 1 asserts anyPolicy and maps P1 -> {P2, P3}: a P1 node is created under the
    // depth-0 anyPolicy node, expecting P2 and P3.
    const build = () => {
      const g = new PolicyGraph();
      g.processPolicies(pol(ANY_POLICY), true);
      g.processMappings(map([P(1), P(2)], [P(1), P(3)]), true);
      return g;
    };
    let g = build();
    g.processPolicies(pol(P(2)), true);
    expect(g.finish([P(1)])).toEqual([P(1)]); // reported in the issuer's domain
    g = build();
    g.processPolicies(pol(P(2)), true);
    expect(g.finish([P(2)])).toEqual([]); // P2 at depth 2 descends from P1, not anyPolicy
    expect(g.isNull()).toBe(true);
    g = build();
    g.processPolicies(pol(P(1)), true); // P1 is no longer expected: (d)(1)(ii) under anyPolicy
    expect(g.finish([ANY_POLICY])).toEqual([P(1)]);
    g = build();
    g.processPolicies(pol(P(2), P(3), P(4)), true); // P4 also hangs off anyPolicy
    expect(g.finish([ANY_POLICY])).toEqual([P(1), P(4)]);
  });

  it("RFC 5280 6.1.4 (b)(1): mapping replaces the expected policies of an existing node", () => {
    const g = new PolicyGraph();
    g.processPolicies(pol(P(1), P(2)), true);
    g.processMappings(map([P(1), P(3)]), true);
    g.processPolicies(pol(P(1), P(2), P(3)), true); // P1 no longer expected, P2 still, P3 via P1
    expect(g.finish([P(1), P(2)])).toEqual([P(1), P(2)]);
  });

  it("RFC 5280 6.1.4 (b)(2): with policy_mapping == 0 mapped policies are deleted", () => {
    const g = new PolicyGraph();
    g.processPolicies(pol(P(1), P(2)), true);
    g.processMappings(map([P(1), P(3)]), false);
    g.processPolicies(pol(P(1), P(3)), true); // neither P1 nor P3 survives
    expect(g.isNull()).toBe(true);
    const h = new PolicyGraph();
    h.processPolicies(pol(P(1), P(2)), true);
    h.processMappings(map([P(1), P(3)]), false);
    h.processPolicies(pol(P(2)), true);
    expect(h.finish([ANY_POLICY])).toEqual([P(2)]);
    const k = new PolicyGraph();
    k.processPolicies(pol(P(1)), true);
    k.processMappings(map([P(1), P(3)]), false); // the only node goes: NULL right away
    expect(k.isNull()).toBe(true);
  });

  it("RFC 5280 6.1.4 (a) is asserted", () => {
    const g = new PolicyGraph();
    g.processPolicies(pol(P(1)), true);
    expect(() => g.processMappings(map([P(1), ANY_POLICY]), true)).toThrow(/anyPolicy/);
  });

  it("RFC 9618 5.5: finish() intersects with the user-initial-policy-set", () => {
    const specific = () => {
      const g = new PolicyGraph();
      g.processPolicies(pol(P(1), P(3)), true);
      return g;
    };
    expect(specific().finish([ANY_POLICY])).toEqual([P(1), P(3)]);
    expect(specific().finish([P(2), P(1)])).toEqual([P(1)]); // (g)(5)(i)
    const g = specific();
    expect(g.finish([P(2)])).toEqual([]);
    expect(g.isNull()).toBe(true);
    const anyLeaf = () => {
      const h = new PolicyGraph();
      h.processPolicies(pol(ANY_POLICY, P(1)), true);
      return h;
    };
    expect(anyLeaf().finish([ANY_POLICY])).toEqual([ANY_POLICY]); // anyPolicy subsumes P1
    expect(anyLeaf().finish([P(5), P(4)])).toEqual([P(4), P(5)]); // (g)(5)(ii)
    expect(anyLeaf().finish([P(1), P(2)])).toEqual([P(1), P(2)]);
    const k = anyLeaf();
    expect(k.finish([])).toEqual([]); // nothing is acceptable
    expect(k.isNull()).toBe(true);
  });

  it("RFC 9618 4.1: shares nodes where RFC 5280 duplicates them", () => {
    const g = new PolicyGraph();
    for (let i = 0; i < 3; i++) {
      g.processPolicies(pol(P(1), P(2)), true);
      g.processMappings(map([P(1), P(1)], [P(1), P(2)], [P(2), P(1)], [P(2), P(2)]), true);
    }
    g.processPolicies(pol(P(1), P(2)), true);
    expect(g.nodeCount()).toBe(1 + 4 * 2); // the RFC 5280 tree would have 1 + 2 + 4 + 8 + 16
    expect(g.finish([ANY_POLICY])).toEqual([P(1), P(2)]);
  });
});

describe("PolicyGraph work stays polynomial", () => {
  it("10 certificates × 100 policies with every policy mapped to every policy", () => {
    const n = 10, k = 100;
    const oids = Array.from({ length: k }, (_, j) => `1.2.3.${j}`);
    const full = map(...oids.flatMap((a) => oids.filter((b) => b !== a).map((b): [string, string] => [a, b])));
    for (const withAny of [false, true]) {
      const g = new PolicyGraph();
      const policies = pol(...oids, ...(withAny ? [ANY_POLICY] : []));
      for (let i = 1; i <= n; i++) {
        g.processPolicies(policies, true);
        if (i < n) g.processMappings(full, true);
      }
      const result = g.finish([ANY_POLICY]);
      // One node per (depth, OID): at most 1 + n·(k + 1), where the tree would be k·(k-1)^(n-1).
      expect(g.nodeCount()).toBeLessThanOrEqual(1 + n * (k + 1));
      expect(result).toEqual(withAny ? [ANY_POLICY] : [...oids].sort());
    }
  });
});

// ---------------------------------------------------------------------------------------------
// NIST PKITS 4.8–4.12 through the real steps of RFC 5280 6.1 (PathValidation, test/pkits-steps.ts):
// the verdict, the user-constrained policy set, and for an invalid path the policy rule
// and the step that rejected it.

const pkits = loadPkits().cases.filter((c) => /^4\.(8|9|10|11|12)\./.test(c.id));
/** Invalid cases rejected by 6.1.4 (a), a mapping to or from anyPolicy; every other invalid one by the explicit-policy check. */
const MAPS_ANY_POLICY = new Set(["4.10.7", "4.10.8"]);

describe("NIST PKITS 4.8–4.12 policy processing", () => {
  it("has the 88 cases of sections 4.8–4.12", () => expect(pkits.length).toBe(88));
  it.each(pkits.map((c) => [`${c.id} ${c.title}`, c] as const))("%s", (_name, c) => {
    const r = runSteps(c);
    expect({ valid: !r.failure, ucps: r.failure ? [] : [...r.validation.policies] }).toEqual({ valid: c.expect.valid, ucps: c.expect.userConstrainedPolicySet });
    if (!r.failure) return;
    if (MAPS_ANY_POLICY.has(c.id)) expect([r.failure.code, r.step]).toEqual(["POLICY_MAPPING", "6.1.4"]);
    else expect(r.failure.code).toBe("POLICY");
    expect(r.failure.message).toMatch(/RFC 5280 (6\.1\.3 \(f\)|6\.1\.5 \(g\)|6\.1\.4 \(a\))/);
  });
});
