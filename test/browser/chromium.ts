// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, and a loopback
// HTTP server for the pages under test. One browser per test file: launch in beforeAll.
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import type { AddressInfo } from "node:net";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "certpath-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Console errors and uncaught page errors, collected from the moment the page opens. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
  return errors;
}

/** Serves the files of `dir` on 127.0.0.1 (GET only); every request is logged in `requests`. */
export async function serveDir(dir: string): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const types: Record<string, string> = { html: "text/html; charset=utf-8", svg: "image/svg+xml", json: "application/json", png: "image/png" };
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const path = normalize(decodeURIComponent((req.url ?? "/").split("?")[0]!)).replace(/^(\.\.[/\\])+/, "");
    try {
      const body = readFileSync(join(dir, path));
      res.writeHead(200, { "content-type": types[path.split(".").pop() ?? ""] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end("not found");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Clicks the middle of an SVG edge's path (a point on the stroke, not the box's centre). */
export async function clickEdge(page: Page, edgeId: string): Promise<void> {
  const pt = await page.evaluate((id) => {
    const path = document.querySelector(`g.edge[id="${id}"] path`) as SVGPathElement | null;
    if (!path) return null;
    const p = path.getPointAtLength(path.getTotalLength() / 2);
    const m = path.getScreenCTM()!;
    return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
  }, edgeId);
  if (!pt) throw new Error(`no edge ${edgeId} on the page`);
  await page.mouse.click(pt.x, pt.y);
}
