// `certpath verify`: files and flags in, one `verify` call, a report out (contract.md, "CLI").

import { EKU_BY_NAME } from "../parsing/oids.js";
import { createHash } from "node:crypto";
import type { Input, VerifyOptions, VerifyResult, RevocationOptions, PolicyOptions, Limits, FetchOptions, CertificateStatus } from "../api/types.js";
import { DirectoryIssuerSource } from "../stores/directory.js";
import type { IssuerSource } from "../stores/issuer-source.js";
import { formatOptions, isOid, parseArgs, parseIsoTime, parsePositiveInt, UsageError, type OptionSpec, type ParsedArgs } from "./args.js";
import { EXIT, type CliDeps } from "./common.js";
import { FileError, readInputs, readOcspInputs, type ReadFile } from "./inputs.js";
import { parseProxyUrl } from "../stores/proxy.js";
import { isLdapUrl } from "../stores/ldap-url.js";

export const VERIFY_OPTIONS: readonly OptionSpec[] = [
  { name: "anchor", kind: "list", valueName: "FILE", help: "trust anchor certificate(s), DER or PEM (required, repeatable)" },
  { name: "untrusted", kind: "list", valueName: "FILE", help: "untrusted intermediate certificate(s), any order" },
  { name: "untrusted-dir", kind: "list", valueName: "DIR", help: "a directory of certificate files (.cer .crt .der .pem .p7c .p7b) searched for issuers (repeatable)" },
  { name: "crl", kind: "list", valueName: "FILE", help: "CRL(s), DER or PEM" },
  { name: "ocsp-response", kind: "list", valueName: "FILE", help: "DER OCSP response(s) " },
  { name: "revocation", kind: "value", choices: ["none", "soft", "hard"], help: "revocation checking mode (library default: none)" },
  { name: "revocation-preference", kind: "value", choices: ["ocsp-first", "crl-first", "ocsp-only", "crl-only"], help: "which source answers first; -only skips the other (default ocsp-first)" },
  { name: "fetch", kind: "flag", help: "fetch missing issuers, CRLs and OCSP answers online (AIA, SIA, CRL distribution points)" },
  { name: "fetch-timeout-ms", kind: "value", valueName: "N", help: "with --fetch: timeout of each request, ms (default 5000)" },
  { name: "fetch-max-bytes", kind: "value", valueName: "N", help: "with --fetch: largest response accepted, bytes (default 4194304)" },
  { name: "allow-host", kind: "list", valueName: "HOST", help: "with --fetch: contact only these hosts (host or host:port; repeatable)" },
  { name: "ocsp-method", kind: "value", choices: ["auto", "get", "post"], help: "with --fetch: how OCSP requests are sent (default auto: GET when short)" },
  { name: "no-ocsp-nonce", kind: "flag", help: "with --fetch: send OCSP requests without a nonce" },
  { name: "proxy", kind: "value", valueName: "URL", help: "with --fetch: an http://host:port forward proxy for every fetch (default: HTTP_PROXY, HTTPS_PROXY, LDAP_PROXY, ALL_PROXY, NO_PROXY)" },
  { name: "allow-private-addresses", kind: "flag", help: "with --fetch: allow loopback and private addresses (refused by default)" },
  { name: "ldap-directory", kind: "list", valueName: "URL", help: "with --fetch: ldap://host[:port]/base: read issuers' entries by name there (repeatable)" },
  { name: "ldap-follow-referrals", kind: "flag", help: "with --fetch: follow LDAP referrals (each hop checked like the first)" },
  { name: "at", kind: "value", valueName: "ISO8601", help: "validation time, e.g. 2011-04-15T00:00:00Z (default: now; no zone = UTC)" },
  { name: "policy", kind: "list", valueName: "OID", help: "initial policy set (repeatable or comma-separated; default anyPolicy)" },
  { name: "explicit-policy", kind: "flag", help: "initial-explicit-policy" },
  { name: "inhibit-mapping", kind: "flag", help: "initial-policy-mapping-inhibit" },
  { name: "inhibit-any", kind: "flag", help: "initial-any-policy-inhibit" },
  { name: "eku", kind: "list", valueName: "OID", help: "extended key usage the target must allow (OID or serverAuth, clientAuth, ...)" },
  { name: "enforce-anchor-constraints", kind: "flag", help: "apply the anchor certificate's own constraints (RFC 5937; the default, kept for old scripts)" },
  { name: "no-anchor-constraints", kind: "flag", help: "ignore the anchor certificate's own validity and constraints: an anchor is a name and a key" },
  { name: "profile", kind: "value", choices: ["rfc5280", "strict"], help: "certificate profile: rfc5280 (default; strict rules a path breaks are listed as deviations) or strict" },
  { name: "max-name-constraint-checks", kind: "value", valueName: "N", help: "limit: most name-constraint comparisons" },
  { name: "max-depth", kind: "value", valueName: "N", help: "limit: most certificates in a path, anchor excluded" },
  { name: "max-signature-checks", kind: "value", valueName: "N", help: "limit: most signature verifications" },
  { name: "max-candidate-paths", kind: "value", valueName: "N", help: "limit: most candidate paths validated" },
  { name: "max-steps", kind: "value", valueName: "N", help: "limit: most issuer edges the search walks" },
  { name: "timeout-ms", kind: "value", valueName: "N", help: "limit: wall-clock milliseconds" },
  { name: "json", kind: "flag", help: 'print one JSON object {"valid","path":[{"subject","sha256"}],"policies","error"} (plus "revocation", "warnings", "fetched" when reported)' },
  { name: "help", kind: "flag", short: "h", help: "show this help" },
];

