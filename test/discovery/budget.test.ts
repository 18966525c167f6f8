// Decoys and dense meshes against the call's budget (RFC 4158 8.1): a decoy issuer with
// the right name and the wrong key is cut by its signature; thousands of same-named
// decoys with cyclic cross-certificates and a 16384-bit RSA key cannot make a call run
// away; a 30-CA full mesh with no valid path ends on a named limit with `spent` filled
// in; a mesh with no anchor name in reach ends at once.
//
// Counts in `spent` are exact and asserted; wall-clock time is only reported (the
// benchmark measures it: bench/, hostile section).
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/pathbuilder/budget.js";
import { fabricateRsaPublicKey, keyIdentifier, type Entity, type KeyPair } from "../../testsuite/src/generate/pki.js";
import { dn, expectCode, expectPathDers, expectValid, OIDS, pki, run, timed } from "./helpers.js";

// Wall-clock speed is measured by the benchmark (bench/, "hostile" section), not asserted
// here: these tests assert the work each call did and that it ended within its budget.

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("one decoy issuer: right name, wrong key", () => {
  const p = pki("discovery-decoy");
  const root = p.root("CN=Decoy Root,O=Dom1,C=US");
  const ica = p.ca("CN=Issuing CA,O=Dom1,C=US", root);
  // Issued by the real root (a valid certificate), same name, another key, and even the
  // real CA's subject key identifier: only the signature tells them apart.
  const decoy = p.ca("CN=Issuing CA,O=Dom1,C=US", root, { keySeed: "decoy", extensions: { subjectKeyIdentifier: hex(keyIdentifier(ica.key.spki)) } });
  const ee = p.ee("CN=Leaf,O=Dom1,C=US", ica);

  it("is skipped: valid via the real issuer, few signature checks, decoy not in the path", async () => {
    const r = await run(ee, { intermediates: [decoy, ica], anchors: [root] });
    expectValid(r);
    expectPathDers(r, [ee.der, ica.der, root.der]);
    expect(r.path.some((e) => Buffer.from(e.der).equals(Buffer.from(decoy.der)))).toBe(false);
    expect(r.spent!.signatureChecks).toBeLessThanOrEqual(4);
    expect(r.candidates).toEqual([]);
  });

  it("alone, it gives INVALID_SIGNATURE naming the target and the decoy, not a path", async () => {
    const r = await run(ee, { intermediates: [decoy], anchors: [root] });
    expectCode(r, "INVALID_SIGNATURE");
    expect(r.error!.certIndex).toBe(0);
    expect(r.error!.message).toContain("CN=Leaf");
    expect(r.error!.message).toContain("CN=Issuing CA");
  });
});

