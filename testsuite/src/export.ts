// Export of the conformance cases as plain files (testsuite/FORMAT.md), and their
// re-import: `certpath testsuite export DIR` writes every case of NIST PKITS and of the
// multi-domain suite as DER and PEM files plus a manifest, so any validator can be run
// against them; `loadExported(DIR)` reads them back (the round-trip test, the interop
// drivers) and `runExportedCase` runs one through a `verify`.
//
//   DIR/manifest.json                      { format, suites, cases }
//   DIR/<suite>/<case-id>/                 "/" in ids becomes "_"
//     target.der target.pem
//     intermediates/NN.der intermediates.pem   (the bag, in the order handed to certpath)
//     anchors/NN.der anchors.pem
//     crls/NN.der crls.pem                      (if any)
//     ocsp/NN.der                               (if any)
//     case.json                                 (this case's manifest entry)
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ErrorCode, Limits, PolicyOptions, RevocationMode } from "certpath";
import { toPem } from "./generate/der.js";
import { loadPkits, type PkitsSuiteData } from "./pkits.js";
import { sameSet, type CaseOutcome, type CaseResult, type VerifyFn } from "./suite.js";
import { MULTIDOMAIN_DESCRIPTION, MULTIDOMAIN_SUITE_NAME, multidomainCases, sortByGroup } from "./multidomain/suite.js";
import { generateScenario, subjectsOf, type GeneratedCase } from "./multidomain/generate.js";
import { allScenarios } from "./multidomain/cases/index.js";
import { caseSettings, type Settings } from "./multidomain/model.js";
import { toLimbo, type PortableCase } from "./limbo.js";

export const EXPORT_FORMAT = "certpath-cases/1";
export const EXPORTABLE_SUITES = ["pkits", "multidomain"] as const;
export type ExportableSuite = (typeof EXPORTABLE_SUITES)[number];

const PKITS_DESCRIPTION = "NIST PKITS 1.0.1, 249 cases (certificates in the listed order)";

export interface CaseFiles {
  target: string;
  intermediates: string[];
  anchors: string[];
  crls: string[];
  ocsp: string[];
}

/** One entry of manifest.json (and a case folder's case.json). */
export interface ExportedCaseEntry {
  /** pkits, multidomain, or an imported suite (a limbo file's name). */
  suite: string;
  id: string;
  title: string;
  /** PKITS: its section; multi-domain: the group (bridge, mesh, ...). */
  section: string;
  /** The case folder, relative to DIR. */
  dir: string;
  topology: string;
  /** pkits.json's fields, as paths relative to the case folder: the anchor, the certificates (intermediates then target), the CRLs. */
  trustAnchor: string;
  path: string[];
  crls: string[];
  validationTime: string;
  settings: Settings;
  revocation: { mode: RevocationMode };
  files: CaseFiles;
  /** Only for cases that set limits of their own (multi-domain pathological cases). */
  limits?: Limits;
  expect: {
    valid: boolean;
    userConstrainedPolicySet: string[];
    /** Subjects of the expected path, target first, anchor last (as certpath prints them). */
    path?: string[];
    errorCode?: ErrorCode;
    /** false: the suite states no policy set (x509-limbo); only the verdict is compared. */
    policiesChecked?: false;
    /** SHA-256 (hex) of each certificate of the expected path, target first: same-named stale and fresh cross-certificates differ here. */
    pathSha256?: string[];
    /** true: the expectation comes from certpath's own work limits (BUDGET_EXCEEDED), not from an RFC 5280 rule. */
    implementationLimit?: true;
    /** For an implementation-limit case: the verdict under RFC 5280 alone (what other implementations are judged against). */
    rfc5280Valid?: boolean;
  };
  /** What the case needs of an implementation: policy-inputs, crls, ocsp, revocation:soft|hard, limits, key:<type>. */
  needs: string[];
}

export interface ExportManifest {
  format: string;
  suites: { name: string; description: string }[];
  cases: ExportedCaseEntry[];
}

