// Reading an exported case folder (testsuite/FORMAT.md): the manifest, and each case's
// files as bytes for the in-process drivers (certpath, pkijs). The external drivers
// (openssl) read the folder's PEM bundles themselves.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ExportManifest, ExportedCase } from "./types.js";

export function readExportManifest(dir: string): ExportManifest {
  const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ExportManifest;
  if (!m || !Array.isArray(m.cases)) throw new Error(`${join(dir, "manifest.json")}: no "cases" array`);
  for (const c of m.cases) {
    // Tolerate entries written without the optional lists.
    c.files.intermediates ??= [];
    c.files.anchors ??= [];
    c.files.crls ??= [];
    c.files.ocsp ??= [];
    c.revocation ??= { mode: "hard" };
  }
  return m;
}

export interface CaseInputs {
  target: Uint8Array;
  intermediates: Uint8Array[];
  anchors: Uint8Array[];
  crls: Uint8Array[];
  ocsp: Uint8Array[];
}

/** The case's DER files, in the listed order. */
export function readCaseInputs(c: ExportedCase, caseDir: string): CaseInputs {
  const read = (f: string) => new Uint8Array(readFileSync(join(caseDir, f)));
  return {
    target: read(c.files.target),
    intermediates: c.files.intermediates.map(read),
    anchors: c.files.anchors.map(read),
    crls: c.files.crls.map(read),
    ocsp: c.files.ocsp.map(read),
  };
}

/** A PEM bundle of the folder ("anchors.pem", ...), or undefined when absent or empty. */
export function pemBundle(caseDir: string, name: string): string | undefined {
  const p = join(caseDir, name);
  if (!existsSync(p)) return undefined;
  return readFileSync(p, "utf8").includes("-----BEGIN") ? p : undefined;
}

export function toPem(der: Uint8Array, label: "CERTIFICATE" | "X509 CRL"): string {
  const b64 = Buffer.from(der).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
