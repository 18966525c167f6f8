// Diagnostics of a failed (or eventually successful) search: `candidates` lists every
// complete candidate path validated, with its first error, best first; the result's
// `error` and `path` are those of the best candidate; `spent` says what the call used.
// "Best" is the failure that got furthest down the path, i.e. nearest the target
// (smallest certIndex), then the shorter path.
import { describe, expect, it } from "vitest";
import type { CandidateReport, VerifyResult } from "../../src/index.js";
import { dn, expectCode, expectValid, OIDS, pki, run } from "./helpers.js";

const { P1, P3, PB } = OIDS;

function expectBestFirst(r: VerifyResult): CandidateReport[] {
  const c = r.candidates!;
  expect(c.length).toBeGreaterThan(0);
  for (const x of c) expect(x.error, `candidate ${x.path.join(" <- ")} carries its first error`).toBeDefined();
  expect(r.error).toEqual(c[0]!.error);
  expect(r.path.map((e) => e.subject)).toEqual(c[0]!.path);
  const key = (x: CandidateReport) => [x.error!.certIndex ?? Infinity, x.path.length];
  for (let i = 1; i < c.length; i++) {
    const [a0, a1] = key(c[0]!);
    const [b0, b1] = key(c[i]!);
    expect(a0 < b0 || (a0 === b0 && a1! <= b1!), `candidate 0 is at least as good as candidate ${i}`).toBe(true);
  }
  return c;
}

describe("a bridge path failing on inhibited mapping and a direct path failing on expiry", () => {
  const p = pki("discovery-diagnostics");
  const pca1 = p.root("CN=PCA1,O=Dom1,C=US");
  const bca = p.root("CN=Bridge CA,O=Bridge,C=US");
  const pca3 = p.root("CN=PCA3,O=Dom3,C=US");
  const pca1ToBca = p.cross(pca1, bca, {
    extensions: { certificatePolicies: [P1], policyMappings: [[P1, PB]], policyConstraints: { inhibitPolicyMapping: 0 } },
  });
  const bcaToPca3 = p.cross(bca, pca3, { extensions: { certificatePolicies: [PB], policyMappings: [[PB, P3]] } });
  const directExpired = p.cross(pca1, pca3, { notBefore: -400, notAfter: -30, extensions: { certificatePolicies: [P1], policyMappings: [[P1, P3]] } });
  const ee = p.ee("CN=Carol,O=Dom3,C=US", pca3, { extensions: { certificatePolicies: [P3] } });
  const opts = { policy: { initialPolicySet: [P1], explicitPolicy: true } };

  it("both candidates are listed with their first error, best first, and the result reports the best", async () => {
    const r = await run(ee, { intermediates: [directExpired, pca1ToBca, bcaToPca3], anchors: [pca1], options: opts });
    expect(r.valid).toBe(false);
    const c = expectBestFirst(r);
    expect(c).toHaveLength(2);
    const direct = c.find((x) => x.path.length === 3)!;
    const bridge = c.find((x) => x.path.length === 4)!;
    expect(direct.path).toEqual([dn("CN=Carol,O=Dom3,C=US"), dn("CN=PCA3,O=Dom3,C=US"), dn("CN=PCA1,O=Dom1,C=US")]);
    expect(direct.error).toMatchObject({ code: "EXPIRED", certIndex: 1 });
    expect(direct.error!.message).toContain("CN=PCA3");
    expect(direct.error!.message).toContain("RFC 5280 6.1.3 (a)(2)");
    expect(bridge.path).toEqual([dn("CN=Carol,O=Dom3,C=US"), dn("CN=PCA3,O=Dom3,C=US"), dn("CN=Bridge CA,O=Bridge,C=US"), dn("CN=PCA1,O=Dom1,C=US")]);
    expect(bridge.error!.code).toBe("POLICY");
    expect(r.spent!.candidatePaths).toBe(2);
  });

  it("the same with the expired certificate current: the direct path validates, the bridge is not needed", async () => {
    const directOk = p.cross(pca1, pca3, { extensions: { certificatePolicies: [P1], policyMappings: [[P1, P3]] } });
    const r = await run(ee, { intermediates: [directOk, pca1ToBca, bcaToPca3], anchors: [pca1], options: opts });
    expectValid(r);
    expect(r.path).toHaveLength(3);
    expect(r.policies).toEqual([P1]);
  });
});

