// The library door of the contract: `verify(options)`. A thin wrapper over the prepared
// verifier (./verifier.ts): the options are one call's configuration, parsed within the
// call's budget, and the call uses the process-wide caches (signature outcomes, fetched
// bodies). `createVerifier(config).verify(target)` gives the same answers.
import { Budget } from "../pathbuilder/budget.js";
import { processSignatureCache } from "../crypto/outcome-cache.js";
import { coerceOptions } from "./options.js";
import { oneShotVerifier, parseTarget } from "./verifier.js";
import type { VerifyOptions, VerifyResult } from "./types.js";

/**
 * Validates `options.target` against `options.trustAnchors` (contract.md).
 * Throws only for options of the wrong type; bad certificates, CRLs and
 * OCSP responses give `valid: false` with a `MALFORMED_*` code.
 */
export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const s = coerceOptions(options);
  // The budget starts now: parsing a large bag counts against limits.timeoutMs too.
  const budget = new Budget(s.limits, processSignatureCache);
  const t = parseTarget(s.target, budget);
  if (!(t instanceof Array)) return t;
  return oneShotVerifier(s, budget).run(t[0], s, budget);
}
