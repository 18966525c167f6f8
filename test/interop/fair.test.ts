// A fair matrix: what the exported cases say about themselves (expected path by hash, what
// each case needs, implementation-limit cases judged by RFC 5280 for the other engines), and
// a per-case time limit for engines that do not answer.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verify } from "../../src/index.js";
import { multidomainCaseBytes, needsOf } from "../../testsuite/src/export.js";
import { runInteropSession } from "../../testsuite/src/interop/session.js";
import { certpathImplementation } from "../../testsuite/src/interop/certpath.js";
import type { VerifyOptions } from "../../src/index.js";
import type { ExportedCase, Implementation } from "../../testsuite/src/interop/types.js";
import { allScenarios } from "../../testsuite/src/multidomain/cases/index.js";
import { generateScenario } from "../../testsuite/src/multidomain/generate.js";
import { cellFromOutcome } from "../../testsuite/src/report/model.js";
import { formatInteropSummary } from "../../testsuite/src/report/terminal.js";
import { renderHtml } from "../../testsuite/src/report/html.js";
import { exportPkits, pkitsSubsetSuite, type Exported } from "./helpers.js";

const sha = (d: Uint8Array) => createHash("sha256").update(d).digest("hex");
const bytesOf = (id: string) => {
  const g = generateScenario(allScenarios().find((s) => s.id === id)!);
  return { g, cb: multidomainCaseBytes(g) };
};

describe("exported case fields", () => {
  it("the expected path is given by certificate hash: stale and fresh cross-certificates of the same names differ", () => {
    const { g, cb } = bytesOf("bridge-rekey-stale-and-fresh");
    const ids = g.scenario.expect.path!;
    expect(cb.entry.expect.pathSha256).toEqual(ids.map((id) => sha(g.certs.get(id)!.der)));
    // The bag holds another certificate with the subject and issuer of one on the path, and another hash.
    const subjects = cb.entry.expect.path!;
    const onPath = new Set(cb.entry.expect.pathSha256);
    const twins = cb.intermediates.filter((d) => !onPath.has(sha(d)));
    expect(twins.length).toBeGreaterThan(0);
    expect(subjects.length).toBe(ids.length);
  });

  it("needs: policy inputs, revocation, CRLs, OCSP, limits and key types", () => {
    expect(needsOf(bytesOf("hier-basic").cb)).toEqual(["key:ed25519"]);
    expect(needsOf(bytesOf("crl-revoked-ee").cb)).toEqual(["revocation:hard", "crls", "key:ed25519"]);
    expect(needsOf(bytesOf("ocsp-revoked-ee").cb)).toContain("ocsp");
    expect(needsOf(bytesOf("hier-explicit-policy-mismatch").cb)).toContain("policy-inputs");
    expect(needsOf(bytesOf("deep-chain").cb)).toEqual(["limits", "key:ed25519"]);
  });

  it("deep-chain is an implementation limit: certpath expects BUDGET_EXCEEDED, other engines are judged by RFC 5280 (valid)", () => {
    const { cb } = bytesOf("deep-chain");
    expect(cb.entry.expect).toMatchObject({ valid: false, errorCode: "BUDGET_EXCEEDED", implementationLimit: true, rfc5280Valid: true });
    const c = { ...cb.entry, needs: [], files: { target: "", intermediates: [], anchors: [], crls: [], ocsp: [] }, trustAnchor: "", path: [], crls: [] } as unknown as ExportedCase;
    const other = cellFromOutcome(c, { valid: true, detail: "exit 0: OK" }, 0);
    expect(other.status).toBe("pass");
    expect(other.note).toMatch(/^implementation-limit case/);
    expect(cellFromOutcome(c, { valid: false, detail: "exit 2: error 22 at 13 depth lookup" }, 0).status).toBe("fail");
    // certpath itself is judged by its own expectation.
    expect(cellFromOutcome(c, { valid: false, detail: "BUDGET_EXCEEDED" }, 0, undefined, { judgeByRfc: false }).status).toBe("pass");
    // Not an implementation limit: candidate-flood-no-issuer is invalid under RFC 5280 too.
    const flood = allScenarios().find((x) => x.id === "candidate-flood-no-issuer")!;
    expect(flood.expect).toMatchObject({ valid: false, errorCode: "BUDGET_EXCEEDED" });
    expect(flood.expect.rfc5280Valid).toBeUndefined();
  });
});

