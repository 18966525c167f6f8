// A small seeded slice of the fuzz run (bench/fuzz.mjs runs 21,000 inputs): mutated
// certificates, CRLs, anchors, OCSP responses, PEM texts and COSE messages through the
// public doors. None may throw; the CPU bound per call is a hang guard (the slowest of
// the full run is in bench/HOSTILE.md).
import { describe, expect, it } from "vitest";
import { COSE_ALG, COSE_HEADER, coseSign1, verify, verifyCose } from "../../src/index.js";
import { TestPki } from "../../testsuite/src/generate/pki.js";
import { loadPkits } from "../../testsuite/src/pkits.js";
// @ts-expect-error plain ES module of the bench, no types
import { runFuzz } from "../../bench/fuzz-core.mjs";
// @ts-expect-error plain ES module of the bench, no types
import { buildCorpus } from "../../bench/fuzz-corpus.mjs";

describe("fuzz slice (issue 10)", () => {
  it("600 mutated inputs (seed 10, 100 per kind): no call throws, none takes a second of CPU", { timeout: 120_000 }, async () => {
    const corpus = buildCorpus({ loadPkits, TestPki, coseSign1, COSE_ALG, COSE_HEADER });
    const report = await runFuzz({ doors: { verify, verifyCose }, corpus, seed: 10, count: 600 });
    expect(report.throws).toEqual([]);
    expect(report.slow).toEqual([]);
    for (const k of Object.values(report.byKind) as { inputs: number }[]) expect(k.inputs).toBe(100);
    // Every mutated certificate and CRL is refused: nothing unsigned can be changed and still validate.
    expect(report.byKind.certificate.valid).toBe(0);
    expect(report.byKind.crl.valid).toBe(0);
    expect(report.byKind.cose.valid).toBe(0);
  });
});
