// The x509-limbo suite format (C2SP/x509-limbo, schema version 1), both ways:
//
// - import: `certpath conformance --suite FILE` runs a limbo JSON file as a suite. Each
//   testcase's `peer_certificate`, `untrusted_intermediates`, `trusted_certs`,
//   `validation_time`, `extended_key_usage`, `max_chain_depth` and `crls` become the verify
//   inputs; `expected_result` the expected verdict. What certpath has no input for (peer
//   names, key-usage or signature-algorithm constraints) makes the case "skipped", counted
//   and listed, never silently passed.
// - export: `certpath testsuite export DIR --format limbo` writes each suite as
//   DIR/<suite>.limbo.json, and lists the cases the format cannot express (policy inputs,
//   OCSP responses, soft-fail or no-data hard-fail revocation, work limits other than the
//   depth) in DIR/<suite>.limbo-unexpressed.json.
//
// Mapping choices: a case with `crls` runs with hard-fail revocation over those CRLs (a
// limbo harness given CRLs checks every certificate of the chain); without them, no
// revocation checking. `validation_kind` is CLIENT with no expected peer name: the suite
// validates paths, not host names. `max_chain_depth` is certpath's `limits.maxDepth`.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Limits, VerifyOptions } from "certpath";
import { toPem } from "./generate/asn.js";
import { summarize, type CaseOutcome, type CaseResult, type ConformanceSuite, type VerifyFn } from "./suite.js";

export const ANY_POLICY = "2.5.29.32.0";

/** One limbo testcase (the fields this module reads or writes). */
export interface LimboTestcase {
  id: string;
  description: string;
  features?: string[];
  validation_kind: "CLIENT" | "SERVER";
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  peer_certificate_key?: string | null;
  validation_time?: string | null;
  signature_algorithms: string[];
  key_usage: string[];
  extended_key_usage: string[];
  expected_result: "SUCCESS" | "FAILURE";
  expected_peer_name?: { kind: string; value: string } | null;
  expected_peer_names: { kind: string; value: string }[];
  max_chain_depth?: number | null;
  crls?: string[];
  conflicts_with?: string[];
}

export interface LimboFile {
  version: 1;
  testcases: LimboTestcase[];
}

/** Extended key usage names of the limbo schema (RFC 5280 4.2.1.12). */
const LIMBO_EKUS: Record<string, string> = {
  anyExtendedKeyUsage: "2.5.29.37.0",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
  OCSPSigning: "1.3.6.1.5.5.7.3.9",
};
const EKU_NAME_BY_OID = Object.fromEntries(Object.entries(LIMBO_EKUS).map(([n, o]) => [o, n]));

/** A case in certpath's terms, as both directions need it. */
export interface PortableCase {
  id: string;
  title: string;
  /** The limbo description, when the case was read from a limbo file (kept on export). */
  description?: string;
  target: Uint8Array;
  intermediates: Uint8Array[];
  anchors: Uint8Array[];
  crls: Uint8Array[];
  ocsp: Uint8Array[];
  validationTime: string;
  settings: { initialPolicySet: string[]; initialExplicitPolicy: boolean; initialPolicyMappingInhibit: boolean; initialInhibitAnyPolicy: boolean };
  revocation: "none" | "soft" | "hard";
  extendedKeyUsage?: string[];
  limits?: Limits;
  expectValid: boolean;
}

/** Why a case cannot be written as a limbo testcase (empty: it can). */
export function unexpressible(c: PortableCase): string[] {
  const why: string[] = [];
  const s = c.settings;
  if (!(s.initialPolicySet.length === 0 || (s.initialPolicySet.length === 1 && s.initialPolicySet[0] === ANY_POLICY)))
    why.push(`initial policy set {${s.initialPolicySet.join(", ")}}`);
  if (s.initialExplicitPolicy) why.push("initial-explicit-policy");
  if (s.initialPolicyMappingInhibit) why.push("initial-policy-mapping-inhibit");
  if (s.initialInhibitAnyPolicy) why.push("initial-any-policy-inhibit");
  if (c.ocsp.length > 0) why.push("stapled OCSP responses");
  if (c.revocation === "soft") why.push("soft-fail revocation");
  if (c.revocation === "hard" && c.crls.length === 0) why.push("hard-fail revocation without CRLs");
  if (c.revocation === "none" && c.crls.length > 0) why.push("CRLs given but revocation not checked");
  for (const k of Object.keys(c.limits ?? {})) if (k !== "maxDepth") why.push(`work limit ${k}`);
  return why;
}

