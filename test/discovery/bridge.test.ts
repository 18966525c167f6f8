// Bridge CA paths with policy mapping (RFC 5217 3.2-3.4, RFC 4158 1.5.4, RFC 5280
// 6.1.4 (b)): the relying party of domain 1 anchors at its own Principal CA and
// reaches domain 3 through the Bridge CA; the policy comes back in domain-1 terms.
import { describe, expect, it } from "vitest";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { dn, expectCode, expectPathDers, expectValid, OIDS, pki, run, subjects } from "./helpers.js";

const { P1, P3, PB, PB1, PB2, P2 } = OIDS;
const EXPLICIT_P1 = { policy: { initialPolicySet: [P1], explicitPolicy: true } };

describe("one bridge: PCA1 <-> BCA <-> PCA3", () => {
  const p = pki("discovery-bridge");
  const pca1 = p.root("CN=PCA1,O=Dom1,C=US", { extensions: { certificatePolicies: [P1] } });
  const bca = p.root("CN=Bridge CA,O=Bridge,C=US", { extensions: { certificatePolicies: [PB] } });
  const pca3 = p.root("CN=PCA3,O=Dom3,C=US", { extensions: { certificatePolicies: [P3] } });

  // The certificate PCA1 issues to the BCA: domain-1 policy P1 is equivalent to PB.
  const pca1ToBca = (extra: object = {}) =>
    p.cross(pca1, bca, { extensions: { certificatePolicies: [P1], policyMappings: [[P1, PB]], ...extra } });
  // The certificate the BCA issues to PCA3: PB is equivalent to domain-3 policy P3.
  const bcaToPca3 = p.cross(bca, pca3, { extensions: { certificatePolicies: [PB], policyMappings: [[PB, P3]] } });
  // The reverse direction, present in the bag as a directory would hold it.
  const bcaToPca1 = p.cross(bca, pca1, { extensions: { certificatePolicies: [PB], policyMappings: [[PB, P1]] } });
  const pca3ToBca = p.cross(pca3, bca, { extensions: { certificatePolicies: [P3], policyMappings: [[P3, PB]] } });
  const ee = p.ee("CN=Alice,O=Dom3,C=US", pca3, { extensions: { certificatePolicies: [P3] } });

  const bag = (fwd: Entity) => [bcaToPca1, pca3ToBca, bca, pca3, fwd, bcaToPca3];

  it("valid with initialPolicySet [P1] and explicit policy; policies in domain-1 terms; exact path", async () => {
    const fwd = pca1ToBca();
    const r = await run(ee, { intermediates: bag(fwd), anchors: [pca1], options: EXPLICIT_P1 });
    expectValid(r);
    expect(r.policies).toEqual([P1]);
    expect(subjects(r)).toEqual([dn("CN=Alice,O=Dom3,C=US"), dn("CN=PCA3,O=Dom3,C=US"), dn("CN=Bridge CA,O=Bridge,C=US"), dn("CN=PCA1,O=Dom1,C=US")]);
    expectPathDers(r, [ee.der, bcaToPca3.der, fwd.der, pca1.der]);
  });

  it("valid under anyPolicy too, reporting the domain-1 policy", async () => {
    const r = await run(ee, { intermediates: bag(pca1ToBca()), anchors: [pca1] });
    expectValid(r);
    expect(r.policies).toEqual([P1]);
  });

  it("invalid when the relying party asks only for a policy domain 3 never maps to (P2)", async () => {
    const r = await run(ee, { intermediates: bag(pca1ToBca()), anchors: [pca1], options: { policy: { initialPolicySet: [P2], explicitPolicy: true } } });
    expectCode(r, "POLICY");
  });

  it("invalid with inhibitPolicyMapping 0 on the PCA1->BCA cross-certificate (RFC 5217 3.2.3)", async () => {
    const fwd = pca1ToBca({ policyConstraints: { inhibitPolicyMapping: 0 } });
    const r = await run(ee, { intermediates: bag(fwd), anchors: [pca1], options: EXPLICIT_P1 });
    expectCode(r, "POLICY");
    expect(r.policies).toEqual([]);
    expect(r.candidates?.length).toBe(1);
    const first = r.candidates![0]!;
    expect(first.error?.code).toBe("POLICY");
    expect(first.path).toEqual([dn("CN=Alice,O=Dom3,C=US"), dn("CN=PCA3,O=Dom3,C=US"), dn("CN=Bridge CA,O=Bridge,C=US"), dn("CN=PCA1,O=Dom1,C=US")]);
    // The reported path is the bridge path, with the inhibiting cross-certificate in it.
    expectPathDers(r, [ee.der, bcaToPca3.der, fwd.der, pca1.der]);
  });

  it("the first candidate's error names the bridge cross-certificate where the mapping is refused", async () => {
    // The inhibit in PCA1->BCA takes effect at the mapping PB->P3 of the certificate the
    // bridge issued to PCA3 (path index 1): that is where the policy graph empties. The
    // EE (index 0) asserts P3 exactly as its domain defines it and is not the culprit.
    const fwd = pca1ToBca({ policyConstraints: { inhibitPolicyMapping: 0 } });
    const r = await run(ee, { intermediates: bag(fwd), anchors: [pca1], options: EXPLICIT_P1 });
    const first = r.candidates![0]!;
    expect(first.error?.code).toBe("POLICY");
    expect(first.error?.message, "names the cross-certificate BCA->PCA3 or PCA1->BCA").toMatch(/CN=PCA3|CN=Bridge CA/);
    expect([1, 2]).toContain(first.error?.certIndex);
  });

  it("initial-policy-mapping-inhibit set by the relying party also refuses the bridge (RFC 5217 3.5)", async () => {
    const r = await run(ee, {
      intermediates: bag(pca1ToBca()),
      anchors: [pca1],
      options: { policy: { initialPolicySet: [P1], explicitPolicy: true, policyMappingInhibit: true } },
    });
    expectCode(r, "POLICY");
  });
});

