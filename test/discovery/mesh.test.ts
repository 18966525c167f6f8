// Mesh topologies: RFC 5217 Fig 7 (partial mesh, wrong trust anchor), RFC 4158 Fig 14
// (dead end), Fig 15 (loop) and Fig 9 (four bridged PKIs). Each must terminate with the
// right answer; where a dead end or a loop is met first, the builder backtracks and finds
// the valid path, which is asserted certificate by certificate.
import { describe, expect, it } from "vitest";
import { dn, expectCode, expectPathDers, expectValid, OpaqueSource, pki, run, subjects, timed } from "./helpers.js";

describe("RFC 5217 Fig 7: partial mesh where the relying party anchors at the wrong CA", () => {
  const p = pki("discovery-partial-mesh");
  const ca1 = p.root("CN=CA1,O=Mesh,C=US");
  const ca2 = p.root("CN=CA2,O=Mesh,C=US");
  const ca3 = p.root("CN=CA3,O=Mesh,C=US");
  const ca4 = p.root("CN=CA4,O=Mesh,C=US");
  // One-way: CA1 certifies CA2 and CA3; CA2 <-> CA3 and CA3 <-> CA4 both ways. Nobody certifies CA1.
  const certs = [p.cross(ca1, ca2), p.cross(ca1, ca3), p.cross(ca2, ca3), p.cross(ca3, ca2), p.cross(ca3, ca4), p.cross(ca4, ca3), ca1, ca2, ca3, ca4];
  const eeUnderCa1 = p.ee("CN=EE1,O=Mesh,C=US", ca1);
  const eeUnderCa4 = p.ee("CN=EE4,O=Mesh,C=US", ca4);

  it("anchor CA3, EE under CA1: NO_PATH without a step or a signature check", async () => {
    const { result: r } = await timed(eeUnderCa1, { intermediates: certs, anchors: [ca3] });
    expectCode(r, "NO_PATH");
    expect(r.error!.message).toContain("CN=EE1");
    expect(r.candidates).toEqual([]);
    expect(r.spent!.signatureChecks).toBe(0);
    expect(r.spent!.steps).toBe(0);
  });

  it("the same mesh with a source that cannot list its certificates (no pruning): still NO_PATH within a few steps", async () => {
    const src = new OpaqueSource(certs);
    const { result: r } = await timed(eeUnderCa1, { anchors: [ca3], options: { issuerSources: [src] } });
    expectCode(r, "NO_PATH");
    expect(r.spent!.steps).toBeLessThan(10);
  });

  it("anchor CA1 reaches CA4's EE through CA1 -> CA3 -> CA4", async () => {
    const r = await run(eeUnderCa4, { intermediates: certs, anchors: [ca1] });
    expectValid(r);
    expect(subjects(r)).toEqual([dn("CN=EE4,O=Mesh,C=US"), dn("CN=CA4,O=Mesh,C=US"), dn("CN=CA3,O=Mesh,C=US"), dn("CN=CA1,O=Mesh,C=US")]);
    expectPathDers(r, [eeUnderCa4.der, certs[4]!.der, certs[1]!.der, ca1.der]);
  });
});

