// The prepared verifier (contract.md "createVerifier"): the same answers as the one-shot
// door; add/remove publish new snapshots while a call in flight keeps its own; the
// reachability map follows add/remove; per-call intermediates and overrides; many calls
// in flight give the same verdicts as the same calls one by one.
import { describe, expect, it } from "vitest";
import { createVerifier, verify, type AsyncIssuerSource, type Certificate, type VerifyResult } from "../../src/index.js";
import { NOW, OIDS, pki } from "../discovery/helpers.js";

const p = pki("verifier-api");
const rootA = p.root("CN=Root A,O=Dom A,C=US");
const rootB = p.root("CN=Root B,O=Dom B,C=US");
const bridge = p.root("CN=Bridge,O=Bridge,C=US");
const caA = p.ca("CN=CA A,O=Dom A,C=US", rootA, { extensions: { certificatePolicies: [OIDS.P1] } });
const caB = p.ca("CN=CA B,O=Dom B,C=US", rootB);
// Root B <-> Bridge <-> Root A
const bToBridge = p.cross(rootB, bridge);
const bridgeToA = p.cross(bridge, rootA);
const leafA = p.ee("CN=Leaf A,O=Dom A,C=US", caA, { extensions: { certificatePolicies: [OIDS.P1], extKeyUsage: ["clientAuth"] } });
const leafB = p.ee("CN=Leaf B,O=Dom B,C=US", caB);
const expired = p.ee("CN=Expired A,O=Dom A,C=US", caA, { notAfter: new Date(NOW.getTime() - 86_400_000) });
const stranger = p.ee("CN=Stranger,O=Nowhere,C=US", p.root("CN=Nowhere Root,O=Nowhere,C=US"));
const intermediates = [caA.der, caB.der, bToBridge.der, bridgeToA.der];

/** The fields the contract fixes, plus the code, for comparing two results. */
const verdict = (r: VerifyResult) => ({ valid: r.valid, code: r.error?.code, certIndex: r.error?.certIndex, path: r.path.map((e) => e.subject), policies: r.policies });