describe("two bridges in sequence: Dom1 <-> BCA1 <-> BCA2 <-> Dom2", () => {
  const p = pki("discovery-two-bridges");
  const dom1 = p.root("CN=Dom1 PCA,O=Dom1,C=US");
  const bca1 = p.root("CN=BCA1,O=Bridge1,C=US");
  const bca2 = p.root("CN=BCA2,O=Bridge2,C=US");
  const dom2 = p.root("CN=Dom2 PCA,O=Dom2,C=US");
  // Forward chain with a mapping in every cross-certificate: P1 -> PB1 -> PB2 -> P2.
  const dom1ToBca1 = p.cross(dom1, bca1, { extensions: { certificatePolicies: [P1], policyMappings: [[P1, PB1]] } });
  const bca1ToBca2 = p.cross(bca1, bca2, { extensions: { certificatePolicies: [PB1], policyMappings: [[PB1, PB2]] } });
  const bca2ToDom2 = p.cross(bca2, dom2, { extensions: { certificatePolicies: [PB2], policyMappings: [[PB2, P2]] } });
  // Reverse direction.
  const bca1ToDom1 = p.cross(bca1, dom1, { extensions: { certificatePolicies: [PB1], policyMappings: [[PB1, P1]] } });
  const bca2ToBca1 = p.cross(bca2, bca1, { extensions: { certificatePolicies: [PB2], policyMappings: [[PB2, PB1]] } });
  const dom2ToBca2 = p.cross(dom2, bca2, { extensions: { certificatePolicies: [P2], policyMappings: [[P2, PB2]] } });
  const sub = p.ca("CN=Dom2 Issuing CA,O=Dom2,C=US", dom2, { extensions: { certificatePolicies: [P2] } });
  const ee = p.ee("CN=Bob,O=Dom2,C=US", sub, { extensions: { certificatePolicies: [P2] } });
  const all = [bca1ToDom1, bca2ToBca1, dom2ToBca2, bca1, bca2, dom2, sub, bca2ToDom2, bca1ToBca2, dom1ToBca1];

  it("valid, exact path through both bridges, policy reported as P1", async () => {
    const r = await run(ee, { intermediates: all, anchors: [dom1], options: EXPLICIT_P1 });
    expectValid(r);
    expect(r.policies).toEqual([P1]);
    expect(subjects(r)).toEqual([
      dn("CN=Bob,O=Dom2,C=US"),
      dn("CN=Dom2 Issuing CA,O=Dom2,C=US"),
      dn("CN=Dom2 PCA,O=Dom2,C=US"),
      dn("CN=BCA2,O=Bridge2,C=US"),
      dn("CN=BCA1,O=Bridge1,C=US"),
      dn("CN=Dom1 PCA,O=Dom1,C=US"),
    ]);
    expectPathDers(r, [ee.der, sub.der, bca2ToDom2.der, bca1ToBca2.der, dom1ToBca1.der, dom1.der]);
  });

  it("the relying party of Dom2 gets the same EE in its own terms (P2), through its own anchor", async () => {
    const r = await run(ee, { intermediates: all, anchors: [dom2], options: { policy: { initialPolicySet: [P2], explicitPolicy: true } } });
    expectValid(r);
    expect(r.policies).toEqual([P2]);
    expectPathDers(r, [ee.der, sub.der, dom2.der]);
  });

  it("a second bridge that drops the mapping breaks the chain of equivalence (POLICY)", async () => {
    const unmapped = p.cross(bca1, bca2, { extensions: { certificatePolicies: [PB1] } });
    const r = await run(ee, {
      intermediates: [bca1ToDom1, bca2ToBca1, dom2ToBca2, sub, bca2ToDom2, unmapped, dom1ToBca1],
      anchors: [dom1],
      options: EXPLICIT_P1,
    });
    expectCode(r, "POLICY");
  });
});
