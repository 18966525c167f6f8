// `openssl verify` as an implementation under test.
//
// Per case, in the case folder:
//
//   openssl verify -no-CApath -no-CAstore -CAfile anchors.pem [-untrusted intermediates.pem]
//     -attime EPOCH -policy_check -policy OID ... [-explicit_policy] [-inhibit_map] [-inhibit_any]
//     -policy_print [-partial_chain]
//     [-crl_check_all -use_deltas -extended_crl [-CRLfile crls.pem]]  target.pem
//
// Choices (each one is what makes OpenSSL run the RFC 5280 6.1 algorithm on the case's inputs):
// - `-no-CApath -no-CAstore`: only the case's anchors are trusted, never the system store.
// - `-policy_check` always: without it OpenSSL skips policy processing altogether.
//   `-policy OID` for every OID of the initial policy set, anyPolicy included: an explicit
//   anyPolicy is the RFC input, and it makes `-policy_print` report the user-constrained set
//   (with no `-policy`, OpenSSL prints "User Policies: <empty>"). `-policy_print` writes the
//   authority- and user-constrained sets to stderr; we compare the user set with the expected
//   one for valid paths.
// - Revocation: `-crl_check_all` (every certificate of the chain, not `-crl_check`, which checks
//   only the end entity) when the case's mode is hard; a certificate without a CRL in scope
//   then fails ("unable to get certificate CRL"), which is hard-fail. `-use_deltas` and
//   `-extended_crl` turn on OpenSSL's delta-CRL and indirect-CRL / CRL-signing-key support
//   (RFC 5280 5.2.4, 5.3.3; off by default). Soft-fail has no OpenSSL equivalent: with CRLs
//   the case runs as hard-fail, without them unchecked, and the cell says so (`unsupported`).
//   Stapled OCSP responses cannot be given to `openssl verify`.
// - Not `-x509_strict`: it enforces the certificate profile (e.g. basicConstraints must be
//   critical in a CA certificate), which path validation must not; PKITS 4.6.4 ("Valid
//   basicConstraints Not Critical") fails with it (error 89).
// - `-partial_chain` when an anchor is not self-signed, so it can terminate the path.
//
// Output: "target.pem: OK" (exit 0), or "error N at D depth lookup: MESSAGE" (exit 2).

import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pemBundle } from "./cases.js";
import { spawnCollect } from "./spawn.js";
import { ANY_POLICY, workLimits, type ExplainContext, type ExportedCase, type Implementation, type RunOutcome } from "./types.js";

export interface OpensslOptions {
  /** The executable (default: $CERTPATH_OPENSSL or `openssl` on PATH). */
  bin?: string;
  /** Processes at once (default 2). */
  concurrency?: number;
  /** Per-process timeout (default 30 s). */
  timeoutMs?: number;
}

/** The argument list for one case (relative file names; run in the case folder). */
export function opensslArgs(c: ExportedCase, caseDir: string): { args: string[]; unsupported: string[] } {
  const args = ["verify", "-no-CApath", "-no-CAstore", "-CAfile", "anchors.pem"];
  const unsupported: string[] = [];
  if (pemBundle(caseDir, "intermediates.pem")) args.push("-untrusted", "intermediates.pem");
  args.push("-attime", String(Math.floor(new Date(c.validationTime).getTime() / 1000)));
  args.push("-policy_check");
  const set = c.settings.initialPolicySet.length > 0 ? c.settings.initialPolicySet : [ANY_POLICY];
  for (const oid of set) args.push("-policy", oid);
  if (c.settings.initialExplicitPolicy) args.push("-explicit_policy");
  if (c.settings.initialPolicyMappingInhibit) args.push("-inhibit_map");
  if (c.settings.initialInhibitAnyPolicy) args.push("-inhibit_any");
  args.push("-policy_print");
  // The chain it built (on success), for the report's pictures.
  args.push("-show_chain");
  if (c.files.anchors.some((f) => !selfSigned(join(caseDir, f)))) args.push("-partial_chain");
  const hasCrls = c.files.crls.length > 0 && pemBundle(caseDir, "crls.pem") !== undefined;
  const mode = c.revocation?.mode ?? "hard";
  if (mode === "hard" || (mode === "soft" && hasCrls)) {
    args.push("-crl_check_all", "-use_deltas", "-extended_crl");
    if (hasCrls) args.push("-CRLfile", "crls.pem");
    if (mode === "soft") unsupported.push("soft-fail revocation (run as hard-fail: a certificate without a CRL fails)");
  } else if (mode === "soft") {
    unsupported.push("soft-fail revocation (no CRLs: revocation not checked)");
  }
  if (mode !== "none" && c.files.ocsp.length > 0) unsupported.push("stapled OCSP responses (openssl verify takes none)");
  if (c.limits) unsupported.push(workLimits(c.limits));
  args.push("target.pem");
  return { args, unsupported };
}

