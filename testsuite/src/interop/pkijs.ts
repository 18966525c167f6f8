// pkijs (CertificateChainValidationEngine) as an implementation under test, in process.
//
//   new CertificateChainValidationEngine({ trustedCerts: anchors, certs: [...intermediates, target],
//     crls, ocsps, checkDate }).verify({ initialPolicySet, initialExplicitPolicy,
//     initialPolicyMappingInhibit, initialInhibitPolicy, passedWhenNotRevValues }, engine)
//
// with a pkijs CryptoEngine over Node's WebCrypto, passed explicitly (the global engine is
// left alone). The target must be the last of `certs` (pkijs takes the last certificate as the
// end entity). Revocation: mode "none" passes no CRLs (pkijs then checks nothing), "soft" sets
// passedWhenNotRevValues, "hard" does not. OCSP responses (OCSPResponse DER) are unwrapped to
// BasicOCSPResponse.
//
// What pkijs's engine does not do, read from its source (pkijs 4, CertificateChainValidationEngine):
// no pathLenConstraint check; a single path (the shortest to an anchor) and no backtracking;
// issuers found by name or key identifier with signature check, so a failed signature looks like
// "no path"; CRLs matched by issuer name only (no distribution point / issuing distribution point
// scope, no indirect CRLs via cRLIssuer, no delta CRLs, no separate CRL-signing key); critical
// extensions rejected only when it cannot parse them; no DSA (WebCrypto has none); its own policy
// algorithm rather than the RFC 5280 valid_policy_tree, and with anyPolicy as the initial set and
// no explicit policy required it returns the initial set itself as userConstrPolicies.

import { webcrypto } from "node:crypto";
import * as pkijs from "pkijs";
import { createRequire } from "node:module";
import { readCaseInputs } from "./cases.js";
import { ANY_POLICY, workLimits, type ExportedCase, type Implementation, type RunOutcome } from "./types.js";

let cryptoEngine: pkijs.CryptoEngine | undefined;

/** A pkijs crypto engine over Node's WebCrypto (created once). */
export function pkijsCryptoEngine(): pkijs.CryptoEngine {
  // pkijs types `crypto` as the DOM Crypto, which tsconfig's lib does not include.
  cryptoEngine ??= new pkijs.CryptoEngine({ name: "node-webcrypto", crypto: webcrypto as unknown as pkijs.CryptoEngineParameters["crypto"] });
  return cryptoEngine;
}

