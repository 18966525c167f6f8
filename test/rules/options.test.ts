// The options contract: options of the wrong type are the only thing that makes
// `verify` throw (a TypeError, as a rejection).
import { describe, expect, it } from "vitest";
import { verify, type VerifyOptions } from "../../src/index.js";
import { expectValid, NOW, pki } from "./helpers.js";

describe("verify options", () => {
  const p = pki("options");
  const root = p.root("CN=Opt Root");
  const ee = p.ee("CN=Opt EE", root);
  const base: VerifyOptions = { target: ee.der, trustAnchors: [root.der], time: NOW };

  it("passes with the minimal options", async () => {
    expectValid(await verify(base));
  });

  // fetch and OCSP are supported: with nothing to fetch, hard mode cannot determine the status.
  it("revocation.fetch with no distribution point or responder: REVOCATION_UNKNOWN in hard mode", async () => {
    const r = await verify({ ...base, revocation: { mode: "hard", fetch: true } });
    expect(r.valid).toBe(false);
    expect(r.error?.code).toBe("REVOCATION_UNKNOWN");
    expect(r.error?.certIndex).toBe(0);
  });

  it("MALFORMED_OCSP_RESPONSE: revocation.ocspResponses that is not an OCSP response", async () => {
    const r = await verify({ ...base, revocation: { mode: "soft", ocspResponses: [Uint8Array.of(0x30, 0x00)] } });
    expect(r.valid).toBe(false);
    expect(r.error?.code).toBe("MALFORMED_OCSP_RESPONSE");
    expect(r.error?.message).toContain("revocation.ocspResponses[0]");
  });

  it("NO_PATH: no trust anchor at all", async () => {
    const r = await verify({ ...base, trustAnchors: [] });
    expect(r.error?.code).toBe("NO_PATH");
  });

  const wrong: [string, unknown][] = [
    ["options not an object", null],
    ["target a number", { ...base, target: 42 }],
    ["trustAnchors not an array", { ...base, trustAnchors: root.der }],
    ["intermediates holding a number", { ...base, intermediates: [1] }],
    ["time an invalid string", { ...base, time: "yesterday-ish" }],
    ["time a number", { ...base, time: 0 }],
    ["revocation.mode unknown", { ...base, revocation: { mode: "maybe" } }],
    ["revocation.crls not an array", { ...base, revocation: { crls: "x" } }],
    ["revocation.fetch not a boolean", { ...base, revocation: { fetch: "yes" } }],
    ["policy.explicitPolicy not a boolean", { ...base, policy: { explicitPolicy: "yes" } }],
    ["policy.initialPolicySet not OIDs", { ...base, policy: { initialPolicySet: ["anyPolicy!"] } }],
    ["extendedKeyUsage a name instead of an OID", { ...base, extendedKeyUsage: ["serverAuth"] }],
    ["enforceAnchorConstraints not a boolean", { ...base, enforceAnchorConstraints: 1 }],
    ["limits.maxDepth negative", { ...base, limits: { maxDepth: -1 } }],
  ];
  for (const [what, options] of wrong) {
    it(`throws TypeError: ${what}`, async () => {
      await expect(verify(options as VerifyOptions)).rejects.toThrow(TypeError);
    });
  }
});
