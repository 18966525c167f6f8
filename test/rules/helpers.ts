// Shared helpers of the per-rule tests: a reference time, a PKI factory, a `verify`
// wrapper over generated entities and assertions on the error contract.
import { expect } from "vitest";
import { verify, type ErrorCode, type VerifyOptions, type VerifyResult } from "../../src/index.js";
import { TestPki, type Entity, type IssuedCrl, type TestPkiOptions } from "../../testsuite/src/generate/pki.js";

export const NOW = new Date("2025-01-01T00:00:00Z");

export function pki(seed: string, opts: TestPkiOptions = {}): TestPki {
  return new TestPki({ now: NOW, seed, ...opts });
}

export interface Run {
  intermediates?: Entity[];
  anchors: Entity[];
  crls?: IssuedCrl[];
  options?: Partial<VerifyOptions>;
}

/** `verify` over generated entities at NOW (unless `options.time` says otherwise). */
export function run(target: Entity, r: Run): Promise<VerifyResult> {
  const { options = {} } = r;
  return verify({
    target: target.der,
    intermediates: (r.intermediates ?? []).map((e) => e.der),
    trustAnchors: r.anchors.map((a) => a.der),
    time: NOW,
    ...options,
    revocation: r.crls || options.revocation ? { crls: (r.crls ?? []).map((c) => c.der), ...options.revocation } : undefined,
  });
}

export function expectValid(r: VerifyResult): void {
  expect(r.error, r.error ? `${r.error.code}: ${r.error.message}` : "").toBeUndefined();
  expect(r.valid).toBe(true);
}

/**
 * The error contract: exact code and certIndex (0 = target), and a message that names
 * the failing certificate's subject (`subject`, e.g. "CN=Sub CA") and cites `rule`
 * (e.g. "RFC 5280 6.1.4 (k)").
 */
export function expectError(r: VerifyResult, code: ErrorCode, certIndex: number | undefined, subject: string | undefined, rule: string | undefined): void {
  expect(r.valid).toBe(false);
  expect(r.policies).toEqual([]);
  expect(r.error, "an error is reported").toBeDefined();
  const e = r.error!;
  expect(`${e.code}: ${e.message}`).toMatch(new RegExp(`^${code}: `));
  expect(e.certIndex).toBe(certIndex);
  if (subject !== undefined) expect(e.message).toContain(subject);
  if (rule !== undefined) expect(e.message).toContain(rule);
  // When the best path is reported, the entry at certIndex is the certificate the message names.
  if (certIndex !== undefined && r.path.length > certIndex) expect(e.message).toContain(r.path[certIndex]!.subject);
}
