// A bridge PKI as real ones are built (issue 9: in the US Federal PKI most cross-certificates
// carry a non-critical policyConstraints): valid in the default profile with the deviations
// listed, invalid in the strict profile (RFC 5280 4.2.1.11: the extension MUST be critical).
import { describe, expect, it } from "vitest";
import { expectError, expectValid, pki, run } from "./helpers.js";

const P = "2.16.840.1.101.3.2.1.3.13"; // a policy OID both domains share through the bridge

describe("bridge CA whose cross-certificates carry non-critical policyConstraints", () => {
  const p = pki("bridge-profile");
  const rootA = p.root("CN=Domain A Root,O=A,C=US");
  const bridge = p.root("CN=Bridge CA,O=Bridge,C=US");
  const rootB = p.root("CN=Domain B Root,O=B,C=US");
  const loose = { certificatePolicies: [P], policyConstraints: { requireExplicitPolicy: 0 }, critical: { policyConstraints: false } };
  const aToBridge = p.cross(rootA, bridge, { extensions: loose });
  const bridgeToB = p.cross(bridge, rootB, { extensions: loose });
  const ee = p.ee("CN=Member B Server,O=B,C=US", rootB, { extensions: { certificatePolicies: [P] } });
  const go = (profile?: "strict") =>
    run(ee, { intermediates: [bridgeToB, aToBridge], anchors: [rootA], options: profile ? { profile } : {} });

  it("default profile: valid through the bridge, policy P, both cross-certificates listed as deviations", async () => {
    const r = await go();
    expectValid(r);
    expect(r.path.map((e) => e.subject)).toEqual(["C=US, O=B, CN=Member B Server", "C=US, O=B, CN=Domain B Root", "C=US, O=Bridge, CN=Bridge CA", "C=US, O=A, CN=Domain A Root"]);
    expect(r.policies).toEqual([P]);
    expect(r.deviations).toEqual([
      { certIndex: 2, rule: "policyConstraints-critical", section: "RFC 5280 4.2.1.11" },
      { certIndex: 1, rule: "policyConstraints-critical", section: "RFC 5280 4.2.1.11" },
    ]);
  });

  it("strict profile: PROFILE at the cross-certificate nearest the anchor", async () => {
    expectError(await go("strict"), "PROFILE", 2, "CN=Bridge CA", "RFC 5280 4.2.1.11");
  });

  it("the policyConstraints still work in the default profile: a member certificate without P fails POLICY", async () => {
    const other = p.ee("CN=Member B Other,O=B,C=US", rootB, { extensions: { certificatePolicies: ["1.2.3.4"] } });
    const r = await run(other, { intermediates: [bridgeToB, aToBridge], anchors: [rootA] });
    expectError(r, "POLICY", 0, "CN=Member B Other", "RFC 5280 6.1.3 (f)");
  });
});
