// One budget object per call (RFC 4158 8.1: cap the resources a path search may use).
// Readable limits in the style of Go's verify.go: each is a plain number with a default.
import { NodeSignatureVerifier, SignatureBudgetError } from "../crypto/verifier.js";
import type { SignatureOutcomeCache } from "../crypto/outcome-cache.js";
import { WorkLimitError, type WorkLimit } from "../parsing/deadline.js";

export interface BudgetLimits {
  /** Most certificates in a path below the anchor; deeper branches are cut (not an error unless no path is found). */
  maxDepth: number;
  /** Most signature computations in the call (cache hits are free). */
  maxSignatureChecks: number;
  /** Most complete candidate paths handed to validation. */
  maxCandidatePaths: number;
  /** Wall-clock bound for the call. */
  timeoutMs: number;
  /** Most issuer edges the search may walk (cached signature checks make an edge cheap, not free). */
  maxSteps: number;
  /** Most name-constraint comparisons (one subtree against one name) over all candidate paths. */
  maxNameConstraintChecks: number;
}

export const DEFAULT_LIMITS: Readonly<BudgetLimits> = Object.freeze({
  maxDepth: 12,
  maxSignatureChecks: 2000,
  maxCandidatePaths: 200,
  timeoutMs: 10_000,
  maxSteps: 20_000,
  // A real path compares tens of names with tens of subtrees; 2048 x 2048 ends here in ms.
  maxNameConstraintChecks: 1_000_000,
});

export type BudgetKind = keyof BudgetLimits;

export class BudgetExceededError extends WorkLimitError {
  constructor(
    readonly kind: BudgetKind,
    readonly limit: number,
  ) {
    super(`path building stopped: ${kind} budget of ${limit} reached`);
    this.name = "BudgetExceededError";
  }
}

/**
 * Tracks what a call has spent; the verifier inside it counts signature checks. One per
 * call: its deadline is consulted between inputs, per builder step and candidate issuer,
 * and (through `withWorkLimit`, parsing/deadline.ts) inside parsing, the DER walk and
 * name-constraint comparisons.
 */
export class Budget implements WorkLimit {
  readonly limits: BudgetLimits;
  readonly verifier: NodeSignatureVerifier;
  private readonly started = performance.now();
  candidatePaths = 0;
  steps = 0;
  maxDepthReached = 0;
  /** A branch was cut at maxDepth. */
  depthCut = false;

  /** `signatureCache`: the cross-call outcome cache of the verifier the call runs on. */
  constructor(limits: Partial<BudgetLimits> = {}, signatureCache?: SignatureOutcomeCache) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.verifier = new NodeSignatureVerifier(this.limits.maxSignatureChecks, signatureCache);
  }

  elapsedMs(): number {
    return performance.now() - this.started;
  }

  /** Throws when the time budget is spent (or less than `aheadMs` is left). Cheap enough to call at every step. */
  checkTime(aheadMs = 0): void {
    if (this.elapsedMs() + aheadMs > this.limits.timeoutMs) throw new BudgetExceededError("timeoutMs", this.limits.timeoutMs);
  }

  /** Counts one more complete candidate path. */
  takeCandidate(): void {
    if (this.candidatePaths >= this.limits.maxCandidatePaths) throw new BudgetExceededError("maxCandidatePaths", this.limits.maxCandidatePaths);
    this.candidatePaths++;
  }

  nameConstraintChecks = 0;

  /** Counts `n` name-constraint comparisons (RFC 5280 6.1.3 (b), (c); 6.1.4 (g)). */
  takeNameConstraintChecks(n: number): void {
    this.nameConstraintChecks += n;
    if (this.nameConstraintChecks > this.limits.maxNameConstraintChecks)
      throw new BudgetExceededError("maxNameConstraintChecks", this.limits.maxNameConstraintChecks);
  }

  /** Counts one issuer edge walked by the search. */
  takeStep(): void {
    if (this.steps >= this.limits.maxSteps) throw new BudgetExceededError("maxSteps", this.limits.maxSteps);
    this.steps++;
  }

  noteDepth(d: number): void {
    if (d > this.maxDepthReached) this.maxDepthReached = d;
  }

  spent(): { signatureChecks: number; candidatePaths: number; steps: number; nameConstraintChecks: number; maxDepthReached: number; elapsedMs: number } {
    return {
      signatureChecks: this.verifier.checks,
      nameConstraintChecks: this.nameConstraintChecks,
      candidatePaths: this.candidatePaths,
      steps: this.steps,
      maxDepthReached: this.maxDepthReached,
      elapsedMs: Math.round(this.elapsedMs() * 10) / 10,
    };
  }
}

/** Maps the verifier's own budget error onto the call's budget error. */
export function asBudgetError(e: unknown): BudgetExceededError | undefined {
  if (e instanceof BudgetExceededError) return e;
  if (e instanceof SignatureBudgetError) return new BudgetExceededError("maxSignatureChecks", e.limit);
  return undefined;
}
