// The conformance report with its case pictures, opened in real headless Chromium: three
// multi-domain cases run through certpath and the real `openssl verify`, the report written
// by `certpath conformance`, then the page loads with no console error, every case has a
// visible picture, OpenSSL's stopping point is marked on the mesh case it fails, and
// clicking a certificate's edge shows that certificate. Screenshots go to reports/graph/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { conformanceCommand, defaultConformanceEnv } from "../../testsuite/src/cli/conformance-command.js";
import { exportCases } from "../../testsuite/src/export.js";
import { runMultidomainCase } from "../../testsuite/src/multidomain/suite.js";
import { generateScenario } from "../../testsuite/src/multidomain/generate.js";
import { allScenarios } from "../../testsuite/src/multidomain/cases/index.js";
import { summarize, type ConformanceSuite } from "../../testsuite/src/suite.js";
import type { InteropReport } from "../../testsuite/src/report/model.js";
import { verify } from "../../src/index.js";
import { capturingIo } from "../cli-io.js";
import { clickEdge, collectErrors, launchChromium, serveDir, type Browser } from "./chromium.js";

/** A bridge case OpenSSL passes, and two mesh cases it fails (it stops at a self-signed root, or at an issuer it cannot find). */
const IDS = ["two-bridges", "mesh-full3", "mesh-loop"];

const suite: ConformanceSuite = {
  name: "multidomain",
  description: `multi-domain subset (${IDS.length} cases)`,
  async run(v) {
    const t0 = performance.now();
    const results = [];
    for (const s of allScenarios().filter((x) => IDS.includes(x.id))) results.push(await runMultidomainCase(generateScenario(s), v));
    return summarize("multidomain", this.description, results, performance.now() - t0);
  },
};

let browser: Browser;
let server: Awaited<ReturnType<typeof serveDir>>;
const dir = mkdtempSync(join(tmpdir(), "certpath-report-page-"));
let report: InteropReport;

beforeAll(async () => {
  const io = capturingIo();
  const env = { ...defaultConformanceEnv(), exporter: async (d: string) => exportCases(d, { suites: ["multidomain"], ids: IDS }).manifest };
  const code = await conformanceCommand(["--impl", "openssl", "--report", dir], { verify, io }, [suite], env);
  expect(code, io.err).toBe(0);
  report = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as InteropReport;
  [browser, server] = await Promise.all([launchChromium(), serveDir(dir)]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("the conformance report's pictures in Chromium", () => {
  it("loads without errors; a picture per case; OpenSSL's stop marked; clicking an edge shows its certificate", async () => {
    // OpenSSL fails the two mesh cases (the premise of the pictures' notes).
    expect(IDS.map((id) => report.rows.find((r) => r.id === id)!.cells["openssl"]!.status)).toEqual(["pass", "fail", "fail"]);
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/index.html`, { waitUntil: "load" });
    for (const id of IDS) {
      const fig = page.locator(`figure.case-pic[data-case="${id}"]`);
      expect(await fig.count()).toBe(1);
      const box = await fig.locator("svg").boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(100);
    }
    // mesh-full3: OpenSSL stops at PCA3's self-signed certificate (its own output, "stopped at"), marked on that node.
    const stop = page.locator(`figure.case-pic[data-case="mesh-full3"] g.node[data-kind~="stop-openssl"]`);
    expect(await stop.count()).toBe(1);
    expect(await stop.locator("title").textContent()).toMatch(/CN=PCA3/);
    expect(await page.locator(`figure.case-pic[data-case="mesh-full3"] li.fail`).first().innerText()).toMatch(/openssl: rejected: .*stopped at C=US,O=Dom3,CN=PCA3/);
    // A full mesh has no bridge CA; the two-bridge case has two.
    expect(await page.locator(`figure.case-pic[data-case="mesh-full3"] g.node[data-kind~="bridge"]`).count()).toBe(0);
    expect(await page.locator(`figure.case-pic[data-case="two-bridges"] g.node[data-kind~="bridge"]`).count()).toBe(2);
    // The expected path of the bridge case is certpath's bold path (class "path expected").
    expect(await page.locator(`figure.case-pic[data-case="two-bridges"] g.edge[data-kind~="path"][data-kind~="expected"]`).count()).toBe(5);

    // Click the target's certificate in two-bridges: the panel shows Bob's certificate.
    const fig = page.locator(`figure.case-pic[data-case="two-bridges"]`);
    await fig.scrollIntoViewIfNeeded();
    const bobEdge = await fig.evaluate((f) => {
      const data = JSON.parse(document.getElementById("graph-" + f.getAttribute("data-case"))!.textContent!);
      return `${f.getAttribute("data-case")}-${data.targetEdge}`;
    });
    await clickEdge(page, bobEdge);
    await expect.poll(() => page.locator("#cert-panel").isVisible()).toBe(true);
    const text = await page.locator("#cert-panel").innerText();
    expect(text).toContain("C=US, O=Dom2, CN=Bob");
    expect(text).toContain("C=US, O=Dom2, CN=Dom2 Issuing CA");
    expect(await page.locator("#cert-fields").count()).toBe(1);

    mkdirSync("reports/graph", { recursive: true });
    await page.screenshot({ path: "reports/graph/report-pictures.png" });
    await page.locator(`figure.case-pic[data-case="mesh-full3"]`).screenshot({ path: "reports/graph/report-mesh-full3.png" });
    expect(errors).toEqual([]);
    expect(server.requests).toEqual(["/index.html"]);
    await page.close();
  });
});
