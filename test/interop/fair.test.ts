// A fair matrix: what the exported cases say about themselves (expected path by hash, what
// each case needs, implementation-limit cases judged by RFC 5280 for the other engines), and
// a per-case time limit for engines that do not answer.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verify } from "../../src/index.js";
import { multidomainCaseBytes, needsOf } from "../../testsuite/src/export.js";
import { runInteropSession } from "../../testsuite/src/interop/session.js";
import type { ExportedCase, Implementation } from "../../testsuite/src/interop/types.js";
import { allScenarios } from "../../testsuite/src/multidomain/cases/index.js";
import { generateScenario } from "../../testsuite/src/multidomain/generate.js";
import { cellFromOutcome } from "../../testsuite/src/report/model.js";
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
