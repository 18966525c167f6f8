// certpath itself as an implementation under test: the public `verify` on the exported
// case files (the same files the other implementations read).

import { verify as libraryVerify } from "certpath";
import type { PolicyOptions, VerifyOptions, VerifyResult } from "certpath";
import { readCaseInputs } from "./cases.js";
import type { ExportedCase, Implementation, RunOutcome } from "./types.js";

export type VerifyFn = (options: VerifyOptions) => Promise<VerifyResult>;

/** The verify options for a case (exported for tests). */
export function certpathOptions(c: ExportedCase, caseDir: string): VerifyOptions {
  const inp = readCaseInputs(c, caseDir);
  const mode = c.revocation?.mode ?? "hard";
  const policy: PolicyOptions = {
    initialPolicySet: [...c.settings.initialPolicySet],
    initialExplicitPolicy: c.settings.initialExplicitPolicy,
    initialPolicyMappingInhibit: c.settings.initialPolicyMappingInhibit,
    initialInhibitAnyPolicy: c.settings.initialInhibitAnyPolicy,
  };
  const opts: VerifyOptions = {
    target: inp.target,
    intermediates: inp.intermediates,
    trustAnchors: inp.anchors,
    time: new Date(c.validationTime),
    policy,
    revocation: { mode, crls: inp.crls },
  };
  if (inp.ocsp.length > 0) opts.revocation!.ocspResponses = inp.ocsp;
  if (c.limits) opts.limits = { ...c.limits };
  return opts;
}

export function certpathImplementation(verify: VerifyFn = libraryVerify, version = "certpath"): Implementation {
  return {
    name: "certpath",
    concurrency: 1,
    howRun: "verify({ target, intermediates, trustAnchors, time, policy, revocation: { mode, crls, ocspResponses } }) on the exported files",
    limitations: [],
    async version() {
      return version;
    },
    async available() {
      return true;
    },
    async run(c: ExportedCase, caseDir: string): Promise<RunOutcome> {
      let opts: VerifyOptions;
      try {
        opts = certpathOptions(c, caseDir);
      } catch (e) {
        return { valid: "error", detail: `cannot read the case files: ${String((e as Error)?.message ?? e)}` };
      }
      try {
        const r = await verify(opts);
        if (r.valid) {
          return { valid: true, policies: [...r.policies], detail: `valid; policies: ${r.policies.join(", ") || "<empty>"}; path: ${r.path.map((p) => p.subject).join(" <- ")}` };
        }
        const e = r.error;
        return {
          valid: false,
          policies: [],
          detail: e ? `${e.code}${e.certIndex !== undefined ? ` (certificate ${e.certIndex})` : ""}: ${e.message}` : "invalid (no error given)",
        };
      } catch (e) {
        return { valid: "error", detail: `verify threw: ${String((e as Error)?.message ?? e)}` };
      }
    },
    explain(c, o) {
      if (o.valid === "error") return "certpath threw: a bug";
      if (o.valid !== c.expect.valid) return c.expect.errorCode && !c.expect.valid ? `expected ${c.expect.errorCode}` : "certpath disagrees with the expected verdict";
      return "certpath gives a different user-constrained policy set";
    },
  };
}