describe("a storm of 3000 same-named decoys with cyclic cross-certificates and a 16384-bit RSA key", () => {
  const p = pki("discovery-storm");
  const NAME = "CN=Storm Issuing CA,O=Storm,C=US";
  const ROOT = "CN=Storm Root,O=Storm,C=US";
  const root = p.root(ROOT);
  const ica = p.ca(NAME, root);
  const ee = p.ee("CN=Storm EE,O=Storm,C=US", ica);
  const N = 3000;
  // Issuer stand-ins for keys that sign decoys (no self-signed certificate is needed).
  const as = (name: string, nameDer: Uint8Array, key: KeyPair) => ({ name, nameDer, key }) as unknown as Entity;
  const keys = Array.from({ length: N }, (_, i) => p.keyFor(NAME, "ed25519", `decoy-${i}`));
  const decoy = (i: number) => as(NAME, ica.nameDer, keys[i % N]!);
  // D_i certified by D_{i+1}: a cycle of N self-issued certificates under the CA's name.
  const cyclic = keys.map((_, i) => p.cross(decoy(i + 1), decoy(i)));
  // Ten decoys certify the real CA key too: paths through them lead into the cycle.
  const intoCycle = Array.from({ length: 10 }, (_, j) => p.cross(decoy(j), ica));
  // A decoy that claims the root as its issuer (signed by another key): keeps the
  // decoys' name in reach of the anchor, so name pruning cannot dismiss them.
  const fakeRootIssued = p.ca(NAME, as(ROOT, root.nameDer, p.keyFor(ROOT, "ed25519", "fake")), { key: keys[0]! });
  // 16384-bit RSA keys, fabricated (public part only): a CA with one, validly certified
  // by the root, that "signs" a cross-certificate to the real CA key; and a same-named
  // decoy carrying one.
  const huge = p.ca("CN=Huge Key CA,O=Storm,C=US", root, { key: fabricateRsaPublicKey(16384, "storm-huge") });
  const hugeCross = p.cross(huge, ica, { signatureValue: new Uint8Array(2048).fill(0x5a) });
  const hugeNamed = p.ca(NAME, root, { key: fabricateRsaPublicKey(16384, "storm-huge-2") });
  const storm = [...cyclic, ...intoCycle, fakeRootIssued, huge, hugeCross, hugeNamed];

  it("with the real issuer present (placed last): valid, exact path, a handful of signature checks", async () => {
    // The first sight of 3000+ certificates is mostly parsing (about 1 ms each on an idle
    // machine, src/parsing/cache.ts; several times that on a loaded one): it is given a
    // generous time budget here and reported, then the call is timed with the defaults.
    const cold = await timed(ee, { intermediates: [...storm, ica], anchors: [root], options: { limits: { timeoutMs: 120_000 } } });
    expectValid(cold.result);
    const warm = await timed(ee, { intermediates: [...storm, ica], anchors: [root] });
    expectValid(warm.result);
    expectPathDers(warm.result, [ee.der, ica.der, root.der]);
    expect(warm.result.spent!.signatureChecks).toBeLessThanOrEqual(4);
    expect(warm.result.spent!.steps).toBeLessThanOrEqual(2);
    expect(warm.result.spent!.elapsedMs).toBeLessThan(DEFAULT_LIMITS.timeoutMs);
    console.info(`storm (${storm.length + 1} certificates), real issuer present: first call ${cold.ms.toFixed(0)} ms, then ${warm.ms.toFixed(0)} ms`);
  });

  it("without the real issuer: ends on the default signature budget with a clear error, no decoy accepted", async () => {
    await run(ee, { intermediates: storm, anchors: [root], options: { limits: { timeoutMs: 120_000 } } }); // parse once
    const { result: r, ms } = await timed(ee, { intermediates: storm, anchors: [root] });
    expectCode(r, "BUDGET_EXCEEDED");
    expect(r.error!.message).toContain(`maxSignatureChecks budget of ${DEFAULT_LIMITS.maxSignatureChecks}`);
    expect(r.spent!.signatureChecks).toBe(DEFAULT_LIMITS.maxSignatureChecks);
    expect(r.spent!.steps).toBeLessThanOrEqual(DEFAULT_LIMITS.maxSteps);
    expect(r.spent!.maxDepthReached).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDepth);
    expect(r.spent!.elapsedMs).toBeLessThan(DEFAULT_LIMITS.timeoutMs);
    console.info(`storm, real issuer absent: ${ms.toFixed(0)} ms, spent ${JSON.stringify(r.spent)}`);
  });

  it("the 16384-bit key is never used: only the huge-key cross-certificate leads anywhere -> WEAK_KEY, at once", async () => {
    const { result: r } = await timed(ee, { intermediates: [huge, hugeCross, hugeNamed], anchors: [root] });
    expectCode(r, "WEAK_KEY");
    expect(r.error!.message).toContain("16384");
    expect(r.error!.message).toContain("CN=Huge Key CA");
    // The EE's signature with the real CA key (carried by the cross-certificate) is the only computation.
    expect(r.spent!.signatureChecks).toBeLessThanOrEqual(1);
  });

  it("with the huge-key decoys and the real issuer: valid, the decoys are not in the path", async () => {
    const r = await run(ee, { intermediates: [hugeNamed, hugeCross, huge, ica], anchors: [root] });
    expectValid(r);
    expectPathDers(r, [ee.der, ica.der, root.der]);
  });
});

