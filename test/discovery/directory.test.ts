// `DirectoryIssuerSource` through `issuerSources`: a directory of DER, PEM (several
// certificates in one file) and certs-only CMS (.p7c) files, read once; files that are
// not certificates are skipped and reported, never fatal.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DirectoryIssuerSource } from "../../src/stores/directory.js";
import { expectCode, expectPathDers, expectValid, p7c, pki, run } from "./helpers.js";

describe("DirectoryIssuerSource", () => {
  const p = pki("discovery-directory");
  const root = p.root("CN=Dir Root,O=Dir,C=US");
  const ca1 = p.ca("CN=Dir CA 1,O=Dir,C=US", root);
  const ca2 = p.ca("CN=Dir CA 2,O=Dir,C=US", ca1);
  const ca3 = p.ca("CN=Dir CA 3,O=Dir,C=US", ca2);
  const ca4 = p.ca("CN=Dir CA 4,O=Dir,C=US", ca3);
  const ee = p.ee("CN=dir-ee,O=Dir,C=US", ca4);
  const stranger = p.ca("CN=Dir Stranger,O=Dir,C=US", root);
  let dir = "";

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "certpath-dir-"));
    writeFileSync(join(dir, "ca1.der"), ca1.der);
    writeFileSync(join(dir, "chain.pem"), `${ca2.pem}\n${ca3.pem}`);
    writeFileSync(join(dir, "bundle.p7c"), p7c([stranger, ca4]));
    writeFileSync(join(dir, "junk.crt"), "this is not a certificate\n");
    writeFileSync(join(dir, "empty.cer"), new Uint8Array());
    writeFileSync(join(dir, "README.txt"), "ignored: not a certificate file extension\n");
    mkdirSync(join(dir, "sub.pem")); // a directory with a certificate-like name: not a file
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loads DER, PEM with two certificates and a .p7c; skips and reports the junk", () => {
    const src = new DirectoryIssuerSource(dir);
    expect(src.report.loaded).toBe(5); // ca1, ca2, ca3, stranger, ca4
    const skipped = src.report.skipped.map((s) => s.file);
    expect(skipped).toContain(join(dir, "junk.crt"));
    expect(skipped).toContain(join(dir, "empty.cer"));
    expect(skipped.some((f) => f.endsWith("README.txt"))).toBe(false);
    expect(skipped.some((f) => f.endsWith("sub.pem"))).toBe(false);
    for (const s of src.report.skipped) expect(s.reason.length).toBeGreaterThan(0);
  });

  it("a five-certificate path assembled from all three file kinds, via issuerSources", async () => {
    const src = new DirectoryIssuerSource(dir);
    const r = await run(ee, { anchors: [root], options: { issuerSources: [src] } });
    expectValid(r);
    expectPathDers(r, [ee.der, ca4.der, ca3.der, ca2.der, ca1.der, root.der]);
  });

  it("combines with `intermediates` (an intermediate given inline, the rest from the directory)", async () => {
    const src = new DirectoryIssuerSource(dir);
    const r = await run(ee, { intermediates: [ca4], anchors: [root], options: { issuerSources: [src] } });
    expectValid(r);
    expect(r.path).toHaveLength(6);
  });

  it("without the source: NO_PATH", async () => {
    expectCode(await run(ee, { anchors: [root] }), "NO_PATH");
  });

  it("maxFiles bounds how much is read (files in name order)", () => {
    const src = new DirectoryIssuerSource(dir, 2); // bundle.p7c, ca1.der
    expect(src.report.loaded).toBe(3);
  });
});
