// NIST PKITS through the public `verify`, exactly as the outside harness
// (shared/tools/pkits-contract.mjs) drives it: the end entity is the target, the rest of
// the case's certificates are intermediates (listed order, or shuffled deterministically),
// one trust anchor, the case's settings as `policy`, and hard-fail revocation with the
// case's CRLs. A case passes when `valid` matches and, for a valid path, the
// user-constrained policy set matches as a set.
//
// Used by `certpath conformance` (compiled, from dist/) and by test/pkits.test.ts (from
// source, via testsuite/pkits.ts).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PolicyOptions } from "certpath";
import { sameSet, summarize, formatTable, type CaseResult, type ConformanceSuite, type SuiteReport, type VerifyFn, type CaseOutcome } from "./suite.js";

export type PkitsMode = "given" | "shuffled";

export interface PkitsManifestTest {
  id: string;
  title: string;
  section: string;
  trustAnchor: string;
  path: string[];
  crls: string[];
  validationTime: string;
  settings: {
    initialPolicySet: string[];
    initialExplicitPolicy: boolean;
    initialPolicyMappingInhibit: boolean;
    initialInhibitAnyPolicy: boolean;
  };
  expect: { valid: boolean; userConstrainedPolicySet: string[] };
}

export interface PkitsCase extends PkitsManifestTest {
  /** Position in the manifest (the shuffle seed is index + 1, as in the outside harness). */
  index: number;
  /** "4.1 Signature Verification". */
  sectionLabel: string;
  bytes: { anchor: Uint8Array; path: Uint8Array[]; crls: Uint8Array[] };
}

export interface PkitsSuiteData {
  dir: string;
  suite: string;
  cases: PkitsCase[];
}

/** testsuite/vectors/pkits of the package (same relative place from src/ and dist/). */
export function defaultPkitsDir(): string {
  return fileURLToPath(new URL("../vectors/pkits/", import.meta.url));
}

/** Reads pkits.json and every certificate and CRL it names (synchronously, once). */
export function loadPkits(dir: string = defaultPkitsDir()): PkitsSuiteData {
  const manifest = JSON.parse(readFileSync(join(dir, "pkits.json"), "utf8")) as { suite: string; count: number; tests: PkitsManifestTest[] };
  if (manifest.tests.length !== manifest.count) throw new Error(`pkits.json: count ${manifest.count} but ${manifest.tests.length} tests`);
  const cache = new Map<string, Uint8Array>();
  const file = (sub: string, name: string) => {
    const key = `${sub}/${name}`;
    let b = cache.get(key);
    if (!b) {
      b = new Uint8Array(readFileSync(join(dir, sub, name)));
      cache.set(key, b);
    }
    return b;
  };
  const cases = manifest.tests.map((t, index): PkitsCase => ({
    ...t,
    index,
    sectionLabel: `${t.id.split("/")[0]!.split(".").slice(0, 2).join(".")} ${t.section}`,
    bytes: {
      anchor: file("certs", t.trustAnchor),
      path: t.path.map((f) => file("certs", f)),
      crls: t.crls.map((f) => file("crls", f)),
    },
  }));
  return { dir, suite: manifest.suite, cases };
}

/** The outside harness's deterministic shuffle (same LCG, same seeds), so runs agree. */
export function shuffleDeterministic<T>(items: readonly T[], seed: number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export function pkitsSuiteName(mode: PkitsMode): string {
  return mode === "given" ? "pkits (given order)" : "pkits (shuffled)";
}

/** Runs one case through `verify` (fresh copies of every input, as the harness does). */
export async function runPkitsCase(c: PkitsCase, mode: PkitsMode, verify: VerifyFn): Promise<CaseResult> {
  const ders = c.bytes.path;
  const inter = ders.slice(0, -1);
  const intermediates = mode === "shuffled" ? shuffleDeterministic(inter, c.index + 1) : inter;
  const expected = { valid: c.expect.valid, policies: [...c.expect.userConstrainedPolicySet] };
  let got: CaseOutcome;
  const t0 = performance.now();
  try {
    const r = await verify({
      target: ders[ders.length - 1]!.slice(),
      intermediates: intermediates.map((d) => d.slice()),
      trustAnchors: [c.bytes.anchor.slice()],
      time: new Date(c.validationTime),
      policy: { ...c.settings } as PolicyOptions,
      revocation: { mode: "hard", crls: c.bytes.crls.map((d) => d.slice()) },
    });
    got = { valid: r.valid, policies: [...(r.policies ?? [])] };
    if (r.error) {
      got.error = { code: r.error.code, message: r.error.message };
      if (r.error.certIndex !== undefined) got.error.certIndex = r.error.certIndex;
    }
  } catch (e) {
    got = { valid: "threw", policies: [], error: { code: "THREW", message: String((e as Error)?.message ?? e) } };
  }
  const ms = performance.now() - t0;
  const passed = got.valid === expected.valid && (!expected.valid || sameSet(got.policies, expected.policies));
  return { suite: pkitsSuiteName(mode), id: c.id, title: c.title, section: c.sectionLabel, passed, expected, got, ms };
}

export interface RunPkitsOptions {
  mode: PkitsMode;
  verify: VerifyFn;
  /** Preloaded data (from loadPkits); otherwise loaded from `dir` or the default place. */
  data?: PkitsSuiteData;
  dir?: string;
  /** Only the cases for which this returns true. */
  filter?: (c: PkitsCase) => boolean;
}

/** Runs every case, sequentially, and returns the per-case results in manifest order. */
export async function runPkits(opts: RunPkitsOptions): Promise<CaseResult[]> {
  const data = opts.data ?? loadPkits(opts.dir);
  const results: CaseResult[] = [];
  for (const c of data.cases) {
    if (opts.filter && !opts.filter(c)) continue;
    results.push(await runPkitsCase(c, opts.mode, opts.verify));
  }
  return results;
}

/** Per-section table plus failing cases, ending with `N passed, M failed`. */
export function formatPkitsTable(results: readonly CaseResult[]): string {
  return formatTable(results, results.length > 0 ? results[0]!.suite : undefined);
}

/** PKITS as a conformance suite (one per mode). */
export function pkitsSuite(mode: PkitsMode, dir?: string): ConformanceSuite {
  const name = mode === "given" ? "pkits" : "pkits-shuffled";
  return {
    name,
    description:
      mode === "given"
        ? "NIST PKITS 1.0.1, 249 cases, certificates in the listed order"
        : "NIST PKITS 1.0.1, 249 cases, intermediates shuffled (path discovery)",
    async run(verify: VerifyFn): Promise<SuiteReport> {
      const t0 = performance.now();
      const results = await runPkits({ mode, verify, ...(dir ? { dir } : {}) });
      return summarize(pkitsSuiteName(mode), this.description, results, performance.now() - t0);
    },
  };
}