/** A case's bytes before they are written: what the folder will hold. */
export interface CaseBytes {
  entry: Omit<ExportedCaseEntry, "files" | "trustAnchor" | "path" | "crls" | "needs">;
  target: Uint8Array;
  intermediates: Uint8Array[];
  anchors: Uint8Array[];
  crls: Uint8Array[];
  ocsp: Uint8Array[];
}

const sha256Hex = (d: Uint8Array) => createHash("sha256").update(d).digest("hex");

/** What a case needs of an implementation (FORMAT.md "needs"). */
export function needsOf(c: CaseBytes): string[] {
  const e = c.entry;
  const out: string[] = [];
  const s = e.settings;
  const defaultSet = s.initialPolicySet.length === 0 || (s.initialPolicySet.length === 1 && s.initialPolicySet[0] === "2.5.29.32.0");
  if (!defaultSet || s.initialExplicitPolicy || s.initialPolicyMappingInhibit || s.initialInhibitAnyPolicy) out.push("policy-inputs");
  if (e.revocation.mode !== "none") out.push(`revocation:${e.revocation.mode}`);
  if (c.crls.length) out.push("crls");
  if (c.ocsp.length) out.push("ocsp");
  if (e.limits) out.push("limits");
  const keys = new Set<string>();
  for (const d of [c.target, ...c.intermediates, ...c.anchors]) {
    try {
      keys.add(new X509Certificate(d).publicKey.asymmetricKeyType ?? "unknown");
    } catch {
      keys.add("unknown");
    }
  }
  out.push(...[...keys].sort().map((k) => `key:${k}`));
  return out;
}

