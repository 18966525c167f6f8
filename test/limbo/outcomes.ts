// Assertions of the limbo tests (test/limbo/*.test.ts): one limbo case run in both profiles.
import { expect } from "vitest";
import type { ErrorCode, Profile, VerifyResult } from "../../src/index.js";
import { expectError, expectValid } from "../rules/helpers.js";

export type Go = (profile: Profile) => Promise<VerifyResult>;
export interface Deviation {
  certIndex: number;
  rule: string;
  section: string;
}

/** Valid in both profiles; the default profile lists exactly `deviations` (none by default). */
export async function validInBoth(go: Go, deviations: Deviation[] = []): Promise<void> {
  const d = await go("rfc5280");
  expectValid(d);
  expect(d.deviations).toEqual(deviations);
  expectValid(await go("strict"));
}

/**
 * A strict-profile rule broken at `certIndex`: strict fails with PROFILE citing the rule and
 * its section; the default profile is valid and lists exactly `deviations` (default: that one).
 */
export async function strictOnly(go: Go, certIndex: number, rule: string, section: string, deviations: Deviation[] = [{ certIndex, rule, section }]): Promise<void> {
  const s = await go("strict");
  expectError(s, "PROFILE", certIndex, undefined, section);
  expect(s.error!.message).toContain(`[${rule}, strict profile]`);
  const d = await go("rfc5280");
  expectValid(d);
  expect(d.deviations).toEqual(deviations);
}

/** The same error in both profiles: `code` at `certIndex`, the message citing `cites` (a section, a reason). */
export async function failsInBoth(go: Go, code: ErrorCode, certIndex: number | undefined, cites?: string): Promise<void> {
  for (const profile of ["rfc5280", "strict"] as const) {
    const r = await go(profile);
    expectError(r, code, certIndex, undefined, undefined);
    if (cites !== undefined) expect(r.error!.message).toContain(cites);
  }
}