const LIMBO_ID = /^([A-Za-z][A-Za-z0-9-.]+::)*([A-Za-z][A-Za-z0-9-.]+)$/;
/** A limbo id (schema pattern) for a case: kept when it already is one, else certpath::SUITE::ID. */
const limboId = (suite: string, id: string) =>
  LIMBO_ID.test(id) && id.includes("::") ? id : `certpath::${suite.replace(/[^A-Za-z0-9.-]+/g, "-")}::${/^[A-Za-z]/.test(id) ? "" : "c"}${id.replace(/[^A-Za-z0-9.-]+/g, "-")}`;

/** Writes cases as a limbo file; returns it and the cases left out with their reasons. */
export function toLimbo(suite: string, cases: readonly PortableCase[]): { file: LimboFile; unexpressed: { id: string; reasons: string[] }[] } {
  const testcases: LimboTestcase[] = [];
  const unexpressed: { id: string; reasons: string[] }[] = [];
  for (const c of cases) {
    const why = unexpressible(c);
    if (why.length) {
      unexpressed.push({ id: c.id, reasons: why });
      continue;
    }
    const tc: LimboTestcase = {
      id: limboId(suite, c.id),
      description: c.description ?? `${c.id}: ${c.title}`,
      validation_kind: "CLIENT",
      trusted_certs: c.anchors.map((d) => toPem(d, "CERTIFICATE")),
      untrusted_intermediates: c.intermediates.map((d) => toPem(d, "CERTIFICATE")),
      peer_certificate: toPem(c.target, "CERTIFICATE"),
      validation_time: new Date(c.validationTime).toISOString(),
      signature_algorithms: [],
      key_usage: [],
      extended_key_usage: (c.extendedKeyUsage ?? []).map((o) => EKU_NAME_BY_OID[o] ?? o),
      expected_result: c.expectValid ? "SUCCESS" : "FAILURE",
      expected_peer_name: null,
      expected_peer_names: [],
      max_chain_depth: c.limits?.maxDepth ?? null,
    };
    if (c.crls.length) tc.crls = c.crls.map((d) => toPem(d, "X509 CRL"));
    testcases.push(tc);
  }
  return { file: { version: 1, testcases }, unexpressed };
}

/** What certpath cannot check in a limbo testcase (the case is then skipped). */
export function unsupportedByCertpath(t: LimboTestcase): string[] {
  const why: string[] = [];
  if (t.expected_peer_name || (t.expected_peer_names ?? []).length > 0) why.push("peer name matching");
  if ((t.key_usage ?? []).length > 0) why.push("key usage constraints on the peer");
  if ((t.signature_algorithms ?? []).length > 0) why.push("signature algorithm constraints");
  return why;
}

/** The DER of the one PEM block in `pem` (RFC 7468). */
function der(pem: string, what: string): Uint8Array {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m) throw new Error(`${what}: no PEM block`);
  return new Uint8Array(Buffer.from(m[2]!.replace(/\s+/g, ""), "base64"));
}

/** A limbo testcase as certpath inputs (throws on a testcase that is not well-formed). */
export function fromLimboTestcase(t: LimboTestcase): PortableCase {
  const crls = (t.crls ?? []).map((p, i) => der(p, `${t.id}: crls[${i}]`));
  return {
    id: t.id,
    title: t.description,
    description: t.description,
    target: der(t.peer_certificate, `${t.id}: peer_certificate`),
    intermediates: t.untrusted_intermediates.map((p, i) => der(p, `${t.id}: untrusted_intermediates[${i}]`)),
    anchors: t.trusted_certs.map((p, i) => der(p, `${t.id}: trusted_certs[${i}]`)),
    crls,
    ocsp: [],
    validationTime: t.validation_time ?? new Date().toISOString(),
    settings: { initialPolicySet: [ANY_POLICY], initialExplicitPolicy: false, initialPolicyMappingInhibit: false, initialInhibitAnyPolicy: false },
    revocation: crls.length ? "hard" : "none",
    ...(t.extended_key_usage.length ? { extendedKeyUsage: t.extended_key_usage.map((e) => LIMBO_EKUS[e] ?? e) } : {}),
    ...(t.max_chain_depth !== undefined && t.max_chain_depth !== null ? { limits: { maxDepth: t.max_chain_depth } } : {}),
    expectValid: t.expected_result === "SUCCESS",
  };
}

