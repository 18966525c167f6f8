// Writing the report: DIR/index.html and DIR/results.json (default reports/conformance).

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { renderHtml } from "./html.js";
import type { InteropReport } from "./model.js";
import type { CasePicture } from "./pictures.js";

export const DEFAULT_REPORT_DIR = "reports/conformance";

export interface WrittenReport {
  dir: string;
  html: string;
  json: string;
}

export function reportJson(report: InteropReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}

/** Writes both files through `writeFile` (creating DIR) and returns their absolute paths. */
export function writeReport(
  report: InteropReport,
  dir: string,
  writeFile: (path: string, text: string) => void,
  mkdir: (dir: string) => void = (d) => void mkdirSync(d, { recursive: true }),
  pictures: readonly CasePicture[] = [],
): WrittenReport {
  const abs = resolve(dir);
  mkdir(abs);
  const html = join(abs, "index.html");
  const json = join(abs, "results.json");
  writeFile(html, renderHtml(report, pictures));
  // Each case's picture on its own too (DIR/pictures/<case>.svg).
  if (pictures.length) {
    mkdir(join(abs, "pictures"));
    for (const p of pictures) if (p.svg) writeFile(join(abs, "pictures", `${p.id}.svg`), p.svg);
  }
  writeFile(json, reportJson(report));
  return { dir: abs, html, json };
}