describe("createVerifier", () => {
  it("answers as the one-shot door does, for valid, invalid and unknown targets", async () => {
    const config = { intermediates, trustAnchors: [rootB.der], time: NOW };
    const v = createVerifier(config);
    for (const t of [leafA, leafB, expired, stranger, caA]) {
      const one = await verify({ ...config, target: t.der });
      const prepared = await v.verify(t.der);
      expect(verdict(prepared)).toEqual(verdict(one));
    }
    expect(verdict(await v.verify(leafA.der))).toMatchObject({ valid: true, path: ["C=US, O=Dom A, CN=Leaf A", "C=US, O=Dom A, CN=CA A", "C=US, O=Dom A, CN=Root A", "C=US, O=Bridge, CN=Bridge", "C=US, O=Dom B, CN=Root B"] });
    expect(verdict(await v.verify(expired.der)).code).toBe("EXPIRED");
    expect(verdict(await v.verify(stranger.der)).code).toBe("NO_PATH");
  });

  it("per-call overrides: time, policy, EKU and limits apply to that call only", async () => {
    const v = createVerifier({ intermediates, trustAnchors: [rootB.der], time: NOW });
    const r1 = await v.verify(leafA.der, { policy: { initialPolicySet: [OIDS.P2], explicitPolicy: true } });
    expect(r1.error?.code).toBe("POLICY");
    const r2 = await v.verify(leafA.der, { time: new Date(NOW.getTime() + 50 * 365 * 86_400_000) });
    // 50 years on, the root certificate has expired too: anchor constraints apply by default (RFC 5937).
    expect(r2.error?.code).toBe("ANCHOR_CONSTRAINTS");
    const r3 = await v.verify(leafA.der, { limits: { maxDepth: 2 } });
    expect(r3.error?.code).toBe("BUDGET_EXCEEDED");
    const r4 = await v.verify(leafA.der, { extendedKeyUsage: ["1.3.6.1.5.5.7.3.1"] });
    expect(r4.error?.code).toBe("EXTENDED_KEY_USAGE");
    // The configuration is untouched by the calls above.
    expect((await v.verify(leafA.der)).valid).toBe(true);
  });

  it("per-call intermediates (an x5chain) are used for that call only", async () => {
    const v = createVerifier({ trustAnchors: [rootA.der], time: NOW });
    expect((await v.verify(leafA.der)).error?.code).toBe("NO_PATH");
    const r = await v.verify(leafA.der, { intermediates: [caA.der] });
    expect(r.valid).toBe(true);
    expect((await v.verify(leafA.der)).error?.code).toBe("NO_PATH");
    expect(v.stats().certificates).toBe(0);
  });

  it("add and remove: intermediates, anchors and the reachability map follow", async () => {
    const v = createVerifier({ trustAnchors: [rootB.der], time: NOW });
    expect((await v.verify(leafA.der)).error?.code).toBe("NO_PATH");
    expect(v.stats().reachableNames).toBe(1);
    // Added one at a time, from the anchor's side outwards and in reverse: reachability is incremental.
    expect(v.add({ intermediates: [caA.der] }).count).toBe(1);
    expect(v.stats().reachableNames).toBe(1);
    v.add({ intermediates: [bridgeToA.der] });
    expect(v.stats().reachableNames).toBe(1);
    v.add({ intermediates: [bToBridge.der, bToBridge.der] });
    // Root B -> Bridge -> Root A -> CA A now reach the anchor.
    expect(v.stats().reachableNames).toBe(4);
    expect((await v.verify(leafA.der)).valid).toBe(true);
    // Removing the bridge cross-certificate cuts Domain A off again.
    expect(v.remove({ intermediates: [bridgeToA.der] }).count).toBe(1);
    expect(v.stats().reachableNames).toBe(2);
    expect((await v.verify(leafA.der)).error?.code).toBe("NO_PATH");
    // An anchor added directly for Domain A.
    v.add({ trustAnchors: [rootA.der] });
    expect(v.stats().trustAnchors).toBe(2);
    const r = await v.verify(leafA.der);
    expect(r.valid).toBe(true);
    expect(r.path.at(-1)!.subject).toBe("C=US, O=Dom A, CN=Root A");
    v.remove({ trustAnchors: [rootA.der] });
    expect((await v.verify(leafA.der)).error?.code).toBe("NO_PATH");
    expect(v.stats().generation).toBe(6);
  });

  it("add skips unreadable entries with a warning naming each; remove of something not held says so", () => {
    const v = createVerifier({ trustAnchors: [rootB.der], time: NOW });
    const change = v.add({ intermediates: [caA.der, new Uint8Array([0x30, 0x03, 1, 2, 3]), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"] });
    expect(change.count).toBe(1);
    expect(change.warnings).toHaveLength(2);
    expect(change.warnings[0]).toContain("add intermediates[1]");
    expect(change.warnings[1]).toContain("add intermediates[2]");
    const gone = v.remove({ intermediates: [caB.der] });
    expect(gone).toEqual({ count: 0, warnings: ["remove: 1 of 1 entries were not held"] });
  });

  it("a call in flight keeps its snapshot: an anchor removed meanwhile still counts for it, not for the next call", async () => {
    // An asynchronous source that hands over CA A only when released: the call's first
    // round finds no path and waits on it; the anchor is removed while it waits.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let asked = 0;
    const slow: AsyncIssuerSource = {
      async issuersFor(): Promise<Certificate[]> {
        asked++;
        await gate;
        const { parseCertificate } = await import("../../src/index.js");
        return [parseCertificate(caA.der)];
      },
    };
    const v = createVerifier({ trustAnchors: [rootA.der], time: NOW, asyncIssuerSources: [slow] });
    const inFlight = v.verify(leafA.der);
    await new Promise((r) => setImmediate(r));
    expect(asked).toBe(1);
    expect(v.stats().inFlight).toBe(1);
    v.remove({ trustAnchors: [rootA.der] });
    expect(v.stats().trustAnchors).toBe(0);
    release();
    const r = await inFlight;
    expect(r.valid).toBe(true);
    expect(r.path.map((e) => e.subject)).toEqual(["C=US, O=Dom A, CN=Leaf A", "C=US, O=Dom A, CN=CA A", "C=US, O=Dom A, CN=Root A"]);
    const after = await v.verify(leafA.der);
    expect(after.error?.code).toBe("NO_PATH");
    expect(v.stats()).toMatchObject({ inFlight: 0, calls: 2 });
  });

  it("a malformed anchor in the configuration fails every call with its code; a wrong-typed option throws at creation", async () => {
    const v = createVerifier({ trustAnchors: [new Uint8Array([1, 2, 3])], time: NOW });
    const r = await v.verify(leafA.der);
    expect(r.error?.code).toBe("MALFORMED_CERTIFICATE");
    expect(r.error?.message).toContain("trustAnchors[0]");
    expect(() => createVerifier({ trustAnchors: "x" as never })).toThrow(TypeError);
    await expect(v.verify(42 as never)).rejects.toThrow(TypeError);
  });

  it("signature outcomes are shared across calls: the second call computes none, but counts the same checks", async () => {
    const v = createVerifier({ intermediates, trustAnchors: [rootB.der], time: NOW });
    const first = await v.verify(leafA.der);
    const computedFirst = v.stats().signatures.computed;
    const second = await v.verify(leafA.der);
    expect(second.spent!.signatureChecks).toBe(first.spent!.signatureChecks);
    expect(v.stats().signatures.computed).toBe(computedFirst);
    expect(v.stats().signatures.hits).toBeGreaterThanOrEqual(second.spent!.signatureChecks);
  });
});

describe("concurrency", () => {
  it("Promise.all of 1,000 calls gives the same verdicts as the same calls one by one", async () => {
    const targets = [leafA, leafB, expired, stranger, caA, caB];
    const overrides = [undefined, { policy: { initialPolicySet: [OIDS.P2], explicitPolicy: true } }, { time: new Date(NOW.getTime() + 40 * 365 * 86_400_000) }, { limits: { maxDepth: 3 } }];
    const calls = Array.from({ length: 1000 }, (_, i) => ({ target: targets[i % targets.length]!, per: overrides[Math.floor(i / targets.length) % overrides.length] }));
    // CA B comes only from an asynchronous source that answers after a varying number of
    // event-loop turns: calls for Leaf B (and the ones with no path) wait between search
    // rounds, so the 1,000 calls really interleave.
    const { parseCertificate } = await import("../../src/index.js");
    const caBParsed = parseCertificate(caB.der);
    let turn = 0;
    const yielding: AsyncIssuerSource = {
      async issuersFor(certs) {
        for (let k = turn++ % 5; k >= 0; k--) await new Promise((r) => setImmediate(r));
        return [...certs].some((c) => c.issuer.key === caBParsed.subject.key) ? [caBParsed] : [];
      },
    };
    const config = { intermediates: intermediates.filter((d) => d !== caB.der), trustAnchors: [rootB.der], time: NOW, asyncIssuerSources: [yielding] };
    const sequentialVerifier = createVerifier(config);
    const sequential: ReturnType<typeof verdict>[] = [];
    for (const c of calls) sequential.push(verdict(await sequentialVerifier.verify(c.target.der, c.per)));
    const concurrentVerifier = createVerifier(config);
    let maxInFlight = 0;
    const watch = setInterval(() => (maxInFlight = Math.max(maxInFlight, concurrentVerifier.stats().inFlight)), 0);
    const concurrent = (await Promise.all(calls.map((c) => concurrentVerifier.verify(c.target.der, c.per)))).map(verdict);
    clearInterval(watch);
    expect(concurrent).toEqual(sequential);
    expect(maxInFlight).toBeGreaterThan(100);
    // The mix holds every kind of answer, not just one.
    expect(new Set(sequential.map((s) => s.code ?? "VALID"))).toEqual(new Set(["VALID", "EXPIRED", "ANCHOR_CONSTRAINTS", "NO_PATH", "POLICY", "BUDGET_EXCEEDED"]));
    expect(concurrentVerifier.stats().calls).toBe(1000);
  });
});
