// The multi-domain suite as a ConformanceSuite: every scenario of ./cases generated
// (./generate.ts), run through `verify`, and compared with its expectation: the verdict,
// the user-constrained policy set (as a set), the exact path for a valid case (which
// certificates, not only which subjects: cross-certificate pairs and re-keyed CAs share
// names), and certpath's error code for an invalid case when the scenario names one.
import type { VerifyResult } from "certpath";
import { sameSet, summarize, type CaseOutcome, type CaseResult, type ConformanceSuite, type SuiteReport, type VerifyFn } from "../suite.js";
import { allScenarios } from "./cases/index.js";
import { generateScenario, idsByDer, verifyOptionsOf, type GeneratedCase } from "./generate.js";
import { GROUPS, type Scenario } from "./model.js";

export const MULTIDOMAIN_SUITE_NAME = "multidomain";
export const MULTIDOMAIN_DESCRIPTION = "Generated multi-domain PKIs (hierarchy, mesh, bridge, trust list, rollover, GPKI, revocation, encoding, pathological)";

/** The key algorithms the suite can be generated with: Ed25519 (default) or P-256 (`--keys p256`). */
export const MULTIDOMAIN_KEYS = ["ed25519", "p256"] as const;
export type MultidomainKeys = (typeof MULTIDOMAIN_KEYS)[number];

let keys: MultidomainKeys = "ed25519";
const memo = new Map<MultidomainKeys, GeneratedCase[]>();

/**
 * Chooses the key algorithm of every entity that does not name its own (`--keys p256`): the
 * P-256 variant lets engines without Ed25519 (pkijs over WebCrypto) show their path
 * building. ECDSA signatures are randomised, so only the Ed25519 suite is byte-deterministic.
 */
export function useMultidomainKeys(k: MultidomainKeys): void {
  keys = k;
}

export function multidomainKeys(): MultidomainKeys {
  return keys;
}

/** A scenario with every entity re-keyed to `k` (entities with their own key algorithm or a fabricated key keep it). */
export function rekeyed(s: Scenario, k: MultidomainKeys): Scenario {
  if (k === "ed25519") return s;
  return { ...s, entities: s.entities.map((e) => (e.keyAlg || e.fabricatedRsaBits ? e : { ...e, keyAlg: k })) };
}

/** Every scenario generated once per process and key algorithm (keys are cached per seed). */
export function multidomainCases(k: MultidomainKeys = keys): GeneratedCase[] {
  let m = memo.get(k);
  if (!m) memo.set(k, (m = allScenarios().map((s) => generateScenario(rekeyed(s, k)))));
  return m;
}

/** Groups in report order, then the scenario order within a group. */
export function sortByGroup<T extends { scenario: Scenario }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => GROUPS.indexOf(a.scenario.group) - GROUPS.indexOf(b.scenario.group));
}

/** What a result says beyond the verdict: the path as certificate ids ("?" for one the case does not know). */
export function pathIds(g: GeneratedCase, r: VerifyResult): string[] {
  const byDer = idsByDer(g);
  return r.path.map((e) => byDer.get(Buffer.from(e.der).toString("hex")) ?? `?${e.subject}`);
}

/** Runs one generated case through `verify` and compares it with its expectation. */
export async function runMultidomainCase(g: GeneratedCase, verify: VerifyFn): Promise<CaseResult> {
  const s = g.scenario;
  const expected = { valid: s.expect.valid, policies: [...s.expect.userConstrainedPolicySet] };
  let got: CaseOutcome;
  let passed: boolean;
  const t0 = performance.now();
  try {
    const r = await verify(verifyOptionsOf(g));
    got = { valid: r.valid, policies: [...(r.policies ?? [])] };
    if (r.error) {
      got.error = { code: r.error.code, message: r.error.message };
      if (r.error.certIndex !== undefined) got.error.certIndex = r.error.certIndex;
    }
    passed = r.valid === s.expect.valid && (!s.expect.valid || sameSet(got.policies, expected.policies));
    if (passed && s.expect.valid && s.expect.path) {
      const ids = pathIds(g, r);
      if (ids.join(" > ") !== s.expect.path.join(" > ")) {
        passed = false;
        got.error = { code: "WRONG_PATH", message: `expected path ${s.expect.path.join(" > ")}, got ${ids.join(" > ")}` };
      }
    }
    if (passed && !s.expect.valid && s.expect.errorCode && r.error?.code !== s.expect.errorCode) {
      passed = false;
      got.error = { code: r.error?.code ?? "NONE", message: `${r.error?.message ?? "no error"} (expected error code ${s.expect.errorCode})` };
    }
  } catch (e) {
    got = { valid: "threw", policies: [], error: { code: "THREW", message: String((e as Error)?.message ?? e) } };
    passed = false;
  }
  const ms = performance.now() - t0;
  return { suite: MULTIDOMAIN_SUITE_NAME, id: s.id, title: s.title, section: s.group, passed, expected, got, ms };
}

export async function runMultidomain(verify: VerifyFn, filter?: (s: Scenario) => boolean): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const g of sortByGroup(multidomainCases())) {
    if (filter && !filter(g.scenario)) continue;
    results.push(await runMultidomainCase(g, verify));
  }
  return results;
}

export function multidomainSuite(): ConformanceSuite {
  const description = () => (keys === "ed25519" ? MULTIDOMAIN_DESCRIPTION : `${MULTIDOMAIN_DESCRIPTION}; keys re-generated as ${keys.toUpperCase()}`);
  return {
    name: MULTIDOMAIN_SUITE_NAME,
    get description() {
      return description();
    },
    async run(verify: VerifyFn): Promise<SuiteReport> {
      const t0 = performance.now();
      const results = await runMultidomain(verify);
      return summarize(MULTIDOMAIN_SUITE_NAME, description(), results, performance.now() - t0);
    },
  };
}