function selfSigned(file: string): boolean {
  try {
    const x = new X509Certificate(readFileSync(file));
    return x.checkIssued(x) && x.verify(x.publicKey);
  } catch {
    // Node cannot parse or check it (e.g. DSA parameters): assume a root, as OpenSSL would.
    return true;
  }
}

/** Known OpenSSL names for policy OIDs printed by -policy_print. */
const POLICY_NAMES: Record<string, string> = { "X509v3 Any Policy": ANY_POLICY, "Any Policy": ANY_POLICY, anyPolicy: ANY_POLICY };

/** The "User Policies:" block of -policy_print (stderr); undefined when absent. */
export function parseUserPolicies(stderr: string): string[] | undefined {
  const lines = stderr.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith("User Policies:"));
  if (start === -1) return undefined;
  if (lines[start]!.includes("<empty>")) return [];
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith(" ")) break;
    const m = /^\s+Policy:\s*(.+?)\s*$/.exec(l);
    if (m) out.push(POLICY_NAMES[m[1]!] ?? m[1]!);
  }
  return out;
}

/** `-show_chain`'s "depth=N: SUBJECT (untrusted)" lines: the chain OpenSSL built, target first. */
export function opensslChain(stdout: string): string[] {
  return [...stdout.matchAll(/^depth=\d+: (.*?)(?: \(untrusted\))?\s*$/gm)].map((m) => m[1]!);
}

/** The subject OpenSSL prints on the line before "error N at D depth lookup": the certificate it stopped at. */
export function opensslStoppedAt(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const i = lines.findIndex((l) => /^error \d+ at \d+ depth lookup/.test(l));
  const prev = i > 0 ? lines[i - 1]!.trim() : "";
  return /^[A-Za-z0-9.]+ = /.test(prev) ? prev : undefined;
}

export interface OpensslError {
  code: number;
  depth: number;
  message: string;
}

/** "error 7 at 1 depth lookup: certificate signature failure". */
export function parseOpensslError(text: string): OpensslError | undefined {
  // OpenSSL's own line, or the driver's restatement in `detail` ("error 7 at depth 1: ...").
  const m = /error (\d+) at (\d+) depth lookup: ?(.*)/.exec(text) ?? /error (\d+) at depth (\d+): ?(.*)/.exec(text);
  return m ? { code: Number(m[1]), depth: Number(m[2]), message: m[3]!.trim() } : undefined;
}

