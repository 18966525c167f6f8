// `certpath graph --format html` opened in real headless Chromium: the page loads with no
// console error and no request beyond itself, the graph is visible, and clicking a
// certificate's edge shows that certificate in the side panel. A screenshot is written to
// reports/graph/two-bridges.png.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateScenario, verifyOptionsOf, type GeneratedCase } from "../../testsuite/src/multidomain/generate.js";
import { verify } from "../../src/index.js";
import { main } from "../../src/cli/main.js";
import { capturingIo } from "../cli-io.js";
import { TWO_BRIDGE } from "../graph/two-bridge.js";
import { clickEdge, collectErrors, launchChromium, serveDir, type Browser } from "./chromium.js";

let browser: Browser;
let server: Awaited<ReturnType<typeof serveDir>>;
let gen: GeneratedCase;
const dir = mkdtempSync(join(tmpdir(), "certpath-graph-page-"));

beforeAll(async () => {
  gen = generateScenario(TWO_BRIDGE);
  const k = TWO_BRIDGE.case;
  const put = (name: string, pems: string[]) => {
    writeFileSync(join(dir, name), pems.join(""));
    return join(dir, name);
  };
  const pem = (ids: readonly string[]) => ids.map((id) => gen.certs.get(id)!.pem);
  const args = [
    put("bob.pem", pem([k.target])),
    "--anchor", put("anchor.pem", pem(k.anchors)),
    "--untrusted", put("bag.pem", pem(k.bag)),
    "--crl", put("crl.pem", [gen.crls.get("crlb1")!.pem!]),
    "--revocation", "soft",
    "--at", TWO_BRIDGE.referenceTime,
  ];
  const io = capturingIo();
  expect(await main(["graph", ...args, "--format", "html", "-o", join(dir, "graph.html"), "--title", "Bob through two bridges"], { verify, io })).toBe(0);
  [browser, server] = await Promise.all([launchChromium(), serveDir(dir)]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("certpath graph --format html in Chromium", () => {
  it("loads without errors, shows the graph, and clicking an edge shows its certificate", async () => {
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}/graph.html`, { waitUntil: "load" });
    // Visible: the SVG fills the stage, with every certificate drawn.
    const box = await page.locator("#stage svg").boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(box!.height).toBeGreaterThan(600);
    const r = await verify({ ...verifyOptionsOf(gen), graph: true });
    expect(await page.locator("g.edge").count()).toBe(r.graph!.edges.length);
    expect(await page.locator("g.node").count()).toBe(r.graph!.nodes.length);
    expect(await page.locator("g.edge").first().isVisible()).toBe(true);

    // Click the expired shortcut PCA1 -> PCA2: the panel shows that certificate.
    const serial = gen.certs.get("x12exp")!.serial.toString(16);
    const edgeId = await page.evaluate((s) => (window as unknown as { certpathGraph: { data: { edges: { id: string; cert: { serial: string } }[] } } }).certpathGraph.data.edges.find((e) => e.cert.serial === s)!.id, serial);
    await clickEdge(page, edgeId);
    const fields = page.locator("#cert-fields");
    await expect.poll(() => fields.isVisible()).toBe(true);
    const text = await page.locator("#details").innerText();
    expect(text).toContain(serial);
    expect(text).toContain("C=US, O=Dom2, CN=PCA2");
    expect(text).toContain("failed here: EXPIRED");
    expect(await page.locator(`g.edge[id="${edgeId}"]`).getAttribute("class")).toContain("sel");

    // Zoom changes the view box; "fit" restores it.
    await page.click("#zfit");
    const vb0 = await page.locator("#stage svg").getAttribute("viewBox");
    await page.click("#zin");
    expect(await page.locator("#stage svg").getAttribute("viewBox")).not.toBe(vb0);
    await page.click("#zfit");
    expect(await page.locator("#stage svg").getAttribute("viewBox")).toBe(vb0);

    mkdirSync("reports/graph", { recursive: true });
    await page.screenshot({ path: "reports/graph/two-bridges.png" });
    expect(errors).toEqual([]);
    expect(server.requests).toEqual(["/graph.html"]);
    await page.close();
  });
});