describe("bag orders", () => {
  let ex: Exported;
  beforeAll(() => {
    ex = exportPkits(["4.4.1", "4.1.1", "4.1.2"]);
  });
  afterAll(() => ex?.cleanup());

  it("each case runs under N seeded bag orders: pass rate over the runs, and the cases failing under every order", async () => {
    // An engine that is right only when the bag's first certificate is the one the exported order has first.
    const seen = new Map<string, string[]>();
    const firstOf = (c: ExportedCase, dir: string) => readFileSync(join(dir, c.files.intermediates[0]!)).toString("hex");
    const picky: Implementation = {
      name: "picky",
      limitations: [],
      version: async () => "picky 1",
      available: async () => true,
      run: async (c, dir) => {
        const first = firstOf(c, dir);
        seen.set(c.id, [...(seen.get(c.id) ?? []), c.files.intermediates.join(",")]);
        if (c.id === "4.1.2") return { valid: true, detail: "always accepts" }; // 4.1.2 is invalid: fails every order
        const given = readFileSync(join(ex.caseDir(c.id), c.files.intermediates[0]!)).toString("hex");
        return first === given ? { valid: c.expect.valid, detail: "right" } : { valid: !c.expect.valid, detail: "wrong" };
      },
      explain: () => "picky",
    };
    const { report } = await runInteropSession({
      suites: [pkitsSubsetSuite(["4.4.1", "4.1.1", "4.1.2"])],
      verify,
      implementations: [picky],
      casesDir: ex.dir,
      exportDir: "/nonexistent",
      exporter: async () => undefined,
      certpathVersion: "t",
      bagOrders: 5,
    });
    const cell = (id: string) => report.rows.find((r) => r.id === id)!.cells["picky"]!;
    // 4.1.1 has one intermediate: every order is the given one.
    expect(cell("4.1.1")).toMatchObject({ status: "pass", orders: { runs: 5, passed: 5 } });
    expect(cell("4.1.2")).toMatchObject({ status: "fail", orders: { runs: 5, passed: 0 } });
    // 4.4.1's bag (two certificates) in 5 orders: the given order passes, shuffles that swap it fail.
    const orders441 = seen.get("4.4.1")!;
    expect(orders441.length).toBe(5);
    const given = orders441[0]!;
    const passed441 = orders441.filter((o) => o.split(",")[0] === given.split(",")[0]).length;
    expect(cell("4.4.1")).toMatchObject({ status: "pass", orders: { runs: 5, passed: passed441 } });
    const sum = report.summary.find((s) => s.implementation === "picky")!;
    expect(sum).toMatchObject({ orderRuns: 15, orderPassed: 5 + passed441, failingEveryOrder: 1 });
    expect(formatInteropSummary(report)).toContain(`picky over 5 bag orders: pass rate ${((100 * (5 + passed441)) / 15).toFixed(1)}% (${5 + passed441}/15 runs); fails under every order: 1 (4.1.2)`);
  });
});