export function caseDirName(id: string): string {
  return id.replace(/\//g, "_");
}

function numbered(count: number): string[] {
  const width = Math.max(2, String(count - 1).length);
  return Array.from({ length: count }, (_, i) => String(i).padStart(width, "0"));
}

function pkitsCases(data: PkitsSuiteData): CaseBytes[] {
  return data.cases.map((c) => ({
    entry: {
      suite: "pkits",
      id: c.id,
      title: c.title,
      section: c.section,
      dir: `pkits/${caseDirName(c.id)}`,
      topology: "NIST PKITS",
      validationTime: c.validationTime,
      settings: { ...c.settings, initialPolicySet: [...c.settings.initialPolicySet] },
      revocation: { mode: "hard" },
      expect: { valid: c.expect.valid, userConstrainedPolicySet: [...c.expect.userConstrainedPolicySet] },
    },
    target: c.bytes.path[c.bytes.path.length - 1]!,
    intermediates: c.bytes.path.slice(0, -1),
    anchors: [c.bytes.anchor],
    crls: c.bytes.crls,
    ocsp: [],
  }));
}

export function multidomainCaseBytes(g: GeneratedCase): CaseBytes {
  const s = g.scenario;
  const k = s.case;
  const expect: ExportedCaseEntry["expect"] = { valid: s.expect.valid, userConstrainedPolicySet: [...s.expect.userConstrainedPolicySet] };
  if (s.expect.valid && s.expect.path) expect.path = subjectsOf(g, s.expect.path);
  if (s.expect.valid && s.expect.path) expect.pathSha256 = s.expect.path.map((id) => sha256Hex(g.certs.get(id)!.der));
  if (!s.expect.valid && s.expect.errorCode) expect.errorCode = s.expect.errorCode;
  if (s.expect.errorCode === "BUDGET_EXCEEDED") {
    expect.implementationLimit = true;
    expect.rfc5280Valid = s.expect.rfc5280Valid ?? s.expect.valid;
  }
  return {
    entry: {
      suite: "multidomain",
      id: s.id,
      title: s.title,
      section: s.group,
      dir: `multidomain/${caseDirName(s.id)}`,
      topology: s.topology,
      validationTime: s.referenceTime,
      settings: caseSettings(s),
      revocation: { mode: k.revocation ?? "none" },
      ...(k.limits ? { limits: { ...k.limits } } : {}),
      expect,
    },
    target: g.certs.get(k.target)!.der,
    intermediates: g.bagOrder.map((id) => g.certs.get(id)!.der),
    anchors: k.anchors.map((id) => g.certs.get(id)!.der),
    crls: (k.crls ?? []).map((id) => g.crls.get(id)!.der),
    ocsp: (k.ocsp ?? []).map((id) => g.ocsp.get(id)!.der),
  };
}

/** An imported (portable) case as case bytes of suite `suite`. */
export function portableCaseBytes(suite: string, c: PortableCase, policiesChecked: boolean): CaseBytes {
  const expect: ExportedCaseEntry["expect"] = { valid: c.expectValid, userConstrainedPolicySet: [] };
  if (!policiesChecked) expect.policiesChecked = false;
  return {
    entry: {
      suite,
      id: c.id,
      title: c.title,
      section: suite,
      dir: `${suite}/${caseDirName(c.id)}`,
      topology: "imported",
      validationTime: c.validationTime,
      settings: { ...c.settings, initialPolicySet: [...c.settings.initialPolicySet] },
      revocation: { mode: c.revocation },
      ...(c.limits ? { limits: { ...c.limits } } : {}),
      expect,
    },
    target: c.target,
    intermediates: c.intermediates,
    anchors: c.anchors,
    crls: c.crls,
    ocsp: c.ocsp,
  };
}

/** Case bytes as a portable case (for the x509-limbo export). */
export function portableOf(c: CaseBytes): PortableCase {
  const e = c.entry;
  return {
    id: e.id,
    title: e.title,
    target: c.target,
    intermediates: c.intermediates,
    anchors: c.anchors,
    crls: c.crls,
    ocsp: c.ocsp,
    validationTime: e.validationTime,
    settings: { ...e.settings, initialPolicySet: [...e.settings.initialPolicySet] },
    revocation: e.revocation.mode,
    ...(e.limits ? { limits: { ...e.limits } } : {}),
    expectValid: e.expect.valid,
  };
}

function writeCase(root: string, c: CaseBytes): ExportedCaseEntry {
  const dir = join(root, c.entry.dir);
  mkdirSync(dir, { recursive: true });
  const files: CaseFiles = { target: "target.der", intermediates: [], anchors: [], crls: [], ocsp: [] };
  writeFileSync(join(dir, "target.der"), c.target);
  writeFileSync(join(dir, "target.pem"), toPem(c.target, "CERTIFICATE"));
  const group = (sub: "intermediates" | "anchors" | "crls" | "ocsp", items: Uint8Array[], label?: string) => {
    if (items.length === 0) return;
    mkdirSync(join(dir, sub), { recursive: true });
    numbered(items.length).forEach((n, i) => {
      writeFileSync(join(dir, sub, `${n}.der`), items[i]!);
      files[sub].push(`${sub}/${n}.der`);
    });
    if (label) writeFileSync(join(dir, `${sub}.pem`), items.map((d) => toPem(d, label)).join(""));
  };
  group("intermediates", c.intermediates, "CERTIFICATE");
  group("anchors", c.anchors, "CERTIFICATE");
  group("crls", c.crls, "X509 CRL");
  group("ocsp", c.ocsp);
  const { expect, limits, ...head } = c.entry;
  const entry: ExportedCaseEntry = {
    ...head,
    needs: needsOf(c),
    trustAnchor: files.anchors[0]!,
    path: [...files.intermediates, files.target],
    crls: [...files.crls],
    files,
    ...(limits ? { limits } : {}),
    expect,
  };
  writeFileSync(join(dir, "case.json"), JSON.stringify(entry, null, 1) + "\n");
  return entry;
}

export interface ExportOptions {
  /** Suites to write; default all (none when only `portable` suites are given). */
  suites?: readonly ExportableSuite[];
  /** Imported suites (x509-limbo files) to write as well. */
  portable?: readonly { name: string; description: string; cases: readonly PortableCase[]; policiesChecked: boolean }[];
  /** Preloaded PKITS data (default: testsuite/vectors/pkits). */
  pkits?: PkitsSuiteData;
  pkitsDir?: string;
  /** Only the cases with these ids (a quick subset for tests). */
  ids?: readonly string[];
}

export interface ExportSummary {
  dir: string;
  counts: Record<string, number>;
  manifest: ExportManifest;
}

/**
 * Writes the cases of `opts.suites` under `dir` per testsuite/FORMAT.md. A directory that
 * exists must be empty or hold a previous export (a manifest.json), whose suite folders
 * are replaced.
 */
export function exportCases(dir: string, opts: ExportOptions = {}): ExportSummary {
  const suites = opts.suites ?? (opts.portable?.length ? [] : EXPORTABLE_SUITES);
  if (existsSync(dir)) {
    const present = readdirSync(dir);
    if (present.length > 0 && !present.includes("manifest.json"))
      throw new Error(`${dir} is neither empty nor a previous export (no manifest.json); refusing to write into it`);
    for (const s of [...EXPORTABLE_SUITES, ...(opts.portable ?? []).map((p) => p.name)]) rmSync(join(dir, s), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  const manifest: ExportManifest = { format: EXPORT_FORMAT, suites: [], cases: [] };
  const counts: Record<string, number> = {};
  for (const suite of suites) {
    let list: CaseBytes[];
    if (suite === "pkits") {
      list = pkitsCases(opts.pkits ?? loadPkits(opts.pkitsDir));
      manifest.suites.push({ name: "pkits", description: PKITS_DESCRIPTION });
    } else {
      // With ids, only those scenarios are generated.
      const gens = opts.ids ? allScenarios().filter((s) => opts.ids!.includes(s.id)).map((s) => generateScenario(s)) : multidomainCases();
      list = sortByGroup(gens).map(multidomainCaseBytes);
      manifest.suites.push({ name: MULTIDOMAIN_SUITE_NAME, description: MULTIDOMAIN_DESCRIPTION });
    }
    if (opts.ids && suite === "pkits") list = list.filter((c) => opts.ids!.includes(c.entry.id));
    for (const c of list) manifest.cases.push(writeCase(dir, c));
    counts[suite] = list.length;
  }
  for (const p of opts.portable ?? []) {
    manifest.suites.push({ name: p.name, description: p.description });
    for (const c of p.cases) manifest.cases.push(writeCase(dir, portableCaseBytes(p.name, c, p.policiesChecked)));
    counts[p.name] = p.cases.length;
  }
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 1) + "\n");
  return { dir, counts, manifest };
}

/** The case bytes of a built-in suite. */
export function suiteCaseBytes(suite: ExportableSuite, opts: Pick<ExportOptions, "pkits" | "pkitsDir"> = {}): CaseBytes[] {
  return suite === "pkits" ? pkitsCases(opts.pkits ?? loadPkits(opts.pkitsDir)) : sortByGroup(multidomainCases()).map(multidomainCaseBytes);
}

export interface LimboExportSummary {
  files: string[];
  counts: Record<string, { written: number; unexpressed: number }>;
}

/**
 * `certpath testsuite export DIR --format limbo`: each suite as DIR/<suite>.limbo.json
 * (x509-limbo, version 1) and the cases the format cannot express, with the reasons, in
 * DIR/<suite>.limbo-unexpressed.json.
 */
export function exportLimbo(dir: string, opts: ExportOptions = {}): LimboExportSummary {
  mkdirSync(dir, { recursive: true });
  const out: LimboExportSummary = { files: [], counts: {} };
  for (const suite of opts.suites ?? EXPORTABLE_SUITES) {
    const { file, unexpressed } = toLimbo(suite, suiteCaseBytes(suite, opts).map(portableOf));
    const main = join(dir, `${suite}.limbo.json`);
    const side = join(dir, `${suite}.limbo-unexpressed.json`);
    writeFileSync(main, JSON.stringify(file, null, 1) + "\n");
    writeFileSync(side, JSON.stringify({ suite, note: "cases x509-limbo cannot express, with what they need", cases: unexpressed }, null, 1) + "\n");
    out.files.push(main, side);
    out.counts[suite] = { written: file.testcases.length, unexpressed: unexpressed.length };
  }
  return out;
}

// ---------------------------------------------------------------------------
// Re-import

export interface ExportedCase {
  entry: ExportedCaseEntry;
  target: Uint8Array;
  intermediates: Uint8Array[];
  anchors: Uint8Array[];
  crls: Uint8Array[];
  ocsp: Uint8Array[];
}

/** Reads an exported directory back: every case of manifest.json with its files (DER). */
export function loadExported(dir: string, filter?: (e: ExportedCaseEntry) => boolean): { manifest: ExportManifest; cases: ExportedCase[] } {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ExportManifest;
  if (manifest.format !== EXPORT_FORMAT) throw new Error(`${dir}/manifest.json: format ${manifest.format}, expected ${EXPORT_FORMAT}`);
  const cases: ExportedCase[] = [];
  for (const entry of manifest.cases) {
    if (filter && !filter(entry)) continue;
    const base = join(dir, entry.dir);
    const read = (f: string) => new Uint8Array(readFileSync(join(base, f)));
    cases.push({
      entry,
      target: read(entry.files.target),
      intermediates: entry.files.intermediates.map(read),
      anchors: entry.files.anchors.map(read),
      crls: entry.files.crls.map(read),
      ocsp: entry.files.ocsp.map(read),
    });
  }
  return { manifest, cases };
}

/**
 * Runs one exported case through `verify` (inputs exactly as certpath's suites pass them)
 * and compares verdict, policy set (as a set), the path's subjects and the error code
 * where the entry gives them.
 */
export async function runExportedCase(c: ExportedCase, verify: VerifyFn): Promise<CaseResult> {
  const e = c.entry;
  const expected = { valid: e.expect.valid, policies: [...e.expect.userConstrainedPolicySet] };
  let got: CaseOutcome;
  let passed = false;
  const t0 = performance.now();
  try {
    const r = await verify({
      target: c.target.slice(),
      intermediates: c.intermediates.map((d) => d.slice()),
      trustAnchors: c.anchors.map((d) => d.slice()),
      time: new Date(e.validationTime),
      policy: { ...e.settings } as PolicyOptions,
      revocation: { mode: e.revocation.mode, crls: c.crls.map((d) => d.slice()), ocspResponses: c.ocsp.map((d) => d.slice()) },
      ...(e.limits ? { limits: { ...e.limits } } : {}),
    });
    got = { valid: r.valid, policies: [...(r.policies ?? [])] };
    if (r.error) got.error = { code: r.error.code, message: r.error.message, ...(r.error.certIndex !== undefined ? { certIndex: r.error.certIndex } : {}) };
    passed = r.valid === expected.valid && (!expected.valid || sameSet(got.policies, expected.policies));
    if (passed && e.expect.valid && e.expect.path) {
      const subjects = r.path.map((p) => p.subject);
      if (subjects.join(" | ") !== e.expect.path.join(" | ")) {
        passed = false;
        got.error = { code: "WRONG_PATH", message: `expected ${e.expect.path.join(" | ")}, got ${subjects.join(" | ")}` };
      }
    }
    if (passed && !e.expect.valid && e.expect.errorCode && r.error?.code !== e.expect.errorCode) {
      passed = false;
      got.error = { code: r.error?.code ?? "NONE", message: `${r.error?.message ?? "no error"} (expected error code ${e.expect.errorCode})` };
    }
  } catch (err) {
    got = { valid: "threw", policies: [], error: { code: "THREW", message: String((err as Error)?.message ?? err) } };
  }
  return { suite: `${e.suite} (exported)`, id: e.id, title: e.title, section: e.section, passed, expected, got, ms: performance.now() - t0 };
}