function ab(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

/** An OCSP response file: a full OCSPResponse (usual) or a bare BasicOCSPResponse. */
function basicOcsp(der: Uint8Array): pkijs.BasicOCSPResponse {
  try {
    const resp = pkijs.OCSPResponse.fromBER(ab(der));
    if (resp.responseBytes) return pkijs.BasicOCSPResponse.fromBER(resp.responseBytes.response.valueBlock.valueHexView.slice().buffer);
  } catch {
    // fall through
  }
  return pkijs.BasicOCSPResponse.fromBER(ab(der));
}

const ALGORITHM_NAMES: Record<string, string> = {
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
  "1.2.840.10040.4.3": "DSA with SHA-1",
  "2.16.840.1.101.3.4.3.1": "DSA with SHA-224",
  "2.16.840.1.101.3.4.3.2": "DSA with SHA-256",
};

/** Signature algorithms of the inputs that pkijs's crypto engine does not know (it then finds no issuer). */
export function unsupportedAlgorithms(certs: readonly pkijs.Certificate[], crls: readonly pkijs.CertificateRevocationList[]): string[] {
  const engine = pkijsCryptoEngine();
  const out = new Set<string>();
  for (const x of [...certs, ...crls]) {
    const oid = x.signatureAlgorithm.algorithmId;
    const alg = engine.getAlgorithmByOID(oid, false) as { name?: string };
    if (!alg || !("name" in alg) || !alg.name) out.add(ALGORITHM_NAMES[oid] ? `${ALGORITHM_NAMES[oid]} (${oid})` : oid);
  }
  return [...out];
}

/** pkijs result codes (CertificateChainValidationEngine) in words. */
export const PKIJS_CODES: Record<number, string> = {
  [-1]: "error thrown during path building (typically: no issuer whose signature verifies)",
  0: "policy processing (no user-constrained policy left)",
  3: "keyCertSign without basicConstraints cA",
  4: "CA without keyCertSign",
  5: "CRL issuer without cRLSign",
  6: "unparseable critical extension",
  7: "more than one end entity candidate",
  8: "not yet valid or expired",
  9: "path too short",
  10: "name chaining",
  11: "no revocation information",
  12: "revoked",
  13: "CRL issuer not a CA or without cRLSign",
  14: "intermediate not a CA",
  21: "required name form missing",
  41: "permitted subtrees",
  42: "excluded subtrees",
  60: "no path",
  97: "no valid path",
  98: "policy mapping prohibited",
  99: "anyPolicy in a policy mapping",
};

export interface PkijsOptions {
  /** Cases at once (WebCrypto works off the main thread; default 4). */
  concurrency?: number;
}

/** "pkijs 4.0.0 (...)": the installed package's version. */
export function pkijsVersion(): string {
  if (pkijsVersionCache) return pkijsVersionCache;
  let v = "(version unknown)";
  try {
    v = (createRequire(import.meta.url)("pkijs/package.json") as { version?: string }).version ?? v;
  } catch {
    // exports map without package.json: keep "unknown"
  }
  return (pkijsVersionCache = `pkijs ${v} (CertificateChainValidationEngine, Node ${process.versions.node} WebCrypto)`);
}
let pkijsVersionCache: string | undefined;

export function pkijsImplementation(opts: PkijsOptions = {}): Implementation {
  return {
    name: "pkijs",
    concurrency: opts.concurrency ?? 4,
    howRun:
      "new CertificateChainValidationEngine({ trustedCerts: anchors, certs: [...intermediates, target], crls, ocsps, checkDate })" +
      ".verify({ initialPolicySet, initialExplicitPolicy, initialPolicyMappingInhibit, initialInhibitPolicy, passedWhenNotRevValues: mode !== \"hard\" }) over Node's WebCrypto",
    limitations: [
      "no pathLenConstraint check",
      "one path only (the shortest to an anchor), no backtracking over alternatives",
      "CRLs matched by issuer name only: no distribution point or issuing distribution point scope, no indirect CRLs, no delta CRLs, no separate CRL-signing keys",
      "no DSA signatures (WebCrypto has no DSA)",
      "its own policy algorithm, not the RFC 5280 valid_policy_tree; with anyPolicy initial and no explicit policy it returns {anyPolicy} as the user-constrained set",
      "with no CRLs or OCSP responses it checks no revocation at all, even when asked to fail hard",
      "no Ed25519 or Ed448 signatures (its crypto engine does not know the algorithms), so every path signed with them fails",
      "takes no certpath work limits",
    ],
    async version() {
      return pkijsVersion();
    },
    async available() {
      try {
        return typeof pkijs.CertificateChainValidationEngine === "function" && !!webcrypto?.subtle;
      } catch {
        return false;
      }
    },
    async run(c: ExportedCase, caseDir: string): Promise<RunOutcome> {
      const unsupported: string[] = [];
      const mode = c.revocation?.mode ?? "hard";
      let inputs;
      try {
        inputs = readCaseInputs(c, caseDir);
      } catch (e) {
        return { valid: "error", detail: `cannot read the case files: ${String((e as Error)?.message ?? e)}` };
      }
      const parse = <T>(what: string, f: () => T): T => {
        try {
          return f();
        } catch (e) {
          throw new Error(`pkijs cannot parse ${what}: ${String((e as Error)?.message ?? e)}`);
        }
      };
      try {
        const cert = (d: Uint8Array, what: string) => parse(what, () => pkijs.Certificate.fromBER(ab(d)));
        const trustedCerts = inputs.anchors.map((d, i) => cert(d, `anchor ${i + 1}`));
        const certs = [...inputs.intermediates.map((d, i) => cert(d, `intermediate ${i + 1}`)), cert(inputs.target, "the target")];
        const crls = mode === "none" ? [] : inputs.crls.map((d, i) => parse(`CRL ${i + 1}`, () => pkijs.CertificateRevocationList.fromBER(ab(d))));
        const ocsps = mode === "none" ? [] : inputs.ocsp.map((d, i) => parse(`OCSP response ${i + 1}`, () => basicOcsp(d)));
        const algs = unsupportedAlgorithms([...trustedCerts, ...certs], crls);
        if (algs.length) unsupported.push(`signature algorithms pkijs does not support: ${algs.join(", ")}`);
        if (c.limits) unsupported.push(workLimits(c.limits));
        if (mode === "hard" && crls.length === 0 && ocsps.length === 0) {
          unsupported.push("hard-fail revocation without revocation data (pkijs then checks nothing)");
        }
        const engine = new pkijs.CertificateChainValidationEngine({ trustedCerts, certs, crls, ocsps, checkDate: new Date(c.validationTime) });
        const r = await engine.verify(
          {
            initialPolicySet: c.settings.initialPolicySet.length ? [...c.settings.initialPolicySet] : [ANY_POLICY],
            initialExplicitPolicy: c.settings.initialExplicitPolicy,
            initialPolicyMappingInhibit: c.settings.initialPolicyMappingInhibit,
            initialInhibitPolicy: c.settings.initialInhibitAnyPolicy,
            passedWhenNotRevValues: mode !== "hard",
          },
          pkijsCryptoEngine(),
        );
        const out: RunOutcome = { valid: r.result === true, detail: "" };
        if (unsupported.length) out.unsupported = unsupported.join("; ");
        const codeText = PKIJS_CODES[r.resultCode] ?? "unknown code";
        if (r.result) {
          out.policies = [...(r.userConstrPolicies ?? [])];
          out.detail = `result true; userConstrPolicies: ${out.policies.join(", ") || "<empty>"}; authConstrPolicies: ${(r.authConstrPolicies ?? []).join(", ") || "<empty>"}; path length ${r.certificatePath?.length ?? "?"}`;
        } else {
          out.detail = `result false, resultCode ${r.resultCode} (${codeText}): ${r.resultMessage || "(no message)"}`;
        }
        return out;
      } catch (e) {
        const out: RunOutcome = { valid: "error", detail: String((e as Error)?.message ?? e) };
        if (unsupported.length) out.unsupported = unsupported.join("; ");
        return out;
      }
    },
    explain: explainPkijs,
  };
}

/**
 * Our reading of a pkijs result that differs from the expectation, from what pkijs returned:
 * its resultCode when it rejects (PKIJS_REJECT_CAUSES, keyed by the code), what it threw, and,
 * when it accepts a path the suite rejects, the rule certpath's verdict names
 * (PKIJS_ACCEPT_CAUSES, keyed by certpath's error code). Never from the case's title.
 * undefined: no known cause (shown as "unexplained" and counted).
 */
export function explainPkijs(c: ExportedCase, o: RunOutcome, ctx: { certpathError?: string } = {}): string | undefined {
  const why = explainPkijsInner(c, o, ctx);
  if (!o.unsupported) return why;
  return `the case needs ${o.unsupported}${why ? ` \u2014 ${why}` : ""}`;
}

function explainPkijsInner(c: ExportedCase, o: RunOutcome, ctx: { certpathError?: string }): string | undefined {
  if (o.valid === "error") {
    if (/cannot parse/.test(o.detail)) return `pkijs cannot parse one of the inputs (${o.detail.split("\n")[0]})`;
    return `pkijs threw instead of answering (${o.detail.split("\n")[0]})`;
  }
  const code = /resultCode (-?\d+)/.exec(o.detail);
  const rc = code ? Number(code[1]) : undefined;
  if (o.valid === c.expect.valid) {
    if (o.valid && o.policies) {
      const s = c.settings;
      if (o.policies.length === 1 && o.policies[0] === ANY_POLICY && s.initialPolicySet.includes(ANY_POLICY) && !s.initialExplicitPolicy) {
        return "right verdict; pkijs returns the initial policy set {anyPolicy} as userConstrPolicies when no explicit policy is required, not the RFC 5280 6.1.6 user-constrained set";
      }
      return "right verdict; pkijs's own policy algorithm (not the valid_policy_tree) gives a different user-constrained policy set";
    }
    return undefined;
  }
  if (o.valid === true) {
    const rule = ctx.certpathError ?? c.expect.errorCode;
    const cause = rule ? PKIJS_ACCEPT_CAUSES[rule] : undefined;
    return cause ? `${cause} (certpath: ${rule}; pkijs: result true)` : undefined;
  }
  const cause = rc !== undefined ? PKIJS_REJECT_CAUSES[rc] : undefined;
  return cause ? `${cause} (pkijs resultCode ${rc}: ${PKIJS_CODES[rc!] ?? "?"})` : undefined;
}

/** pkijs resultCodes (CertificateChainValidationEngine) on paths the suite expects valid, to their cause. */
export const PKIJS_REJECT_CAUSES: Readonly<Record<number, string>> = {
  [-1]: "pkijs's path building found no path: a signature it cannot verify (DSA, which WebCrypto lacks, or DSA parameters inherited from the issuer), a self-issued or rollover certificate, or an issuer it does not match; it does not backtrack",
  60: "pkijs's path building found no path (a signature it cannot verify, a self-issued or rollover certificate, or an issuer it does not match)",
  97: "pkijs's path building found no valid path among those it tries (one path, the shortest, no backtracking)",
  0: "pkijs's policy processing (not the RFC 5280 valid_policy_tree) finds no valid policy here",
  99: "pkijs's policy processing (not the RFC 5280 valid_policy_tree) finds no valid policy here",
  98: "pkijs fails the whole path when a certificate carries policyMappings while mapping is inhibited; RFC 5280 6.1.4 (b)(2) only deletes the mapped policies",
  11: "pkijs found no CRL for a certificate by issuer name (it does not follow cRLIssuer, distribution points or CRL-signing keys)",
  13: "pkijs requires the CRL issuer to be the certificate's issuer with cRLSign; this case uses a separate CRL signer",
  5: "pkijs requires the CRL issuer to be the certificate's issuer with cRLSign; this case uses a separate CRL signer",
  12: "pkijs applies a CRL outside its scope (no distribution point / delta / reason checks) and finds the certificate revoked",
  8: "pkijs checks the validity of the trust anchor too, or compares times differently",
  41: "pkijs's name constraints check rejects a name RFC 5280 permits, or applies name constraints to a self-issued intermediate, which RFC 5280 6.1.3 (b) skips",
  42: "pkijs's name constraints check rejects a name RFC 5280 permits, or applies name constraints to a self-issued intermediate, which RFC 5280 6.1.3 (b) skips",
  14: "pkijs applies a CA check RFC 5280 does not require here",
  3: "pkijs applies a CA check RFC 5280 does not require here",
  4: "pkijs applies a CA check RFC 5280 does not require here",
};

/** certpath error codes of cases pkijs accepts against the suite, to what pkijs does not check. */
export const PKIJS_ACCEPT_CAUSES: Readonly<Record<string, string>> = {
  PATH_LENGTH_EXCEEDED: "pkijs does not check pathLenConstraint",
  REVOKED: "pkijs matches CRLs by issuer name only: it ignores distribution points, issuing distribution point scope, indirect CRLs and delta CRLs, so this revocation is missed",
  REVOCATION_UNKNOWN: "pkijs matches CRLs by issuer name only (no scope, no indirect CRLs, no CRL-signing keys) and, with no revocation data, checks nothing: the missing status goes unnoticed",
  KEY_USAGE: "pkijs checks key usage only for keyCertSign/cRLSign against basicConstraints; this key usage violation passes",
  UNKNOWN_CRITICAL_EXTENSION: "pkijs rejects an unparseable critical extension only in CA certificates (its CA check), not in the end entity",
  NAME_CONSTRAINTS: "pkijs's name constraints check misses this form or case",
  POLICY: "pkijs's policy processing (not the RFC 5280 valid_policy_tree) keeps a policy here",
  POLICY_MAPPING: "pkijs's policy processing (not the RFC 5280 valid_policy_tree) keeps a policy here",
  NOT_A_CA: "pkijs does not treat this certificate's CA status as RFC 5280 requires",
  BUDGET_EXCEEDED: "the case fails only on certpath's own work limits, which pkijs does not have: an implementation limit, not an RFC 5280 rule",
};
