// The call's deadline, where loops deep inside one synchronous piece of work can consult
// it: parsing a large CRL, the DER walk, name-constraint comparisons. It lives in the
// lowest layer so every layer may call `checkpoint()` without knowing about the budget.
//
// Why a module-level "active" check is safe: it is set only around synchronous work
// (`withWorkLimit(budget, () => ...)`), and synchronous code cannot interleave with another
// call's, so many calls in flight on one process never see each other's budget. Outside
// such a section, `checkpoint()` does nothing.

/** A limit of the call was reached; parsers let it through instead of calling the input malformed. */
export class WorkLimitError extends Error {
  override name = "WorkLimitError";
}

export interface WorkLimit {
  /** Throws a WorkLimitError when the call's time is spent, or (with `aheadMs`) when less than that is left. */
  checkTime(aheadMs?: number): void;
}

let active: WorkLimit | undefined;
let countdown = 0;
/** Checkpoints between clock reads: performance.now() costs ~40 ns, a comparison a few. */
const EVERY = 64;

/** Runs synchronous `fn` with `limit` consulted by every `checkpoint()` inside it. */
export function withWorkLimit<T>(limit: WorkLimit | undefined, fn: () => T): T {
  const outer = active;
  active = limit;
  countdown = 0;
  try {
    return fn();
  } finally {
    active = outer;
  }
}

/** One unit of work in a loop whose length an input decides; every EVERY-th call reads the clock. */
export function checkpoint(): void {
  if (active && --countdown <= 0) {
    countdown = EVERY;
    active.checkTime();
  }
}

/** The limit active now, for a callee that must carry it across an await. */
export function activeWorkLimit(): WorkLimit | undefined {
  return active;
}

/**
 * A checkpoint after a coarse unit of work (a slice of a large text, a megabyte hashed):
 * reads the clock every time, where `checkpoint()` reads it every EVERY-th call.
 */
export function checkpointNow(): void {
  if (active) {
    countdown = EVERY;
    active.checkTime();
  }
}

/**
 * Before one step that cannot be cut (a one-shot EdDSA verification of a large object):
 * throws now when the call has less than `estimateMs` left, so the step does not run past
 * the deadline ("budget before the step").
 */
export function checkpointAhead(estimateMs: number): void {
  if (active) {
    countdown = EVERY;
    active.checkTime(estimateMs);
  }
}
