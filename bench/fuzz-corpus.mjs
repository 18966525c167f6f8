// The valid bases the fuzz run mutates: PKITS 4.4.1-style path with its CRLs (certificates,
// CRLs, anchor, PEM), an OCSP response made by `openssl ocsp` (bench/fixtures/fuzz), and a
// COSE_Sign1 signed by a generated ed25519 signer carried in x5chain.
// `libs`: { loadPkits, TestPki, coseSign1, COSE_ALG, COSE_HEADER } from dist/ or from src/.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const fixture = (name) => new Uint8Array(readFileSync(join(HERE, "fixtures", "fuzz", name)));

export function buildCorpus(libs) {
  const pkits = libs.loadPkits();
  // PKITS 4.4.1 (Valid CRL path): anchor -> GoodCACert -> EE, with both CRLs, hard revocation.
  const c = pkits.cases.find((x) => x.id === "4.1.1");
  const path = c.bytes.path;
  const certs = {
    target: path[path.length - 1],
    intermediates: path.slice(0, -1),
    anchor: c.bytes.anchor,
    crls: c.bytes.crls,
    time: new Date(c.validationTime),
  };
  const ocsp = {
    target: fixture("ocsp-ee.der"),
    anchor: fixture("ocsp-ca.der"),
    response: fixture("ocsp-response.der"),
    time: new Date("2027-06-01T00:00:00Z"),
  };
  const now = new Date("2025-01-01T00:00:00Z");
  const p = new libs.TestPki({ now, seed: "fuzz-cose" });
  const root = p.root("CN=Fuzz COSE Root");
  const signer = p.ee("CN=Fuzz COSE Signer", root, { keyAlg: "ed25519" });
  const message = libs.coseSign1(new Uint8Array([0xa1, 0x01, 0x02]), signer.key, libs.COSE_ALG.Ed25519, {
    protected: [[libs.COSE_HEADER.x5chain, signer.der]],
  });
  return { certs, ocsp, cose: { message, anchors: [root.der], time: now } };
}

/** The corpus from a built dist/ directory. */
export async function fuzzCorpus(dist) {
  const lib = await import(join(dist, "index.js"));
  // The conformance kit (npm workspace testsuite/) is built next to the library.
  const kit = process.env.CERTPATH_TESTSUITE_DIST ?? join(HERE, "..", "testsuite", "dist");
  const { loadPkits } = await import(join(kit, "pkits.js"));
  const { TestPki } = await import(join(kit, "generate", "pki.js"));
  return buildCorpus({ loadPkits, TestPki, coseSign1: lib.coseSign1, COSE_ALG: lib.COSE_ALG, COSE_HEADER: lib.COSE_HEADER });
}