describe("three candidates failing at three depths", () => {
  const p = pki("discovery-diagnostics-3");
  const root = p.root("CN=Diag Root,O=Diag,C=US");
  const mid = p.ca("CN=Diag Mid,O=Diag,C=US", root, { extensions: { keyUsage: ["cRLSign"] } }); // no keyCertSign
  const caKeyHolder = p.root("CN=Diag CA,O=Diag,C=US");
  const viaRootExpired = p.cross(root, caKeyHolder, { notBefore: -400, notAfter: -1 });
  const viaRootExcluding = p.cross(root, caKeyHolder, { extensions: { nameConstraints: { excluded: ["dn:CN=diag-ee,O=Diag,C=US"] } } });
  const viaMid = p.cross(mid, caKeyHolder);
  const ee = p.ee("CN=diag-ee,O=Diag,C=US", caKeyHolder);

  const bag = [viaMid, mid, viaRootExpired, viaRootExcluding];

  it("lists all three with their first errors; the best (NAME_CONSTRAINTS at #0) first and reported", async () => {
    const r = await run(ee, { intermediates: bag, anchors: [root] });
    expect(r.valid).toBe(false);
    const c = expectBestFirst(r);
    expect(c).toHaveLength(3);
    expect(c[0]!.error).toMatchObject({ code: "NAME_CONSTRAINTS", certIndex: 0 });
    expect(c.map((x) => `${x.error!.code}@${x.error!.certIndex}`).sort()).toEqual(["EXPIRED@1", "KEY_USAGE@2", "NAME_CONSTRAINTS@0"]);
    expectCode(r, "NAME_CONSTRAINTS");
    expect(r.path.map((e) => e.subject)).toEqual([dn("CN=diag-ee,O=Diag,C=US"), dn("CN=Diag CA,O=Diag,C=US"), dn("CN=Diag Root,O=Diag,C=US")]);
    expect(Buffer.from(r.path[1]!.der).equals(Buffer.from(viaRootExcluding.der))).toBe(true);
    expect(c.find((x) => x.error!.code === "KEY_USAGE")!.path).toEqual([dn("CN=diag-ee,O=Diag,C=US"), dn("CN=Diag CA,O=Diag,C=US"), dn("CN=Diag Mid,O=Diag,C=US"), dn("CN=Diag Root,O=Diag,C=US")]);
    expect(r.spent).toMatchObject({ candidatePaths: 3 });
  });

  it("the whole list is ordered best first: NAME_CONSTRAINTS (#0), EXPIRED (#1), KEY_USAGE (#2)", async () => {
    const r = await run(ee, { intermediates: bag, anchors: [root] });
    expect(r.candidates!.map((x) => [x.error!.code, x.error!.certIndex])).toEqual([
      ["NAME_CONSTRAINTS", 0],
      ["EXPIRED", 1],
      ["KEY_USAGE", 2],
    ]);
  });

  it("a valid result still lists the candidates that failed before it", async () => {
    const good = p.cross(root, caKeyHolder, { notAfter: 100 });
    const r = await run(ee, { intermediates: [viaRootExcluding, good], anchors: [root] });
    expectValid(r);
    expect(Buffer.from(r.path[1]!.der).equals(Buffer.from(good.der))).toBe(true);
    // Whatever was tried first and failed is reported; nothing that passed is.
    for (const x of r.candidates!) expect(x.error).toBeDefined();
    expect(r.spent!.candidatePaths).toBe(r.candidates!.length + 1);
  });

  it("no complete candidate at all: NO_PATH naming the target and its issuer, empty candidates, spent filled in", async () => {
    const r = await run(ee, { intermediates: [viaMid], anchors: [root] });
    expectCode(r, "NO_PATH");
    expect(r.error!.message).toContain(dn("CN=diag-ee,O=Diag,C=US"));
    expect(r.error!.message).toContain(dn("CN=Diag CA,O=Diag,C=US"));
    expect(r.candidates).toEqual([]);
    expect(r.spent).toBeDefined();
    expect(r.spent!.candidatePaths).toBe(0);
  });
});