export const VERIFY_USAGE = `Usage: certpath verify TARGET --anchor FILE [--anchor FILE ...]
  [--untrusted FILE ...] [--crl FILE ...] [--ocsp-response FILE ...]
  [--revocation none|soft|hard] [--fetch]
  [--at ISO8601] [--policy OID ...] [--explicit-policy]
  [--inhibit-mapping] [--inhibit-any] [--eku OID ...]
  [--no-anchor-constraints] [--profile rfc5280|strict] [--json]
  [--untrusted-dir DIR ...] [--revocation-preference P] [--max-steps N]
  [--fetch-timeout-ms N] [--fetch-max-bytes N] [--allow-host HOST ...]
  [--ocsp-method auto|get|post] [--no-ocsp-nonce] [--proxy URL]
  [--allow-private-addresses] [--ldap-directory URL ...] [--ldap-follow-referrals]`;

export function verifyHelp(): string {
  return `${VERIFY_USAGE}

Validates the certificate in TARGET (RFC 5280): builds a path through the --untrusted
certificates to one of the --anchor certificates and validates it at --at.
Each FILE may be DER or PEM; a PEM file may hold several certificates or CRLs. If TARGET
is a PEM file with several certificates, the first is the target and the others are
added to the untrusted certificates.

Options:
${formatOptions(VERIFY_OPTIONS)}

Exit status: 0 valid, 1 invalid, 2 usage error or unreadable file, 3 internal error.
`;
}

const ANY_POLICY = "2.5.29.32.0";
const POLICY_NAMES: Record<string, string> = { anyPolicy: ANY_POLICY };
const EKU_NAMES = EKU_BY_NAME;

function oidList(parsed: ParsedArgs, name: string, names: Record<string, string>): string[] | undefined {
  const raw = parsed.lists.get(name);
  if (!raw) return undefined;
  const out: string[] = [];
  for (const item of raw.flatMap((v) => v.split(","))) {
    const v = item.trim();
    const oid = names[v] ?? v;
    if (!isOid(oid)) {
      const known = Object.keys(names);
      throw new UsageError(`--${name}: "${v}" is not a dotted OID${known.length ? ` or one of ${known.join(", ")}` : ""}`);
    }
    if (!out.includes(oid)) out.push(oid);
  }
  return out;
}

/** Opens a directory of certificates as an issuer source (throws when it cannot be read). */
export type OpenDir = (dir: string) => IssuerSource & { report?: DirectoryIssuerSource["report"] };

const openDirectory: OpenDir = (dir) => new DirectoryIssuerSource(dir);

/** The FetchOptions flags (meaningful with --fetch only). */
const FETCH_FLAGS = ["fetch-timeout-ms", "fetch-max-bytes", "allow-host", "ocsp-method", "no-ocsp-nonce", "proxy", "allow-private-addresses", "ldap-directory", "ldap-follow-referrals"] as const;

export interface BuiltOptions {
  options: VerifyOptions;
  /** Remarks for stderr (never on stdout, so --json output stays one object). */
  notes: string[];
}

