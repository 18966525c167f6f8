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
import { ANY_POLICY, workLimits, type ExportedCase, type Implementation, type RunOutcome } from "./types.js";

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

/** Our reading of an OpenSSL result that differs from the expectation. */
export function explainOpenssl(c: ExportedCase, o: RunOutcome): string | undefined {
  const why = explainOpensslInner(c, o);
  if (!o.unsupported) return why;
  return `the case needs ${o.unsupported}${why ? ` \u2014 ${why}` : ""}`;
}

function explainOpensslInner(c: ExportedCase, o: RunOutcome): string | undefined {
  if (o.valid === "error") return "openssl verify gave no verdict (could not load an input or crashed); see its output";
  const err = parseOpensslError(o.detail);
  if (o.valid === c.expect.valid) {
    if (o.valid && o.policies) return `same verdict, different user-constrained policy set: OpenSSL reports {${o.policies.join(", ")}}`;
    return undefined;
  }
  const t = `${c.id} ${c.title}`;
  if (o.valid === false && err) {
    const known = OPENSSL_ERROR_EXPLANATIONS.find((e) => e.code === err.code && (!e.when || e.when.test(t)));
    if (known) return known.text;
    return `OpenSSL rejects a path the suite expects to be valid (error ${err.code}: ${err.message})`;
  }
  // Accepted an invalid path: name what the case tests that OpenSSL did not enforce.
  const known = OPENSSL_ACCEPT_EXPLANATIONS.find((e) => e.when.test(t));
  if (known) return known.text;
  return "OpenSSL accepts a path the suite expects to be rejected";
}

const NO_BACKTRACK = "it builds one chain, taking the first matching issuer, and does not backtrack to other candidates in the bag (its alternative-chain search only swaps in trusted certificates)";

const OPENSSL_ERROR_EXPLANATIONS: { code: number; when?: RegExp; text: string }[] = [
  {
    code: 20,
    when: /DSA Parameter Inheritance/i,
    text: "OpenSSL cannot use a DSA public key whose domain parameters are inherited from the issuer (RFC 3279 2.3.2): the end entity's signature cannot be checked, so no issuer is found",
  },
  {
    code: 20,
    when: /kid|key identifier/i,
    text: "OpenSSL discards an issuer whose subjectKeyIdentifier differs from the certificate's authorityKeyIdentifier (X509_check_akid); RFC 5280 path validation does not require key identifiers to match",
  },
  { code: 7, when: /DSA/, text: "OpenSSL cannot verify a DSA signature whose parameters are inherited from the issuer (RFC 3279 2.3.2)" },
  { code: 7, text: `OpenSSL chose an issuer or anchor with the right name but another key, and ${NO_BACKTRACK}` },
  {
    code: 54,
    when: /cRLIssuer Test30/,
    text: "OpenSSL validates the CRL issuer's certificate as a separate path (check_crl_path) and fails it: here the CRL issuer's certificate is covered only by the indirect CRL it signs itself, a loop OpenSSL does not resolve",
  },
  {
    code: 54,
    text: "OpenSSL validates the CRL signer's certificate as a separate path (check_crl_path) and that path fails (e.g. it needs a key-rollover link, or a CRL the signer issues itself)",
  },
  { code: 19, text: `OpenSSL reached a self-signed certificate of the untrusted bag (another domain's root) instead of the cross-certificate leading to the anchor: ${NO_BACKTRACK}` },
  { code: 10, when: /inclusive/i, text: "OpenSSL treats the notAfter instant itself as expired (X509_cmp_time counts equal as earlier); RFC 5280 4.1.2.5 makes the validity period inclusive" },
  { code: 43, text: `OpenSSL found no valid policy on the chain it built, and does not look for another path that carries an acceptable policy: ${NO_BACKTRACK}` },
  { code: 3, text: "OpenSSL found no CRL it accepts as covering the certificate (it does not use this CRL arrangement); with -crl_check_all that is a failure" },
  { code: 12, text: "OpenSSL finds the CRL's signature invalid (key rollover / separate CRL-signing key not matched)" },
  { code: 2, text: `OpenSSL did not find the issuer the suite intends (key rollover, self-issued or cross-certificates): ${NO_BACKTRACK}` },
  { code: 20, text: `OpenSSL found no trusted issuer at the end of the chain it built (key rollover, self-issued or cross-certificates, loops): ${NO_BACKTRACK}` },
  { code: 44, text: "OpenSSL finds a CRL scope problem (different CRL scope or distribution point) that RFC 5280 resolves" },
];

const OPENSSL_ACCEPT_EXPLANATIONS: { when: RegExp; text: string }[] = [
  { when: /delta/i, text: "OpenSSL does not apply this delta CRL, so the revocation it carries is missed" },
  { when: /policy|policies/i, text: "OpenSSL's policy tree keeps a policy that RFC 5280 prunes" },
  { when: /name constraint|DN|email|DNS|URI/i, text: "OpenSSL does not enforce this name constraint form" },
];
