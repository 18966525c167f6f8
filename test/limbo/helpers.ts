// Shared helpers of the x509-limbo recreations (test/limbo/*.test.ts): every case is
// run in both profiles and its outcome written as one short string, so a test states
// the exact verdict of each profile: "valid", "valid; deviations rule@certIndex, ...",
// or "CODE@certIndex" (certIndex: 0 = target, the anchor last).
import type { VerifyResult } from "../../src/index.js";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { run, type Run } from "../rules/helpers.js";

export function outcome(r: VerifyResult): string {
  if (r.valid) {
    const d = (r.deviations ?? []).map((x) => `${x.rule}@${x.certIndex}`);
    return d.length ? `valid; deviations ${d.join(", ")}` : "valid";
  }
  return `${r.error!.code}@${r.error!.certIndex}`;
}

export interface Outcomes {
  strict: string;
  rfc5280: string;
}

/** The case's outcome in the strict and the default (rfc5280) profile. */
export async function both(target: Entity, r: Run): Promise<Outcomes> {
  const o = r.options ?? {};
  const [strict, rfc5280] = await Promise.all([
    run(target, { ...r, options: { ...o, profile: "strict" } }),
    run(target, { ...r, options: { ...o, profile: "rfc5280" } }),
  ]);
  return { strict: outcome(strict), rfc5280: outcome(rfc5280) };
}

/** The same outcome in both profiles. */
export const same = (s: string): Outcomes => ({ strict: s, rfc5280: s });