describe("a dense 30-CA full mesh", () => {
  const p = pki("discovery-dense-mesh");
  const SIZE = 30;
  const name = (i: number) => `CN=Mesh CA ${i},O=Mesh,C=US`;
  const cas = Array.from({ length: SIZE }, (_, i) => p.root(name(i), { extensions: { certificatePolicies: [OIDS.P2] } }));
  // Every CA cross-certifies every other: 870 cross-certificates, all asserting P2 only.
  const crosses = cas.flatMap((a, i) => cas.flatMap((b, j) => (i === j ? [] : [p.cross(a, b, { extensions: { certificatePolicies: [OIDS.P2] } })])));
  const bag = [...crosses, ...cas];
  const ee = p.ee("CN=Mesh EE,O=Mesh,C=US", cas[SIZE - 1]!, { extensions: { certificatePolicies: [OIDS.P2] } });

  it("anchor with the right name and a different key: BUDGET_EXCEEDED on maxSteps, `spent` reports the work", async () => {
    const wrongKeyAnchor = p.root(name(0), { keySeed: "not-the-mesh-key" });
    await run(ee, { intermediates: bag, anchors: [wrongKeyAnchor], options: { limits: { maxSteps: 1, timeoutMs: 120_000 } } }); // parse once
    const { result: r, ms } = await timed(ee, { intermediates: bag, anchors: [wrongKeyAnchor] });
    expectCode(r, "BUDGET_EXCEEDED");
    expect(r.error!.message).toContain(`maxSteps budget of ${DEFAULT_LIMITS.maxSteps}`);
    expect(r.spent!.steps).toBe(DEFAULT_LIMITS.maxSteps);
    expect(r.spent!.signatureChecks).toBeGreaterThan(0);
    expect(r.spent!.signatureChecks).toBeLessThan(DEFAULT_LIMITS.maxSignatureChecks);
    expect(r.spent!.candidatePaths).toBe(0);
    // Iterative deepening spends the steps on the shallow levels first.
    expect(r.spent!.maxDepthReached).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDepth);
    expect(r.spent!.elapsedMs).toBeLessThan(DEFAULT_LIMITS.timeoutMs);
    expect(ms).toBeLessThan(DEFAULT_LIMITS.timeoutMs);
    console.info(`dense mesh, wrong-key anchor: ${ms.toFixed(0)} ms, spent ${JSON.stringify(r.spent)}`);
  });

  it("the right anchor, but every path fails on policy: BUDGET_EXCEEDED on maxCandidatePaths, every candidate reported", async () => {
    const { result: r } = await timed(ee, { intermediates: bag, anchors: [cas[0]!], options: { policy: { initialPolicySet: [OIDS.P1], explicitPolicy: true } } });
    expectCode(r, "BUDGET_EXCEEDED");
    expect(r.error!.message).toContain(`maxCandidatePaths budget of ${DEFAULT_LIMITS.maxCandidatePaths}`);
    expect(r.error!.message).toContain("the best with POLICY");
    expect(r.spent!.candidatePaths).toBe(DEFAULT_LIMITS.maxCandidatePaths);
    expect(r.candidates).toHaveLength(DEFAULT_LIMITS.maxCandidatePaths);
    expect(r.candidates!.every((c) => c.error?.code === "POLICY")).toBe(true);
    expect(r.candidates!.every((c) => c.path[0] === dn("CN=Mesh EE,O=Mesh,C=US") && c.path[c.path.length - 1] === dn(name(0)))).toBe(true);
  });

  it("the same mesh and anchor with the policy the mesh asserts: valid on the first candidate, the shortest path", async () => {
    const r = await run(ee, { intermediates: bag, anchors: [cas[0]!], options: { policy: { initialPolicySet: [OIDS.P2], explicitPolicy: true } } });
    expectValid(r);
    expect(r.path).toHaveLength(3);
    expect(r.spent!.candidatePaths).toBe(1);
  });

  it("no anchor name reachable at all: NO_PATH in milliseconds, no step taken", async () => {
    const elsewhere = p.root("CN=Elsewhere Root,O=Other,C=US");
    await run(ee, { intermediates: bag, anchors: [elsewhere], options: { limits: { timeoutMs: 120_000 } } }); // parse once
    const { result: r } = await timed(ee, { intermediates: bag, anchors: [elsewhere] });
    expectCode(r, "NO_PATH");
    expect(r.spent!.steps).toBe(0);
    expect(r.spent!.signatureChecks).toBe(0);
  });

  it.each([
    ["maxSteps", { maxSteps: 50 }, "maxSteps budget of 50"],
    ["maxSignatureChecks", { maxSignatureChecks: 10 }, "maxSignatureChecks budget of 10"],
    ["timeoutMs", { timeoutMs: 30 }, "timeoutMs budget of 30"],
  ] as const)("limits.%s is honoured and named in the message", async (kind, limits, text) => {
    const wrongKeyAnchor = p.root(name(0), { keySeed: "not-the-mesh-key" });
    const { result: r } = await timed(ee, { intermediates: bag, anchors: [wrongKeyAnchor], options: { limits } });
    expectCode(r, "BUDGET_EXCEEDED");
    expect(r.error!.message).toContain(text);
    if (kind === "maxSteps") expect(r.spent!.steps).toBe(50);
    if (kind === "maxSignatureChecks") expect(r.spent!.signatureChecks).toBe(10);
    if (kind === "timeoutMs") expect(r.spent!.elapsedMs).toBeGreaterThanOrEqual(30);
  });

  it("limits.maxDepth cuts a path that needs more certificates", async () => {
    const chainP = pki("discovery-depth");
    const r0 = chainP.root("CN=Depth Root");
    const c1 = chainP.ca("CN=Depth 1", r0);
    const c2 = chainP.ca("CN=Depth 2", c1);
    const c3 = chainP.ca("CN=Depth 3", c2);
    const leaf = chainP.ee("CN=Depth Leaf", c3);
    expectValid(await run(leaf, { intermediates: [c1, c2, c3], anchors: [r0], options: { limits: { maxDepth: 4 } } }));
    const r = await run(leaf, { intermediates: [c1, c2, c3], anchors: [r0], options: { limits: { maxDepth: 3 } } });
    expectCode(r, "BUDGET_EXCEEDED");
    expect(r.error!.message).toContain("maxDepth 3");
  });
});