describe("certpath's own column over bag orders", () => {
  // Cases whose bags hold 2 or 3 certificates (self-issued key rollover, a pathLen chain) and an invalid one.
  const ids = ["4.5.1", "4.5.3", "4.6.9", "4.1.2"];
  let ex: Exported;
  beforeAll(() => {
    ex = exportPkits(ids);
  });
  afterAll(() => ex?.cleanup());
  const session = (certpathDriver?: Implementation) =>
    runInteropSession({
      suites: [pkitsSubsetSuite(ids)],
      verify,
      implementations: [],
      ...(certpathDriver ? { certpathDriver } : {}),
      casesDir: ex.dir,
      exportDir: "/nonexistent",
      exporter: async () => undefined,
      certpathVersion: "t",
      bagOrders: 6,
    });

  it("certpath's verdicts do not depend on the bag order: every case passes under all 6 orders, and the summary says so", async () => {
    expect(Object.fromEntries(ex.manifest.cases.map((c) => [c.id, c.files.intermediates.length]))).toEqual({ "4.1.2": 1, "4.5.1": 2, "4.5.3": 2, "4.6.9": 3 });
    const { report } = await session();
    for (const id of ids) expect(report.rows.find((r) => r.id === id)!.cells["certpath"]).toMatchObject({ status: "pass", orders: { runs: 6, passed: 6 } });
    expect(report.summary.find((s) => s.implementation === "certpath")).toMatchObject({ orderRuns: 24, orderPassed: 24, failingEveryOrder: 0 });
    expect(formatInteropSummary(report)).toContain("certpath over 6 bag orders: pass rate 100.0% (24/24 runs); fails under every order: 0");
    const html = renderHtml(report);
    expect(html).toContain("<h2>Bag orders</h2>");
    expect(html).toMatch(/<td>certpath<\/td><td class="num">6<\/td><td class="num">24\/24<\/td><td class="num rate-all">100\.0%<\/td><td class="num">0<\/td>/);
  });

  it("an order-dependent verdict is caught: a verify that fails whenever the bag does not start with the exported first certificate", async () => {
    const firstByCase = new Map(ex.manifest.cases.map((c) => [readFileSync(join(ex.caseDir(c.id), c.files.target)).toString("hex"), readFileSync(join(ex.caseDir(c.id), c.files.intermediates[0]!)).toString("hex")]));
    const kept = new Map<string, number>();
    const orderDependent = async (o: VerifyOptions) => {
      const target = Buffer.from(o.target as Uint8Array).toString("hex");
      const first = Buffer.from(o.intermediates![0] as Uint8Array).toString("hex");
      const r = await verify(o);
      if (first === firstByCase.get(target)) {
        kept.set(target, (kept.get(target) ?? 0) + 1);
        return r;
      }
      return { ...r, valid: !r.valid } as typeof r;
    };
    const { report } = await session(certpathImplementation(orderDependent, "order-dependent"));
    // The exported order is the in-process run (right); each of the 5 shuffles is right only when it keeps the first certificate.
    for (const c of ex.manifest.cases) {
      const target = readFileSync(join(ex.caseDir(c.id), c.files.target)).toString("hex");
      const keptShuffles = (kept.get(target) ?? 0) - 1; // minus the cross-check run of the exported order
      expect(report.rows.find((r) => r.id === c.id)!.cells["certpath"]!.orders).toEqual({ runs: 6, passed: 1 + keptShuffles });
    }
    // 4.1.2 has a one-certificate bag: every shuffle keeps it.
    expect(kept.get(readFileSync(join(ex.caseDir("4.1.2"), ex.case("4.1.2").files.target)).toString("hex"))).toBe(6);
    const sum = report.summary.find((s) => s.implementation === "certpath")!;
    expect(sum.orderPassed).toBeLessThan(24);
  });
});

describe("per-case time limit", () => {
  let ex: Exported;
  beforeAll(() => {
    ex = exportPkits(["4.1.1", "4.1.2"]);
  });
  afterAll(() => ex?.cleanup());

  it("an engine that never answers a case is reported as timed out for it, counted, and the run goes on", async () => {
    const silent: Implementation = {
      name: "silent",
      limitations: [],
      version: async () => "silent 1",
      available: async () => true,
      run: async (c) => (c.id === "4.1.1" ? new Promise(() => {}) : { valid: false, detail: "rejected" }),
      explain: () => "rejects everything",
    };
    const { report } = await runInteropSession({
      suites: [pkitsSubsetSuite(["4.1.1", "4.1.2"])],
      verify,
      implementations: [silent],
      casesDir: ex.dir,
      exportDir: "/nonexistent",
      exporter: async () => undefined,
      certpathVersion: "t",
      caseTimeoutMs: 300,
    });
    const cell = (id: string) => report.rows.find((r) => r.id === id)!.cells["silent"]!;
    expect(cell("4.1.1")).toMatchObject({ status: "error", timedOut: true, explanation: "timed out: no answer within the per-case limit of 0.3 s" });
    expect(cell("4.1.2")).toMatchObject({ status: "pass" });
    expect(report.summary.find((s) => s.implementation === "silent")).toMatchObject({ cases: 2, passed: 1, error: 1, timedOut: 1 });
  });
});