/** Reads and checks a limbo file. */
export function readLimbo(file: string): LimboFile {
  const data = JSON.parse(readFileSync(file, "utf8")) as LimboFile;
  if (!data || data.version !== 1 || !Array.isArray(data.testcases)) throw new Error(`${file}: not an x509-limbo file (expected {"version": 1, "testcases": [...]})`);
  return data;
}

/** The verify options of a portable case. */
export function verifyOptionsOfPortable(c: PortableCase): VerifyOptions {
  return {
    target: c.target.slice(),
    intermediates: c.intermediates.map((d) => d.slice()),
    trustAnchors: c.anchors.map((d) => d.slice()),
    time: new Date(c.validationTime),
    policy: { ...c.settings, initialPolicySet: [...c.settings.initialPolicySet] },
    revocation: { mode: c.revocation, crls: c.crls.map((d) => d.slice()), ocspResponses: c.ocsp.map((d) => d.slice()) },
    ...(c.extendedKeyUsage ? { extendedKeyUsage: [...c.extendedKeyUsage] } : {}),
    ...(c.limits ? { limits: { ...c.limits } } : {}),
  };
}

/** A suite whose cases are held as PortableCase (a limbo import): exportable as case files. */
export interface PortableSuite extends ConformanceSuite {
  portable: { description: string; cases: PortableCase[]; policiesChecked: boolean };
}

export function isPortableSuite(s: ConformanceSuite): s is PortableSuite {
  return (s as Partial<PortableSuite>).portable !== undefined;
}

export interface LimboSuite extends PortableSuite {
  /** The cases certpath runs (those it can check), in file order. */
  cases: PortableCase[];
  /** Testcases skipped, with what certpath cannot check. */
  skipped: { id: string; reasons: string[] }[];
}

/** A limbo file as a conformance suite named after the file. */
export function limboSuite(file: string): LimboSuite {
  const data = readLimbo(file);
  const cases: PortableCase[] = [];
  const skipped: { id: string; reasons: string[] }[] = [];
  for (const t of data.testcases) {
    const why = unsupportedByCertpath(t);
    if (why.length) skipped.push({ id: t.id, reasons: why });
    else cases.push(fromLimboTestcase(t));
  }
  const name = basename(file).replace(/\.json$/i, "");
  const description = `x509-limbo file ${file}: ${cases.length} testcases${skipped.length ? `, ${skipped.length} skipped (${[...new Set(skipped.flatMap((s) => s.reasons))].join(", ")})` : ""}`;
  return {
    name,
    description,
    cases,
    skipped,
    portable: { description, cases, policiesChecked: false },
    async run(verify: VerifyFn) {
      const t0 = performance.now();
      const results: CaseResult[] = [];
      for (const c of cases) results.push(await runPortableCase(name, c, verify));
      return summarize(name, description, results, performance.now() - t0);
    },
  };
}

export async function runPortableCase(suite: string, c: PortableCase, verify: VerifyFn): Promise<CaseResult> {
  const expected = { valid: c.expectValid, policies: c.expectValid ? [ANY_POLICY] : [] };
  const t0 = performance.now();
  let got: CaseOutcome;
  let passed = false;
  try {
    const r = await verify(verifyOptionsOfPortable(c));
    got = { valid: r.valid, policies: [...(r.policies ?? [])] };
    if (r.error) got.error = { code: r.error.code, message: r.error.message, ...(r.error.certIndex !== undefined ? { certIndex: r.error.certIndex } : {}) };
    passed = r.valid === c.expectValid;
  } catch (e) {
    got = { valid: "threw", policies: [], error: { code: "THREW", message: String((e as Error)?.message ?? e) } };
  }
  return { suite, id: c.id, title: c.title, section: "x509-limbo", passed, expected, got, ms: performance.now() - t0 };
}
