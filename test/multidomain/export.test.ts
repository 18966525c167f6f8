// `certpath testsuite export DIR` and its re-import: every case of both suites written per
// testsuite/FORMAT.md, read back with loadExported, and run through `verify` with the same
// verdicts as the suites' own runs.
import { capturingIo } from "../cli-io.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verify } from "../../src/index.js";
import { exportCases, loadExported, runExportedCase, type ExportedCase, type ExportSummary } from "../../testsuite/src/export.js";
import { multidomainCases, runMultidomainCase } from "../../testsuite/src/multidomain/suite.js";
import { loadPkits, runPkitsCase } from "../../testsuite/src/pkits.js";
import { main } from "../../src/cli/main.js";
import { failureLine } from "../../testsuite/src/suite.js";

const root = mkdtempSync(join(tmpdir(), "certpath-export-"));
const dir = join(root, "cases");
const pkits = loadPkits();
let summary: ExportSummary;
let imported: ExportedCase[];

beforeAll(() => {
  summary = exportCases(dir, { pkits });
  imported = loadExported(dir).cases;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The base64 bodies of a PEM file's blocks, as one comparable string. */
function pemBodies(text: string): string {
  return [...text.matchAll(/-----BEGIN [A-Z0-9 ]+-----\n([\s\S]*?)-----END [A-Z0-9 ]+-----/g)].map((m) => m[1]!.replace(/\s+/g, "")).join(",");
}
const b64 = (ders: readonly Uint8Array[]) => ders.map((d) => Buffer.from(d).toString("base64")).join(",");

describe("export layout (testsuite/FORMAT.md)", () => {
  it("writes manifest.json with both suites and every case", () => {
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect(manifest.format).toBe("certpath-cases/1");
    expect(manifest.suites.map((s: { name: string }) => s.name)).toEqual(["pkits", "multidomain"]);
    expect(summary.counts).toEqual({ pkits: 249, multidomain: multidomainCases().length });
    expect(manifest.cases).toHaveLength(249 + multidomainCases().length);
    expect(new Set(manifest.cases.map((c: { dir: string }) => c.dir)).size).toBe(manifest.cases.length);
  });

  it("gives every case its folder: DER and PEM files, case.json equal to its manifest entry", () => {
    for (const c of imported) {
      const e = c.entry;
      const base = join(dir, e.dir);
      expect(e.dir, e.id).toBe(`${e.suite}/${e.id.replace(/\//g, "_")}`);
      expect(JSON.parse(readFileSync(join(base, "case.json"), "utf8")), e.id).toEqual(e);
      for (const k of ["suite", "id", "title", "section", "dir", "topology", "validationTime", "settings", "revocation", "files", "expect"]) expect(e, `${e.id} ${k}`).toHaveProperty(k);
      expect(Object.keys(e.settings).sort()).toEqual(["initialExplicitPolicy", "initialInhibitAnyPolicy", "initialPolicyMappingInhibit", "initialPolicySet"]);
      expect(["none", "soft", "hard"]).toContain(e.revocation.mode);
      expect(e.files.target).toBe("target.der");
      expect(pemBodies(readFileSync(join(base, "target.pem"), "utf8")) === b64([c.target]), e.id).toBe(true);
      for (const [sub, ders] of [["intermediates", c.intermediates], ["anchors", c.anchors], ["crls", c.crls]] as const) {
        expect(e.files[sub].every((f, i) => f === `${sub}/${String(i).padStart(Math.max(2, String(ders.length - 1).length), "0")}.der`), `${e.id} ${sub}`).toBe(true);
        const pem = join(base, `${sub}.pem`);
        if (ders.length) expect(pemBodies(readFileSync(pem, "utf8")) === b64(ders), `${e.id} ${sub}.pem`).toBe(true);
        else expect(existsSync(pem), `${e.id} ${sub}.pem`).toBe(false);
      }
      expect(e.files.anchors.length, e.id).toBeGreaterThan(0);
      // pkits.json's own fields, relative to the case folder.
      expect(e.trustAnchor).toBe(e.files.anchors[0]);
      expect(e.path).toEqual([...e.files.intermediates, e.files.target]);
      if (!e.expect.valid) expect(e.expect.userConstrainedPolicySet).toEqual([]);
    }
  });

  it("exports the multi-domain inputs exactly as the suite hands them to verify", () => {
    const byId = new Map(imported.filter((c) => c.entry.suite === "multidomain").map((c) => [c.entry.id, c]));
    for (const g of multidomainCases()) {
      const c = byId.get(g.scenario.id)!;
      const k = g.scenario.case;
      expect(c.entry.topology).toBe(g.scenario.topology);
      expect(c.entry.section).toBe(g.scenario.group);
      expect(Buffer.from(c.target).equals(Buffer.from(g.certs.get(k.target)!.der))).toBe(true);
      expect(b64(c.intermediates) === b64(g.bagOrder.map((id) => g.certs.get(id)!.der)), g.scenario.id).toBe(true);
      expect(c.anchors).toHaveLength(k.anchors.length);
      expect(c.crls).toHaveLength((k.crls ?? []).length);
      expect(c.ocsp).toHaveLength((k.ocsp ?? []).length);
      if (g.scenario.expect.valid) expect(c.entry.expect.path).toHaveLength(g.scenario.expect.path!.length);
      else expect(c.entry.expect.path).toBeUndefined();
      expect(c.entry.expect.errorCode).toBe(g.scenario.expect.valid ? undefined : g.scenario.expect.errorCode);
      expect(c.entry.limits).toEqual(k.limits);
    }
  });
});

describe("re-import gives the same verdicts", () => {
  it("every multi-domain case", async () => {
    const byId = new Map(imported.filter((c) => c.entry.suite === "multidomain").map((c) => [c.entry.id, c]));
    for (const g of multidomainCases()) {
      const direct = await runMultidomainCase(g, verify);
      const again = await runExportedCase(byId.get(g.scenario.id)!, verify);
      expect(again.passed, failureLine(again)).toBe(true);
      expect(again.got.valid, g.scenario.id).toBe(direct.got.valid);
      expect(again.got.error?.code, g.scenario.id).toBe(direct.got.error?.code);
      expect([...again.got.policies].sort(), g.scenario.id).toEqual([...direct.got.policies].sort());
    }
  });

  it("every PKITS case", async () => {
    const byId = new Map(imported.filter((c) => c.entry.suite === "pkits").map((c) => [c.entry.id, c]));
    for (const pc of pkits.cases) {
      const direct = await runPkitsCase(pc, "given", verify);
      const again = await runExportedCase(byId.get(pc.id)!, verify);
      expect(again.passed, failureLine(again)).toBe(direct.passed);
      expect(again.got.valid, pc.id).toBe(direct.got.valid);
      expect([...again.got.policies].sort(), pc.id).toEqual([...direct.got.policies].sort());
    }
  });
});

const memoryIo = () => capturingIo();

describe("certpath testsuite", () => {
  it("export DIR --suite pkits writes that suite only, replacing a previous export", async () => {
    const io = memoryIo();
    const out = join(root, "cli");
    mkdirSync(join(out, "pkits", "stale-case"), { recursive: true });
    writeFileSync(join(out, "manifest.json"), "{}");
    expect(await main(["testsuite", "export", out, "--suite", "pkits"], { verify, io })).toBe(0);
    expect(existsSync(join(out, "pkits", "stale-case"))).toBe(false);
    expect(io.out).toMatch(/^exported 249 cases \(pkits: 249\) to /);
    const m = loadExported(out).manifest;
    expect(m.suites.map((s) => s.name)).toEqual(["pkits"]);
    expect(m.cases).toHaveLength(249);
  });

  it("usage errors exit 2, an unusable directory 1; --help and the main help mention it", async () => {
    for (const argv of [[], ["import", "x"], ["export"], ["export", "a", "b"], ["export", "a", "--suite", "nope"], ["export", "a", "--bogus"]]) {
      const io = memoryIo();
      expect(await main(["testsuite", ...argv], { verify, io }), argv.join(" ")).toBe(2);
      expect(io.err).toMatch(/certpath testsuite: /);
    }
    const busy = join(root, "busy");
    mkdirSync(busy);
    writeFileSync(join(busy, "precious.txt"), "keep me");
    const io = memoryIo();
    expect(await main(["testsuite", "export", busy], { verify, io })).toBe(1);
    expect(io.err).toMatch(/refusing/);
    expect(readFileSync(join(busy, "precious.txt"), "utf8")).toBe("keep me");
    const help = memoryIo();
    expect(await main(["testsuite", "--help"], { verify, io: help })).toBe(0);
    expect(help.out).toMatch(/testsuite export DIR/);
    const top = memoryIo();
    expect(await main(["--help"], { verify, io: top })).toBe(0);
    expect(top.out).toMatch(/certpath testsuite export DIR/);
  });
});