export function opensslImplementation(opts: OpensslOptions = {}): Implementation {
  const bin = opts.bin ?? process.env["CERTPATH_OPENSSL"] ?? "openssl";
  let versionLine: Promise<string> | undefined;
  const getVersion = () =>
    (versionLine ??= spawnCollect(bin, ["version"], { timeoutMs: 10_000 }).then((r) =>
      r.code === 0 ? r.stdout.trim() : `unavailable (${r.failure ?? (r.stderr.trim() || `exit ${r.code}`)})`,
    ));
  return {
    name: "openssl",
    concurrency: opts.concurrency ?? 2,
    howRun:
      "openssl verify -no-CApath -no-CAstore -CAfile anchors.pem -untrusted intermediates.pem -attime T -policy_check -policy OID... " +
      "[-explicit_policy] [-inhibit_map] [-inhibit_any] -policy_print [-partial_chain] " +
      "[-crl_check_all -use_deltas -extended_crl -CRLfile crls.pem] target.pem (in the case folder; not -x509_strict)",
    limitations: [
      "no soft-fail revocation: with -crl_check_all every certificate needs a CRL in scope",
      "takes no stapled OCSP responses",
      "reports only the first error it meets (verify stops there)",
      "no backtracking: one chain built from the first matching issuers; cross-certified meshes and bridges fail where a self-signed root of another domain or a dead end comes first",
      "discards issuers whose subjectKeyIdentifier differs from the authorityKeyIdentifier",
      "treats the notAfter instant itself as expired",
      "takes no certpath work limits (maximum depth, signature checks)",
    ],
    version: getVersion,
    async available() {
      return !(await getVersion()).startsWith("unavailable");
    },
    async run(c: ExportedCase, caseDir: string): Promise<RunOutcome> {
      const { args, unsupported } = opensslArgs(c, caseDir);
      const r = await spawnCollect(bin, args, { cwd: caseDir, timeoutMs: opts.timeoutMs ?? 30_000 });
      const command = `${bin} ${args.join(" ")}`;
      const say = (s: string) => s.trim().split(/\r?\n/).filter((l) => l.trim() !== "");
      const out: RunOutcome = { valid: "error", detail: "" };
      if (unsupported.length > 0) out.unsupported = unsupported.join("; ");
      const err = parseOpensslError(r.stdout + "\n" + r.stderr);
      if (r.code === 0 && /: OK\s*$/m.test(r.stdout)) {
        out.valid = true;
        const pol = parseUserPolicies(r.stderr);
        if (pol !== undefined) out.policies = pol;
        const chain = opensslChain(r.stdout);
        out.detail = `exit 0: OK; ${pol === undefined ? "user policies not reported" : `user policies: ${pol.length ? pol.join(", ") : "<empty>"}`}${chain.length ? `\nchain: ${chain.join(" > ")}` : ""}\n$ ${command}`;
      } else if (err) {
        out.valid = false;
        const extra = say(r.stderr).filter((l) => /:error:/.test(l)).slice(0, 2);
        const stopped = opensslStoppedAt(r.stderr + "\n" + r.stdout);
        out.detail = `exit ${r.code}: error ${err.code} at depth ${err.depth}: ${err.message}${stopped ? `\nstopped at: ${stopped}` : ""}${extra.length ? `\n${extra.join("\n")}` : ""}\n$ ${command}`;
      } else {
        out.detail = `${r.failure ? `did not run: ${r.failure}` : `exit ${r.code}, no verdict`}: ${[...say(r.stdout), ...say(r.stderr)].slice(0, 4).join(" | ")}\n$ ${command}`;
      }
      return out;
    },
    explain: explainOpenssl,
  };
}

/**
 * Our reading of an OpenSSL result that differs from the expectation, from what OpenSSL
 * returned: its X509_V_ERR code and depth when it rejects (OPENSSL_CAUSES, keyed by the
 * code), and, when it accepts a path the suite rejects, the rule certpath's verdict names
 * (ACCEPT_CAUSES, keyed by certpath's error code). Never from the case's title. undefined:
 * no known cause (the report shows it as "unexplained" and counts it).
 */
export function explainOpenssl(c: ExportedCase, o: RunOutcome, ctx: ExplainContext = {}): string | undefined {
  const why = explainOpensslInner(c, o, ctx);
  if (!o.unsupported) return why;
  return `the case needs ${o.unsupported}${why ? ` \u2014 ${why}` : ""}`;
}