describe("RFC 4158 Fig 14: dead end", () => {
  const p = pki("discovery-dead-end");
  const ta = p.root("CN=TA,O=DeadEnd,C=US");
  const z = p.root("CN=Z,O=DeadEnd,C=US");
  const yRoot = p.root("CN=Y,O=DeadEnd,C=US");
  const y = p.cross(z, yRoot);
  const cRoot = p.root("CN=C,O=DeadEnd,C=US");
  // C(TA) carries no key identifier, C(Y) carries the one the target's AKID names: a
  // builder ranking by key identifier (RFC 4158 3.5.12) tries the dead end C(Y) first.
  const cFromTa = p.cross(ta, cRoot, { extensions: { subjectKeyIdentifier: false } });
  const cFromY = p.cross(yRoot, cRoot);
  const target = p.ee("CN=Target,O=DeadEnd,C=US", cRoot);
  const expected = [target.der, cFromTa.der, ta.der];

  it("in memory: valid, exact path Target <- C(TA) <- TA", async () => {
    const r = await run(target, { intermediates: [cFromY, y, z, cFromTa], anchors: [ta] });
    expectValid(r);
    expectPathDers(r, expected);
  });

  it("from a source that cannot be listed: shortest first, the dead end C(Y) -> Y(Z) -> Z(Z) is never walked to its end", async () => {
    const src = new OpaqueSource([cFromY, y, z, cFromTa]);
    const r = await run(target, { anchors: [ta], options: { issuerSources: [src] } });
    expectValid(r);
    expectPathDers(r, expected);
    // Iterative deepening: the two-certificate path is found before the dead end is explored.
    expect(r.spent!.maxDepthReached).toBe(2);
    expect(r.candidates).toEqual([]);
  });

  it("from a source that cannot be listed, with the only way out behind the dead end: backtracks out of it", async () => {
    // Without C(TA), the builder must walk C(Y) -> Y(Z) -> Z(Z) to its end and give up.
    const src = new OpaqueSource([cFromY, y, z]);
    const r = await run(target, { anchors: [ta], options: { issuerSources: [src] } });
    expect(r.valid).toBe(false);
    expect(r.error?.code).toBe("NO_PATH");
    // Four certificates, depth 3: Z(Z) is self-issued, the free link of its name (README "Limits").
    expect(r.spent!.maxDepthReached).toBe(3);
  });

  it("a dead end that is reachable by name (Z impersonates the TA's name with another key): backtracks, exact path", async () => {
    const fakeTa = p.root("CN=TA,O=DeadEnd,C=US", { keySeed: "impostor" });
    const yFromFake = p.cross(fakeTa, yRoot);
    const r = await run(target, { intermediates: [cFromY, yFromFake, fakeTa, cFromTa], anchors: [ta] });
    expectValid(r);
    expectPathDers(r, expected);
    expect(r.spent!.maxDepthReached).toBeGreaterThanOrEqual(2);
    expect(r.path.some((e) => Buffer.from(e.der).equals(Buffer.from(fakeTa.der)))).toBe(false);
  });

  it("without C(TA) the dead end is all there is: not valid, and the call ends", async () => {
    const src = new OpaqueSource([cFromY, y, z]);
    const r = await run(target, { anchors: [ta], options: { issuerSources: [src] } });
    expectCode(r, "NO_PATH");
  });
});

describe("RFC 4158 Fig 15: loop B(Y) -> Y(Z) -> Z(B)", () => {
  const p = pki("discovery-loop");
  const ta = p.root("CN=TA,O=Loop,C=US");
  const a = p.root("CN=A,O=Loop,C=US");
  const b = p.root("CN=B,O=Loop,C=US");
  const yR = p.root("CN=Y,O=Loop,C=US");
  const zR = p.root("CN=Z,O=Loop,C=US");
  const aFromTa = p.cross(ta, a);
  const bFromA = p.cross(a, b, { extensions: { subjectKeyIdentifier: false } }); // ranked after B(Y)
  const bFromY = p.cross(yR, b);
  const yFromZ = p.cross(zR, yR);
  const zFromB = p.cross(b, zR);
  const target = p.ee("CN=Target,O=Loop,C=US", b);
  const expected = [target.der, bFromA.der, aFromTa.der, ta.der];

  it("in memory: terminates, valid, exact path Target <- B(A) <- A(TA) <- TA", async () => {
    const r = await run(target, { intermediates: [bFromY, yFromZ, zFromB, bFromA, aFromTa], anchors: [ta] });
    expectValid(r);
    expectPathDers(r, expected);
    expect(r.spent!.steps).toBeLessThan(20);
  });

  it("from a source that cannot be listed: terminates and finds the path through A without going round the loop", async () => {
    const src = new OpaqueSource([bFromY, yFromZ, zFromB, bFromA, aFromTa]);
    const r = await run(target, { anchors: [ta], options: { issuerSources: [src] } });
    expectValid(r);
    expectPathDers(r, expected);
    // Shortest first: the three-certificate path is found at depth 3, before the loop's depth 4.
    expect(r.spent!.maxDepthReached).toBe(3);
    expect(r.spent!.steps).toBeLessThan(20);
  });

  it("from a source that cannot be listed, with only the loop: goes round it once, cuts it before B repeats, ends", async () => {
    const src = new OpaqueSource([bFromY, yFromZ, zFromB]);
    const r = await run(target, { anchors: [ta], options: { issuerSources: [src] } });
    expect(r.valid).toBe(false);
    expect(r.error?.code).toBe("NO_PATH");
    // Target, B(Y), Y(Z), Z(B): entered, and cut before B(Y) repeats.
    expect(r.spent!.maxDepthReached).toBe(4);
    expect(r.spent!.steps).toBeLessThan(20);
  });

  it("with the exit B(A) missing, the loop alone terminates with NO_PATH", async () => {
    const src = new OpaqueSource([bFromY, yFromZ, zFromB, aFromTa]);
    const r = await run(target, { anchors: [ta], options: { issuerSources: [src] } });
    expectCode(r, "NO_PATH");
    expect(r.spent!.steps).toBeLessThan(20);
    const r2 = await run(target, { intermediates: [bFromY, yFromZ, zFromB, aFromTa], anchors: [ta] });
    expectCode(r2, "NO_PATH");
  });
});