/** Maps parsed arguments to the library's VerifyOptions, reading the named files. */
export function buildVerifyOptions(parsed: ParsedArgs, readFile: ReadFile, openDir: OpenDir = openDirectory): BuiltOptions {
  const notes: string[] = [];
  if (parsed.positionals.length === 0) throw new UsageError("missing TARGET certificate file");
  if (parsed.positionals.length > 1) throw new UsageError(`expected one TARGET, got ${parsed.positionals.length}: ${parsed.positionals.join(" ")}`);
  const anchorFiles = parsed.lists.get("anchor") ?? [];
  if (anchorFiles.length === 0) throw new UsageError("at least one --anchor FILE is required");

  // Validate every flag before touching the file system.
  const time = parsed.values.has("at") ? parseIsoTime(parsed.values.get("at")!) : undefined;
  const policySet = oidList(parsed, "policy", POLICY_NAMES);
  const eku = oidList(parsed, "eku", EKU_NAMES);
  const limits: Limits = {};
  const limitFlags = [
    ["max-depth", "maxDepth"],
    ["max-signature-checks", "maxSignatureChecks"],
    ["max-candidate-paths", "maxCandidatePaths"],
    ["max-steps", "maxSteps"],
    ["timeout-ms", "timeoutMs"],
    ["max-name-constraint-checks", "maxNameConstraintChecks"],
  ] as const;
  for (const [flag, key] of limitFlags) {
    const v = parsed.values.get(flag);
    if (v !== undefined) limits[key] = parsePositiveInt(flag, v);
  }
  const fetchPolicy: FetchOptions = {};
  const fetchTimeout = parsed.values.get("fetch-timeout-ms");
  if (fetchTimeout !== undefined) fetchPolicy.timeoutMs = parsePositiveInt("fetch-timeout-ms", fetchTimeout);
  const fetchMaxBytes = parsed.values.get("fetch-max-bytes");
  if (fetchMaxBytes !== undefined) fetchPolicy.maxBytes = parsePositiveInt("fetch-max-bytes", fetchMaxBytes);
  const allowHosts = parsed.lists.get("allow-host");
  if (allowHosts) fetchPolicy.allowHosts = allowHosts;
  const ocspMethod = parsed.values.get("ocsp-method");
  if (ocspMethod) fetchPolicy.ocspMethod = ocspMethod as FetchOptions["ocspMethod"];
  if (parsed.flags.has("no-ocsp-nonce")) fetchPolicy.ocspNonce = false;
  const proxy = parsed.values.get("proxy");
  if (proxy !== undefined) {
    try {
      parseProxyUrl(proxy, "--proxy");
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    fetchPolicy.proxy = proxy;
  }
  if (parsed.flags.has("allow-private-addresses")) fetchPolicy.allowPrivateAddresses = true;
  const directories = parsed.lists.get("ldap-directory");
  if (directories || parsed.flags.has("ldap-follow-referrals")) {
    for (const d of directories ?? [])
      if (!isLdapUrl(d)) throw new UsageError(`--ldap-directory: "${d}" is not an ldap:// or ldaps:// URL`);
    fetchPolicy.ldap = { ...(directories ? { directories } : {}), ...(parsed.flags.has("ldap-follow-referrals") ? { followReferrals: true } : {}) };
  }

  const targetInputs = readInputs(parsed.positionals[0]!, "certificate", readFile);
  const trustAnchors = anchorFiles.flatMap((f) => readInputs(f, "certificate", readFile));
  const untrusted = (parsed.lists.get("untrusted") ?? []).flatMap((f) => readInputs(f, "certificate", readFile));
  const crls = (parsed.lists.get("crl") ?? []).flatMap((f) => readInputs(f, "crl", readFile));
  const ocspResponses = (parsed.lists.get("ocsp-response") ?? []).flatMap((f) => readOcspInputs(f, readFile));
  const issuerSources = (parsed.lists.get("untrusted-dir") ?? []).map((dir) => {
    let source: ReturnType<OpenDir>;
    try {
      source = openDir(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException)?.code;
      const why = code === "ENOENT" ? "no such directory" : code === "ENOTDIR" ? "not a directory" : code === "EACCES" ? "permission denied" : String((e as Error)?.message ?? e);
      throw new FileError(`cannot read directory ${dir}: ${why}`);
    }
    for (const s of source.report?.skipped ?? []) notes.push(`--untrusted-dir: skipped ${s.file}: ${s.reason}`);
    return source;
  });

  const target = targetInputs[0]!;
  const intermediates: Input[] = [...targetInputs.slice(1), ...untrusted];
  if (targetInputs.length > 1) notes.push(`TARGET holds ${targetInputs.length} certificates: the first is the target, the others are used as untrusted certificates`);

  const options: VerifyOptions = { target, trustAnchors };
  if (intermediates.length > 0) options.intermediates = intermediates;
  if (time) options.time = time;

  const policy: PolicyOptions = {};
  if (policySet) policy.initialPolicySet = policySet;
  if (parsed.flags.has("explicit-policy")) policy.explicitPolicy = true;
  if (parsed.flags.has("inhibit-mapping")) policy.policyMappingInhibit = true;
  if (parsed.flags.has("inhibit-any")) policy.anyPolicyInhibit = true;
  if (Object.keys(policy).length > 0) options.policy = policy;

  const revocation: RevocationOptions = {};
  if (crls.length > 0) revocation.crls = crls;
  if (ocspResponses.length > 0) revocation.ocspResponses = ocspResponses;
  const mode = parsed.values.get("revocation");
  if (mode) revocation.mode = mode as RevocationOptions["mode"];
  if (parsed.flags.has("fetch")) revocation.fetch = true;
  const preference = parsed.values.get("revocation-preference");
  if (preference) revocation.preference = preference as RevocationOptions["preference"];
  if (Object.keys(revocation).length > 0) options.revocation = revocation;
  if (!mode && (crls.length > 0 || ocspResponses.length > 0 || parsed.flags.has("fetch") || preference)) {
    notes.push("revocation data given without --revocation soft|hard: the library default (none) does not check revocation");
  }
  if (Object.keys(fetchPolicy).length > 0) {
    options.fetchPolicy = fetchPolicy;
    if (!parsed.flags.has("fetch")) {
      const given = FETCH_FLAGS.filter((f) => parsed.values.has(f) || parsed.lists.has(f) || parsed.flags.has(f)).map((f) => `--${f}`);
      notes.push(`${given.join(", ")} without --fetch: nothing is fetched, so ${given.length > 1 ? "they have" : "it has"} no effect`);
    }
  }
  if (issuerSources.length > 0) options.issuerSources = issuerSources;

  if (eku) options.extendedKeyUsage = eku;
  if (parsed.flags.has("enforce-anchor-constraints") && parsed.flags.has("no-anchor-constraints"))
    throw new UsageError("--enforce-anchor-constraints and --no-anchor-constraints contradict each other");
  if (parsed.flags.has("enforce-anchor-constraints")) options.enforceAnchorConstraints = true;
  if (parsed.flags.has("no-anchor-constraints")) options.enforceAnchorConstraints = false;
  const profile = parsed.values.get("profile");
  if (profile) options.profile = profile as VerifyOptions["profile"];
  if (Object.keys(limits).length > 0) options.limits = limits;
  return { options, notes };
}

/** A CertificateStatus with its time as an ISO 8601 string. */
export interface JsonCertificateStatus {
  certIndex: number;
  status: CertificateStatus["status"];
  source?: string;
  revocationTime?: string;
  reason?: string;
}

export interface JsonReport {
  valid: boolean;
  path: { subject: string; sha256: string }[];
  policies: string[];
  error: { code: string; message: string; certIndex?: number } | null;
  // Added after the contract's four fields, each only when the library reports it:
  /** The revocation status of each path certificate (with --revocation soft|hard). */
  revocation?: JsonCertificateStatus[];
  /** Non-fatal observations, when there are some. */
  warnings?: string[];
  /** With --fetch: each URL fetched or failed, and why. */
  fetched?: string[];
  /** Strict-profile rules the valid path breaks (default profile), when there are some. */
  deviations?: { certIndex: number; rule: string; section: string; crl?: string }[];
}

function jsonStatus(s: CertificateStatus): JsonCertificateStatus {
  const out: JsonCertificateStatus = { certIndex: s.certIndex, status: s.status };
  if (s.source !== undefined) out.source = s.source;
  if (s.revocationTime !== undefined) out.revocationTime = new Date(s.revocationTime).toISOString();
  if (s.reason !== undefined) out.reason = s.reason;
  return out;
}

export function sha256Hex(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("hex");
}

/** The contract's JSON object; "error" is always present, null for a valid result. */
export function toJsonReport(r: VerifyResult): JsonReport {
  let error: JsonReport["error"] = null;
  if (!r.valid) {
    const e = r.error;
    error = { code: e?.code ?? "UNKNOWN", message: e?.message ?? "invalid (no error given)" };
    if (e?.certIndex !== undefined) error.certIndex = e.certIndex;
  }
  const report: JsonReport = {
    valid: r.valid === true,
    path: (r.path ?? []).map((p) => ({ subject: p.subject, sha256: sha256Hex(p.der) })),
    policies: [...(r.policies ?? [])],
    error,
  };
  if (r.revocation) report.revocation = r.revocation.map(jsonStatus);
  if (r.warnings && r.warnings.length > 0) report.warnings = [...r.warnings];
  if (r.fetched) report.fetched = [...r.fetched];
  if (r.deviations && r.deviations.length > 0) report.deviations = r.deviations.map((d) => ({ ...d }));
  return report;
}

/** The human-readable report. */
export function formatReport(r: VerifyResult): string {
  const lines: string[] = [];
  const path = r.path ?? [];
  lines.push(r.valid ? "VALID" : "INVALID");
  if (path.length > 0) {
    lines.push(r.valid ? "path (target first, trust anchor last):" : "best candidate path (target first):");
    path.forEach((p, i) => {
      const role = i === 0 ? "target" : r.valid && i === path.length - 1 ? "trust anchor" : "issuer";
      const mark = !r.valid && r.error?.certIndex === i ? "  <-- failed here" : "";
      lines.push(`  [${i}] ${p.subject}  (${role}, sha256 ${sha256Hex(p.der).slice(0, 16)}...)${mark}`);
    });
  } else {
    lines.push("path: none");
  }
  if (r.valid) lines.push(`policies: ${(r.policies ?? []).length > 0 ? r.policies.join(", ") : "(none)"}`);
  if (r.deviations && r.deviations.length > 0) {
    // The path is valid in the default profile but would fail --profile strict.
    lines.push(`deviations: ${r.deviations.length} strict-profile rule(s) broken (valid under rfc5280, invalid under --profile strict):`);
    for (const d of r.deviations) lines.push(`  [${d.certIndex}] ${path[d.certIndex]?.subject ?? ""}: ${d.rule} (${d.section})${d.crl ? ` in ${d.crl}` : ""}`);
  }
  if (!r.valid) {
    const e = r.error;
    lines.push(`error: ${e?.code ?? "UNKNOWN"}: ${e?.message ?? "(no message)"}`);
    if (e?.certIndex !== undefined) {
      const subj = path[e.certIndex]?.subject;
      lines.push(`  at certificate [${e.certIndex}]${subj ? ` ${subj}` : ""}`);
    }
  }
  if (r.revocation && r.revocation.length > 0) {
    lines.push("revocation:");
    for (const s of r.revocation) {
      let l = `  [${s.certIndex}] ${s.status}`;
      if (s.revocationTime) l += ` at ${new Date(s.revocationTime).toISOString()}`;
      if (s.reason) l += ` (${s.reason})`;
      if (s.source) l += ` - ${s.source}`;
      lines.push(l);
    }
  }
  if (r.candidates && r.candidates.length > 0) {
    lines.push(`candidate paths tried: ${r.candidates.length}`);
    r.candidates.forEach((c, i) => {
      const verdict = c.error ? `${c.error.code}: ${c.error.message}${c.error.certIndex !== undefined ? ` (at [${c.error.certIndex}])` : ""}` : "valid";
      lines.push(`  ${i + 1}. ${c.path.join(" -> ")}`);
      lines.push(`     ${verdict}`);
    });
  }
  if (r.warnings && r.warnings.length > 0) {
    lines.push("warnings:");
    for (const w of r.warnings) lines.push(`  - ${w}`);
  }
  if (r.fetched && r.fetched.length > 0) {
    lines.push("fetched:");
    for (const f of r.fetched) lines.push(`  - ${f}`);
  }
  if (r.spent) {
    const s = r.spent;
    lines.push(`work: ${s.signatureChecks} signature checks, ${s.candidatePaths} candidate paths, depth ${s.maxDepthReached}, ${s.elapsedMs.toFixed(1)} ms`);
  }
  return lines.join("\n") + "\n";
}

export async function verifyCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { io } = deps;
  let built: BuiltOptions;
  let json = false;
  try {
    const parsed = parseArgs(argv, VERIFY_OPTIONS);
    if (parsed.flags.has("help")) {
      io.stdout(verifyHelp());
      return EXIT.VALID;
    }
    json = parsed.flags.has("json");
    built = buildVerifyOptions(parsed, io.readFile);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`certpath verify: ${e.message}\n${VERIFY_USAGE}\nTry 'certpath verify --help'.\n`);
      return EXIT.USAGE;
    }
    if (e instanceof FileError) {
      io.stderr(`certpath verify: ${e.message}\n`);
      return EXIT.USAGE;
    }
    throw e;
  }
  for (const n of built.notes) io.stderr(`certpath verify: note: ${n}\n`);

  let result: VerifyResult;
  try {
    if (deps.createVerifier) {
      // One verifier per invocation: the inputs are parsed and indexed once, then the target is validated.
      const { target, ...config } = built.options;
      result = await deps.createVerifier(config).verify(target);
    } else result = await deps.verify(built.options);
  } catch (e) {
    io.stderr(`certpath verify: internal error: verify threw: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.INTERNAL;
  }
  io.stdout(json ? JSON.stringify(toJsonReport(result)) + "\n" : formatReport(result));
  return result.valid === true ? EXIT.VALID : EXIT.INVALID;
}
