// A minimal exporter of NIST PKITS cases in the exported case format (testsuite/FORMAT.md)
// for the interop tests: a chosen subset, fast. It writes what testsuite/src/export.ts
// writes for the same cases (checked in report.test.ts): the end entity is the target, the
// other certificates the untrusted bag in the listed order, one anchor, every CRL of the
// case, hard-fail revocation.

import { X509Certificate } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadPkits, type PkitsSuiteData } from "../../testsuite/src/pkits.js";
import { toPem } from "../../testsuite/src/interop/cases.js";
import { caseFolderName, type ExportManifest, type ExportedCase } from "../../testsuite/src/interop/types.js";

const nn = (i: number) => String(i).padStart(2, "0");

export interface PkitsExportOptions {
  /** Preloaded PKITS data (loadPkits); default: the package's vectors. */
  data?: PkitsSuiteData;
  /** Only these case ids. */
  ids?: readonly string[];
}

/** Writes DIR/pkits/<case>/... and returns the manifest entries (also written as DIR/manifest.json). */
export function exportPkitsCases(dir: string, opts: PkitsExportOptions = {}): ExportManifest {
  const data = opts.data ?? loadPkits();
  const cases: ExportedCase[] = [];
  for (const t of data.cases) {
    if (opts.ids && !opts.ids.includes(t.id)) continue;
    const rel = `pkits/${caseFolderName(t.id)}`;
    const caseDir = join(dir, rel);
    for (const sub of ["intermediates", "anchors", "crls"]) mkdirSync(join(caseDir, sub), { recursive: true });
    const target = t.bytes.path[t.bytes.path.length - 1]!;
    const inter = t.bytes.path.slice(0, -1);
    writeFileSync(join(caseDir, "target.der"), target);
    writeFileSync(join(caseDir, "target.pem"), toPem(target, "CERTIFICATE"));
    inter.forEach((d, i) => writeFileSync(join(caseDir, "intermediates", `${nn(i)}.der`), d));
    writeFileSync(join(caseDir, "intermediates.pem"), inter.map((d) => toPem(d, "CERTIFICATE")).join(""));
    writeFileSync(join(caseDir, "anchors", "00.der"), t.bytes.anchor);
    writeFileSync(join(caseDir, "anchors.pem"), toPem(t.bytes.anchor, "CERTIFICATE"));
    t.bytes.crls.forEach((d, i) => writeFileSync(join(caseDir, "crls", `${nn(i)}.der`), d));
    writeFileSync(join(caseDir, "crls.pem"), t.bytes.crls.map((d) => toPem(d, "X509 CRL")).join(""));
    const files = {
      target: "target.der",
      intermediates: inter.map((_, i) => `intermediates/${nn(i)}.der`),
      anchors: ["anchors/00.der"],
      crls: t.bytes.crls.map((_, i) => `crls/${nn(i)}.der`),
      ocsp: [],
    };
    const entry: ExportedCase = {
      suite: "pkits",
      id: t.id,
      title: t.title,
      section: t.section,
      dir: rel,
      topology: "NIST PKITS",
      trustAnchor: files.anchors[0]!,
      path: [...files.intermediates, files.target],
      crls: [...files.crls],
      validationTime: t.validationTime,
      settings: { ...t.settings, initialPolicySet: [...t.settings.initialPolicySet] },
      revocation: { mode: "hard" },
      files,
      needs: needs(t),
      expect: { valid: t.expect.valid, userConstrainedPolicySet: [...t.expect.userConstrainedPolicySet] },
    };
    writeFileSync(join(caseDir, "case.json"), JSON.stringify(entry, null, 2) + "\n");
    cases.push(entry);
  }
  const manifest: ExportManifest = {
    format: "certpath-cases/1",
    suites: [{ name: "pkits", description: "NIST PKITS 1.0.1, 249 cases, certificates in the listed order" }],
    cases,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

/** FORMAT.md "needs" of a PKITS case: its policy inputs, hard-fail revocation, CRLs, the key types. */
function needs(t: PkitsSuiteData["cases"][number]): string[] {
  const s = t.settings;
  const out: string[] = [];
  if (s.initialExplicitPolicy || s.initialPolicyMappingInhibit || s.initialInhibitAnyPolicy || !(s.initialPolicySet.length === 1 && s.initialPolicySet[0] === "2.5.29.32.0")) out.push("policy-inputs");
  out.push("revocation:hard");
  if (t.bytes.crls.length) out.push("crls");
  const types = new Set<string>();
  for (const d of [t.bytes.anchor, ...t.bytes.path]) {
    try {
      types.add(new X509Certificate(d).publicKey.asymmetricKeyType ?? "unknown");
    } catch {
      types.add("unknown");
    }
  }
  return [...out, ...[...types].sort().map((k) => `key:${k}`)];
}
