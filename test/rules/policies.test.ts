// RFC 5280 6.1.3 (d)-(f), 6.1.4 (a), (b), (h)-(j), 6.1.5 (g): certificate policies,
// explicit policy, policy mapping and anyPolicy inhibition.
import { describe, expect, it } from "vitest";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import type { VerifyOptions } from "../../src/index.js";
import { expectError, expectValid, pki, run } from "./helpers.js";

const P1 = "1.3.6.1.4.1.55555.1.1";
const P2 = "1.3.6.1.4.1.55555.1.2";
const ANY = "2.5.29.32.0";

describe("certificate policies", () => {
  const p = pki("policies");
  const root = p.root("CN=Pol Root");
  const go = (ee: Entity, cas: Entity[], policy?: VerifyOptions["policy"]) => run(ee, { intermediates: cas, anchors: [root], options: { policy } });

  describe("basic policy processing", () => {
    const ca = p.ca("CN=Pol CA", root, { extensions: { certificatePolicies: [P1] } });
    it("passes: a common policy; the user-constrained policy set is [P1]", async () => {
      const r = await go(p.ee("CN=Pol EE 1", ca, { extensions: { certificatePolicies: [P1] } }), [ca]);
      expectValid(r);
      expect(r.policies).toEqual([P1]);
    });
    it("passes: no policies anywhere and none required; the policy set is empty", async () => {
      const plain = p.ca("CN=Pol Plain CA", root);
      const r = await go(p.ee("CN=Pol EE 2", plain), [plain]);
      expectValid(r);
      expect(r.policies).toEqual([]);
    });
    it("passes: anyPolicy all along gives [anyPolicy]", async () => {
      const anyCa = p.ca("CN=Pol Any CA", root, { extensions: { certificatePolicies: ["anyPolicy"] } });
      const r = await go(p.ee("CN=Pol EE 3", anyCa, { extensions: { certificatePolicies: ["anyPolicy"] } }), [anyCa]);
      expectValid(r);
      expect(r.policies).toEqual([ANY]);
    });
  });

  describe("requireExplicitPolicy (policyConstraints, RFC 5280 6.1.4 (i))", () => {
    const ca = p.ca("CN=Pol Explicit CA", root, { extensions: { certificatePolicies: [P1], policyConstraints: { requireExplicitPolicy: 0 } } });
    it("passes: the target carries the policy", async () => {
      const r = await go(p.ee("CN=Pol EE 4", ca, { extensions: { certificatePolicies: [P1] } }), [ca]);
      expectValid(r);
      expect(r.policies).toEqual([P1]);
    });
    it("fails POLICY: requireExplicitPolicy 0 and the target has no policy (6.1.3 (f))", async () => {
      const r = await go(p.ee("CN=Pol EE 5", ca), [ca]);
      expectError(r, "POLICY", 0, "CN=Pol EE 5", "RFC 5280 6.1.3 (f)");
    });
    it("fails POLICY: requireExplicitPolicy 1 counts the target; the check happens at wrap-up (6.1.5 (g))", async () => {
      const ca1 = p.ca("CN=Pol Explicit1 CA", root, { extensions: { policyConstraints: { requireExplicitPolicy: 1 } } });
      const r = await go(p.ee("CN=Pol EE 6", ca1), [ca1]);
      // Detected at wrap-up; attributed to the CA whose missing policies emptied the graph.
      expectError(r, "POLICY", 1, "CN=Pol Explicit1 CA", "RFC 5280 6.1.5 (g)");
      expect(r.error?.message).toContain("it has no certificatePolicies extension");
      expect(r.error?.message).toContain("requireExplicitPolicy 1 in certificate #1");
    });
    it("passes: requireExplicitPolicy 2 on a two-certificate path never takes effect", async () => {
      const ca2 = p.ca("CN=Pol Explicit2 CA", root, { extensions: { policyConstraints: { requireExplicitPolicy: 2 } } });
      expectValid(await go(p.ee("CN=Pol EE 7", ca2), [ca2]));
    });
  });

  describe("initial-explicit-policy and user-initial-policy-set (RFC 5280 6.1.1 (c), (f))", () => {
    const ca = p.ca("CN=Pol Init CA", root, { extensions: { certificatePolicies: [P1] } });
    const ee = p.ee("CN=Pol EE 8", ca, { extensions: { certificatePolicies: [P1] } });
    it("passes: explicit policy required and P1 everywhere", async () => {
      const r = await go(ee, [ca], { explicitPolicy: true });
      expectValid(r);
      expect(r.policies).toEqual([P1]);
    });
    it("fails POLICY: explicit policy required and the intermediate has no policies (certIndex 1)", async () => {
      const plain = p.ca("CN=Pol Plain CA 2", root);
      const r = await go(p.ee("CN=Pol EE 9", plain, { extensions: { certificatePolicies: [P1] } }), [plain], { explicitPolicy: true });
      expectError(r, "POLICY", 1, "CN=Pol Plain CA 2", "RFC 5280 6.1.3 (f)");
    });
    it("fails POLICY: explicit policy required and the initial set {P2} does not meet the path's {P1} (6.1.5 (g))", async () => {
      const r = await go(ee, [ca], { explicitPolicy: true, initialPolicySet: [P2] });
      expectError(r, "POLICY", 0, "CN=Pol EE 8", "RFC 5280 6.1.5 (g)");
    });
    it("passes: the same without explicit policy, with an empty policy set", async () => {
      const r = await go(ee, [ca], { initialPolicySet: [P2] });
      expectValid(r);
      expect(r.policies).toEqual([]);
    });
    it("accepts the PKITS spelling initialExplicitPolicy", async () => {
      const plain = p.ca("CN=Pol Plain CA 2", root);
      const r = await go(p.ee("CN=Pol EE 10", plain), [plain], { initialExplicitPolicy: true });
      expectError(r, "POLICY", 1, "CN=Pol Plain CA 2", "RFC 5280 6.1.3 (f)");
    });
  });

  describe("policy mapping (RFC 5280 6.1.4 (b)) and inhibitPolicyMapping", () => {
    // Pol Map CA 1 (P1, requireExplicitPolicy 0) -> Pol Map CA 2 (P1, maps P1 -> P2) -> EE (P2)
    const mapCa = (inhibit: boolean) =>
      p.ca(inhibit ? "CN=Pol Map CA 1 inhibit" : "CN=Pol Map CA 1", root, {
        extensions: { certificatePolicies: [P1], policyConstraints: inhibit ? { requireExplicitPolicy: 0, inhibitPolicyMapping: 0 } : { requireExplicitPolicy: 0 } },
      });
    const build = (inhibit: boolean) => {
      const ca1 = mapCa(inhibit);
      const ca2 = p.ca(`CN=Pol Map CA 2${inhibit ? " inhibit" : ""}`, ca1, { extensions: { certificatePolicies: [P1], policyMappings: [[P1, P2]] } });
      const ee = p.ee(`CN=Pol Map EE${inhibit ? " inhibit" : ""}`, ca2, { extensions: { certificatePolicies: [P2] } });
      return { ee, cas: [ca1, ca2] };
    };

    it("passes: P1 mapped to P2; the user-constrained policy set is the anchor-side policy P1", async () => {
      const { ee, cas } = build(false);
      const r = await go(ee, cas);
      expectValid(r);
      expect(r.policies).toEqual([P1]);
    });
    it("passes: with user-initial-policy-set {P1} (the issuer-domain policy)", async () => {
      const { ee, cas } = build(false);
      const r = await go(ee, cas, { initialPolicySet: [P1], explicitPolicy: true });
      expectValid(r);
      expect(r.policies).toEqual([P1]);
    });
    it("fails POLICY: user-initial-policy-set {P2} (the subject-domain policy) with explicit policy", async () => {
      const { ee, cas } = build(false);
      const r = await go(ee, cas, { initialPolicySet: [P2], explicitPolicy: true });
      expectError(r, "POLICY", 0, "CN=Pol Map EE", "RFC 5280 6.1.5 (g)");
    });
    it("fails POLICY: inhibitPolicyMapping 0 above the mapping CA deletes the mapped policy", async () => {
      const { ee, cas } = build(true);
      const r = await go(ee, cas);
      // Attributed to the CA whose mappings were deleted, naming what inhibited mapping.
      expectError(r, "POLICY", 1, "CN=Pol Map CA 2 inhibit", "RFC 5280 6.1.3 (f)");
      expect(r.error?.message).toContain("RFC 5280 6.1.4 (b)(2)");
      expect(r.error?.message).toContain("inhibitPolicyMapping 0 in certificate #2");
    });
    it("fails POLICY: initial-policy-mapping-inhibit set by the caller", async () => {
      const { ee, cas } = build(false);
      const r = await go(ee, cas, { policyMappingInhibit: true });
      expectError(r, "POLICY", 1, "CN=Pol Map CA 2", "RFC 5280 6.1.3 (f)");
      expect(r.error?.message).toContain("the initial-policy-mapping-inhibit input");
    });
  });

  describe("POLICY_MAPPING: no mapping to or from anyPolicy (RFC 5280 6.1.4 (a))", () => {
    it("fails: P1 mapped to anyPolicy", async () => {
      const ca = p.ca("CN=Pol Bad Map CA", root, { extensions: { certificatePolicies: [P1], policyMappings: [[P1, "anyPolicy"]] } });
      const r = await go(p.ee("CN=Pol EE 11", ca, { extensions: { certificatePolicies: [P1] } }), [ca]);
      expectError(r, "POLICY_MAPPING", 1, "CN=Pol Bad Map CA", "RFC 5280 6.1.4 (a)");
    });
    it("fails: anyPolicy mapped to P2", async () => {
      const ca = p.ca("CN=Pol Bad Map CA 2", root, { extensions: { certificatePolicies: ["anyPolicy"], policyMappings: [["anyPolicy", P2]] } });
      const r = await go(p.ee("CN=Pol EE 12", ca, { extensions: { certificatePolicies: [P2] } }), [ca]);
      expectError(r, "POLICY_MAPPING", 1, "CN=Pol Bad Map CA 2", "RFC 5280 6.1.4 (a)");
    });
  });

  describe("inhibitAnyPolicy (RFC 5280 6.1.4 (j), 6.1.1 (g))", () => {
    // Pol Any CA 1 (anyPolicy, requireExplicitPolicy 0[, inhibitAnyPolicy 0]) -> Pol Any CA 2 (anyPolicy) -> EE (P1)
    const build = (inhibit: boolean) => {
      const tag = inhibit ? " inhibit" : "";
      const ca1 = p.ca(`CN=Pol Any CA 1${tag}`, root, {
        extensions: { certificatePolicies: ["anyPolicy"], policyConstraints: { requireExplicitPolicy: 0 }, inhibitAnyPolicy: inhibit ? 0 : undefined },
      });
      const ca2 = p.ca(`CN=Pol Any CA 2${tag}`, ca1, { extensions: { certificatePolicies: ["anyPolicy"] } });
      const ee = p.ee(`CN=Pol Any EE${tag}`, ca2, { extensions: { certificatePolicies: [P1] } });
      return { ee, cas: [ca1, ca2] };
    };
    it("passes: anyPolicy is honoured on the intermediates; the set is [P1]", async () => {
      const { ee, cas } = build(false);
      const r = await go(ee, cas);
      expectValid(r);
      expect(r.policies).toEqual([P1]);
    });
    it("fails POLICY: inhibitAnyPolicy 0 makes the next CA's anyPolicy count for nothing", async () => {
      const { ee, cas } = build(true);
      const r = await go(ee, cas);
      expectError(r, "POLICY", 1, "CN=Pol Any CA 2 inhibit", "RFC 5280 6.1.3 (f)");
    });
    it("fails POLICY: initial-any-policy-inhibit set by the caller, with explicit policy", async () => {
      const ca = p.ca("CN=Pol Any Only CA", root, { extensions: { certificatePolicies: ["anyPolicy"] } });
      const ee = p.ee("CN=Pol EE 13", ca, { extensions: { certificatePolicies: [P1] } });
      expectValid(await go(ee, [ca], { explicitPolicy: true }));
      const r = await go(ee, [ca], { explicitPolicy: true, anyPolicyInhibit: true });
      expectError(r, "POLICY", 1, "CN=Pol Any Only CA", "RFC 5280 6.1.3 (f)");
    });
  });
});
