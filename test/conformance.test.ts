// The conformance machinery itself (runner, table, command), driven by fake `verify`s so
// it is checked independently of the engine.
import { describe, expect, it } from "vitest";
import type { VerifyOptions, VerifyResult } from "../src/api/types.js";
import { conformanceCommand } from "../testsuite/src/cli/conformance-command.js";
import { processIo, type CliIo } from "../src/cli/common.js";
import type { ConformanceSuite } from "../testsuite/src/suite.js";
import { summarize } from "../testsuite/src/suite.js";
import { conformanceSuites } from "../testsuite/src/suites.js";
import { formatPkitsTable, loadPkits, runPkits, runPkitsCase, shuffleDeterministic, type PkitsCase } from "../testsuite/src/pkits.js";

const pkits = loadPkits();

/** A verify that answers each case's expectation, in manifest order. */
function oracle(cases: PkitsCase[], tweak?: (r: VerifyResult, c: PkitsCase) => VerifyResult) {
  let i = 0;
  return async (_o: VerifyOptions): Promise<VerifyResult> => {
    const c = cases[i++]!;
    const r: VerifyResult = c.expect.valid
      ? { valid: true, path: [], policies: [...c.expect.userConstrainedPolicySet] }
      : { valid: false, path: [], policies: [], error: { code: "NO_PATH", message: "oracle says no" } };
    return tweak ? tweak(r, c) : r;
  };
}