function explainOpensslInner(c: ExportedCase, o: RunOutcome, ctx: ExplainContext): string | undefined {
  if (o.valid === "error") return "openssl verify gave no verdict (could not load an input or crashed); see its output";
  if (o.valid === c.expect.valid) {
    if (o.valid && o.policies) return `same verdict, different user-constrained policy set: OpenSSL reports {${o.policies.join(", ")}}`;
    return undefined;
  }
  if (o.valid === false) {
    const err = parseOpensslError(o.detail);
    if (!err) return undefined;
    const cause = OPENSSL_CAUSES[err.code];
    return cause ? `${cause} (OpenSSL error ${err.code} at depth ${err.depth}: ${err.message})` : undefined;
  }
  // Accepted a path the suite rejects: the rule is the one certpath's verdict names.
  const code = ctx.certpathError ?? c.expect.errorCode;
  const cause = code ? ACCEPT_CAUSES[code] : undefined;
  return cause ? `${cause} (certpath: ${code}; OpenSSL: OK)` : undefined;
}

const NO_BACKTRACK = "it builds one chain, taking the first matching issuer, and does not backtrack to other candidates in the bag (its alternative-chain search only swaps in trusted certificates)";

/** OpenSSL's X509_V_ERR codes (include/openssl/x509_vfy.h) met on the suites, to their cause. */
export const OPENSSL_CAUSES: Readonly<Record<number, string>> = {
  2: `OpenSSL did not find the issuer the suite intends (key rollover, self-issued or cross-certificates): ${NO_BACKTRACK}`,
  3: "OpenSSL found no CRL it accepts as covering the certificate (it does not use this CRL arrangement); with -crl_check_all that is a failure",
  7: `OpenSSL found a certificate's signature invalid under the issuer it chose: an issuer or anchor with the right name but another key (${NO_BACKTRACK}), or a DSA key whose parameters are inherited from its issuer (RFC 3279 2.3.2), which it cannot use`,
  10: "OpenSSL treats the notAfter instant itself as expired (X509_cmp_time counts equal as earlier); RFC 5280 4.1.2.5 makes the validity period inclusive",
  12: "OpenSSL finds the CRL's signature invalid (key rollover / separate CRL-signing key not matched)",
  19: `OpenSSL reached a self-signed certificate of the untrusted bag (another domain's root) instead of the cross-certificate leading to the anchor: ${NO_BACKTRACK}`,
  20: `OpenSSL found no issuer it accepts for a certificate of its chain: it discards candidates whose signature it cannot check (e.g. a DSA key with parameters inherited from the issuer, RFC 3279 2.3.2) and issuers whose subjectKeyIdentifier differs from the authorityKeyIdentifier (X509_check_akid), and ${NO_BACKTRACK}`,
  43: `OpenSSL found no valid policy on the chain it built, and does not look for another path that carries an acceptable policy: ${NO_BACKTRACK}`,
  44: "OpenSSL finds a CRL scope problem (different CRL scope or distribution point) that RFC 5280 resolves",
  54: "OpenSSL validates the CRL issuer's certificate as a separate path (check_crl_path) and that path fails: e.g. it needs a key-rollover link, or the CRL issuer's certificate is covered only by the indirect CRL it signs itself, a loop OpenSSL does not resolve",
};

/** certpath error codes of cases OpenSSL accepts against the suite, to what OpenSSL did not enforce. */
export const ACCEPT_CAUSES: Readonly<Record<string, string>> = {
  REVOKED: "OpenSSL does not apply the CRL that revokes here (a delta CRL, or a CRL whose scope it reads differently), so the revocation is missed",
  POLICY: "OpenSSL's policy tree keeps a policy that RFC 5280 prunes",
  POLICY_MAPPING: "OpenSSL's policy mapping processing keeps a policy that RFC 5280 prunes",
  NAME_CONSTRAINTS: "OpenSSL does not enforce this name constraint form",
  BUDGET_EXCEEDED: "the case fails only on certpath's own work limits, which OpenSSL does not have: an implementation limit, not an RFC 5280 rule",
  REVOCATION_UNKNOWN: "OpenSSL finds a status where certpath has none it may use",
};