describe("RFC 4158 Fig 9: four bridged PKIs, anchor TA Z", () => {
  const p = pki("discovery-four-bridged");
  const N = (cn: string) => `CN=${cn},O=Fig9,C=US`;
  const roots = Object.fromEntries(
    ["W", "X", "Y", "Z", "BCA", "F", "G", "H", "I", "L", "M", "J", "K", "N", "A", "B", "C", "D", "E", "O", "P", "Q", "R", "S", "T"].map((c) => [c, p.root(N(c))]),
  );
  const r_ = (c: string) => roots[c]!;
  const edges: [string, string][] = [
    // The bridge and the four principal CAs, both ways.
    ["W", "BCA"], ["BCA", "W"], ["X", "BCA"], ["BCA", "X"], ["Y", "BCA"], ["BCA", "Y"], ["Z", "BCA"], ["BCA", "Z"],
    // W's PKI (mesh-ish).
    ["W", "F"], ["F", "W"], ["W", "G"], ["G", "W"], ["F", "H"], ["F", "G"], ["G", "F"], ["G", "I"], ["H", "I"], ["I", "H"],
    // X's hierarchy.
    ["X", "L"], ["X", "J"], ["L", "M"], ["L", "N"], ["J", "K"],
    // Y's mesh.
    ["Y", "A"], ["Y", "C"], ["A", "C"], ["C", "A"], ["A", "B"], ["C", "B"], ["B", "E"], ["B", "D"],
    // Z's hierarchy.
    ["Z", "O"], ["Z", "P"], ["O", "Q"], ["O", "R"], ["P", "S"], ["R", "T"],
  ];
  const cert = new Map(edges.map(([from, to]) => [`${from}->${to}`, p.cross(r_(from), r_(to))]));
  const bag = [...cert.values(), ...["W", "X", "Y", "BCA"].map(r_)];
  const ee = p.ee("CN=EE,O=Fig9,C=US", r_("N"));
  const expected = [ee.der, cert.get("L->N")!.der, cert.get("X->L")!.der, cert.get("BCA->X")!.der, cert.get("Z->BCA")!.der, r_("Z").der];

  it("valid, exact path TA Z -> BCA -> X -> L -> N -> EE", async () => {
    const r = await run(ee, { intermediates: bag, anchors: [r_("Z")] });
    expectValid(r);
    expect(subjects(r)).toEqual(["EE", "N", "L", "X", "BCA", "Z"].map((c) => dn(N(c))));
    expectPathDers(r, expected);
  });

  it("the same from a source that cannot be listed", async () => {
    const r = await run(ee, { anchors: [r_("Z")], options: { issuerSources: [new OpaqueSource(bag)] } });
    expectValid(r);
    expectPathDers(r, expected);
  });

  it("only one path exists without repeating a name/key pair (RFC 4158 2.4.2): with BCA(Z) expired, exactly one candidate", async () => {
    const expiredZtoBca = p.cross(r_("Z"), r_("BCA"), { notBefore: -400, notAfter: -10 });
    const others = bag.filter((c) => c !== cert.get("Z->BCA"));
    const r = await run(ee, { intermediates: [...others, expiredZtoBca], anchors: [r_("Z")] });
    expectCode(r, "EXPIRED");
    expect(r.error!.certIndex).toBe(4);
    expect(r.candidates!.length).toBe(1);
    expect(r.candidates![0]!.path).toEqual(["EE", "N", "L", "X", "BCA", "Z"].map((c) => dn(N(c))));
    // Z->BCA->Y->BCA->W->BCA->X->L->N->EE repeats the BCA's name and key: never built.
  });
});