// The outside harness's shuffle, copied verbatim (shared/tools/pkits-contract.mjs).
function harnessShuffle<T>(a: T[], seed: number): T[] {
  a = [...a];
  for (let i = a.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function memoryIo(): CliIo & { out: string; err: string; files: Map<string, string> } {
  const io = {
    out: "",
    err: "",
    files: new Map<string, string>(),
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
    readFile: processIo.readFile,
    writeFile(p: string, t: string) {
      io.files.set(p, t);
    },
  };
  return io;
}

describe("PKITS manifest", () => {
  it("has 249 cases in 16 sections, every file loaded", () => {
    expect(pkits.cases).toHaveLength(249);
    expect(new Set(pkits.cases.map((c) => c.sectionLabel)).size).toBe(16);
    for (const c of pkits.cases) {
      expect(c.bytes.path.length).toBe(c.path.length);
      expect(c.bytes.crls.length).toBe(c.crls.length);
      expect(c.bytes.anchor[0]).toBe(0x30);
    }
    expect(pkits.cases[0]!.sectionLabel).toBe("4.1 Signature Verification");
    expect(pkits.cases.find((c) => c.id === "4.10.1.1/1")!.sectionLabel).toBe("4.10 Policy Mappings");
  });
});

describe("PKITS runner", () => {
  it("shuffles exactly like the outside harness", () => {
    for (let n = 0; n < 50; n++) {
      const items = Array.from({ length: n % 7 }, (_, i) => i);
      expect(shuffleDeterministic(items, n + 1)).toEqual(harnessShuffle(items, n + 1));
    }
  });

  it("passes the harness's options to verify (given and shuffled)", async () => {
    const c = pkits.cases.find((x) => x.id === "4.6.13")!; // 4 intermediates
    for (const mode of ["given", "shuffled"] as const) {
      let seen: VerifyOptions | undefined;
      await runPkitsCase(c, mode, async (o) => {
        seen = o;
        return { valid: true, path: [], policies: c.expect.userConstrainedPolicySet };
      });
      const inter = c.bytes.path.slice(0, -1);
      expect(seen!.target).toEqual(c.bytes.path.at(-1));
      expect(seen!.intermediates).toEqual(mode === "given" ? inter : harnessShuffle(inter, c.index + 1));
      expect(seen!.trustAnchors).toEqual([c.bytes.anchor]);
      expect(seen!.time).toEqual(new Date("2011-04-15T00:00:00Z"));
      expect(seen!.policy).toEqual(c.settings);
      expect(seen!.revocation).toEqual({ mode: "hard", crls: c.bytes.crls });
    }
  });

  it("hands verify fresh copies, so a mutating engine cannot poison later cases", async () => {
    const c = pkits.cases[0]!;
    const before = Buffer.from(c.bytes.path.at(-1)!).toString("hex");
    await runPkitsCase(c, "given", async (o) => {
      (o.target as Uint8Array).fill(0);
      for (const d of o.revocation!.crls!) (d as Uint8Array).fill(0);
      return { valid: true, path: [], policies: [] };
    });
    expect(Buffer.from(c.bytes.path.at(-1)!).toString("hex")).toBe(before);
    expect(c.bytes.crls[0]![0]).toBe(0x30);
  });

  it("all pass with an oracle, comparing policies as a set", async () => {
    const results = await runPkits({
      mode: "shuffled",
      data: pkits,
      verify: oracle(pkits.cases, (r) => ({ ...r, policies: [...r.policies].reverse().concat(r.policies) })),
    });
    expect(results).toHaveLength(249);
    expect(results.every((r) => r.passed)).toBe(true);
    const table = formatPkitsTable(results);
    expect(table.trimEnd().split("\n").at(-1)).toBe("249 passed, 0 failed");
    expect(table).toMatch(/^pkits \(shuffled\)\n/);
    expect(table).toContain("4.13 Name Constraints");
    expect(table).not.toContain("FAIL");
  });

  it("reports wrong verdicts, wrong policy sets and throws", async () => {
    const flipped = new Set(["4.1.1", "4.1.2"]);
    const results = await runPkits({
      mode: "given",
      data: pkits,
      filter: (c) => c.sectionLabel.startsWith("4.1 ") || c.id === "4.8.1/1",
      verify: async (o) => {
        const c = pkits.cases.find((x) => x.bytes.path.at(-1)!.length === (o.target as Uint8Array).length && Buffer.compare(Buffer.from(x.bytes.path.at(-1)!), Buffer.from(o.target as Uint8Array)) === 0)!;
        if (c.id === "4.1.3") throw new Error("boom");
        if (c.id === "4.8.1/1") return { valid: true, path: [], policies: ["2.5.29.32.0"] };
        const valid = flipped.has(c.id) ? !c.expect.valid : c.expect.valid;
        return valid
          ? { valid: true, path: [], policies: [...c.expect.userConstrainedPolicySet] }
          : { valid: false, path: [], policies: [], error: { code: "INVALID_SIGNATURE", message: "bad", certIndex: 1 } };
      },
    });
    expect(results).toHaveLength(7);
    const failed = results.filter((r) => !r.passed).map((r) => r.id);
    expect(failed).toEqual(["4.1.1", "4.1.2", "4.1.3", "4.8.1/1"]);
    const table = formatPkitsTable(results);
    expect(table).toContain("FAIL 4.1.3 Invalid EE Signature Test3: expected valid=false policies=; got valid=threw policies= THREW: boom");
    expect(table).toContain("FAIL 4.8.1/1");
    expect(table).toMatch(/4\.1 Signature Verification\s+6\s+3\s+3/);
    expect(table).toMatch(/total\s+7\s+3\s+4/);
    expect(table.trimEnd().split("\n").at(-1)).toBe("3 passed, 4 failed");
  });
});

describe("certpath conformance (command)", () => {
  const fakeSuite = (name: string, outcomes: boolean[]): ConformanceSuite => ({
    name,
    description: `fake ${name}`,
    async run() {
      return summarize(
        name,
        `fake ${name}`,
        outcomes.map((passed, i) => ({
          suite: name,
          id: `${i + 1}`,
          title: `case ${i + 1}`,
          section: "1 only",
          passed,
          expected: { valid: true, policies: [] },
          got: { valid: passed, policies: [] },
          ms: 0,
        })),
        1,
      );
    },
  });
  const noVerify = async (): Promise<VerifyResult> => {
    throw new Error("unused");
  };

  it("registers PKITS in both modes and the multi-domain suite", () => {
    expect(conformanceSuites().map((s) => s.name)).toEqual(["pkits", "pkits-shuffled", "multidomain"]);
  });

  it("runs every suite, prints tables and a final total; exit 0 when all pass", async () => {
    const io = memoryIo();
    const code = await conformanceCommand([], { verify: noVerify, io }, [fakeSuite("a", [true, true]), fakeSuite("b", [true])]);
    expect(code).toBe(0);
    expect(io.out).toContain("== a: fake a");
    expect(io.out).toContain("== b: fake b");
    expect(io.out.trimEnd().split("\n").at(-1)).toBe("3 passed, 0 failed");
  });

  it("exit 1 on any failure; --suite selects; --json writes the report", async () => {
    const io = memoryIo();
    const file = "/in-memory/report.json"; // memoryIo keeps written files in a map
    const code = await conformanceCommand(["--suite", "b", "--json", file], { verify: noVerify, io }, [fakeSuite("a", [true]), fakeSuite("b", [true, false])]);
    expect(code).toBe(1);
    expect(io.out).not.toContain("== a");
    expect(io.out).toContain("FAIL 2 case 2");
    expect(io.out.trimEnd().split("\n").at(-1)).toBe("1 passed, 1 failed");
    const report = JSON.parse(io.files.get(file)!);
    expect(report).toMatchObject({ passed: 1, failed: 1, suites: [{ name: "b", passed: 1, failed: 1 }] });
  });

  it("a suite that throws counts as a failure", async () => {
    const io = memoryIo();
    const broken: ConformanceSuite = {
      name: "broken",
      description: "throws",
      run: async () => {
        throw new Error("vectors missing");
      },
    };
    expect(await conformanceCommand([], { verify: noVerify, io }, [broken, fakeSuite("ok", [true])])).toBe(1);
    expect(io.err).toContain("suite broken could not run: vectors missing");
    expect(io.out.trimEnd().split("\n").at(-1)).toBe("1 passed, 1 failed");
  });

  it("usage errors exit 2", async () => {
    for (const argv of [["--suite", "nope"], ["--json"], ["extra"], ["--bogus"]]) {
      const io = memoryIo();
      expect(await conformanceCommand(argv, { verify: noVerify, io }, [fakeSuite("a", [true])])).toBe(2);
      expect(io.err).not.toBe("");
    }
  });
});
