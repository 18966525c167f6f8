// CRL parsing at the size of a real PKI: a generated set shaped like the US Federal PKI's
// published CRLs (154 CRLs, 1.37 million revoked entries, about 40 MB; sizes fall off
// like 1/rank, so the largest holds about 245,000 entries), cached in bench/.cache/crlset-*.
//
//   node --expose-gc bench/crl-set.mjs <certpath|pkijs|x509>   parse the set in this process, print one JSON line
//
// certpath: parseCrl on each (fresh process: empty cache), the models kept; held MB = heap
// plus array buffers after a GC, minus the same before parsing (the input bytes are read
// before). Then one lookup of a present and of an absent serial in every CRL, repeated.
// pkijs: CertificateRevocationList.fromBER; @peculiar/x509: new X509Crl(der). openssl is run
// by bench/run.mjs (one `openssl crl -noout` process per CRL, as a relying party would).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const CRL_SET_COUNT = 154;
export const CRL_SET_ENTRIES = 1_370_000;
const VERSION = 1;
export const CRL_SET_DIR = join(HERE, ".cache", `crlset-v${VERSION}`);

/** Serial (hex) present in CRL i: inserted by the generator. */
const presentSerial = (i) => (0x5eed0000n + BigInt(i)).toString(16);

export async function ensureCrlSet(distDir = join(HERE, "..", "testsuite", "dist", "generate")) {
  if (existsSync(join(CRL_SET_DIR, "done.json"))) return JSON.parse(readFileSync(join(CRL_SET_DIR, "done.json"), "utf8"));
  mkdirSync(CRL_SET_DIR, { recursive: true });
  const { TestPki } = await import(join(distDir, "pki.js"));
  const { largeCrl } = await import(join(distDir, "large-crl.js"));
  const pki = new TestPki({ now: new Date("2025-01-01T00:00:00Z"), seed: "bench-crlset", keyAlg: "p256" });
  const h = Array.from({ length: CRL_SET_COUNT }, (_, i) => 1 / (i + 1));
  const hs = h.reduce((a, b) => a + b, 0);
  const sizes = h.map((x) => Math.max(1, Math.round((x / hs) * CRL_SET_ENTRIES)));
  sizes[0] += CRL_SET_ENTRIES - sizes.reduce((a, b) => a + b, 0);
  const t0 = performance.now();
  let bytes = 0;
  for (let i = 0; i < CRL_SET_COUNT; i++) {
    const ca = pki.root(`CN=Federal-like CA ${i},O=Bench,C=US`);
    const der = largeCrl({
      issuer: ca,
      count: sizes[i],
      thisUpdate: new Date("2024-12-25T00:00:00Z"),
      nextUpdate: new Date("2025-01-08T00:00:00Z"),
      seed: `crlset-${i}`,
      serialBytes: 10,
      reasonEvery: 16,
      include: [BigInt(`0x${presentSerial(i)}`)],
    });
    bytes += der.length;
    writeFileSync(join(CRL_SET_DIR, `${String(i).padStart(3, "0")}.crl`), der);
  }
  const meta = { count: CRL_SET_COUNT, entries: CRL_SET_ENTRIES, bytes, largestEntries: Math.max(...sizes), generatedMs: Math.round(performance.now() - t0) };
  writeFileSync(join(CRL_SET_DIR, "done.json"), JSON.stringify(meta));
  return meta;
}

export function crlSetFiles() {
  return readdirSync(CRL_SET_DIR)
    .filter((f) => f.endsWith(".crl"))
    .sort()
    .map((f) => join(CRL_SET_DIR, f));
}

const mem = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function parseWith(engine) {
  const files = crlSetFiles();
  const ders = files.map((f) => new Uint8Array(readFileSync(f)));
  const largest = ders.reduce((a, d, i) => (d.length > ders[a].length ? i : a), 0);
  let parse;
  let lookup;
  if (engine === "certpath") {
    const dist = process.env.CERTPATH_DIST ? process.env.CERTPATH_DIST : join(HERE, "..", "dist");
    const { parseCrl } = await import(join(dist, "index.js"));
    parse = (d, i) => parseCrl(d, `crl${i}`);
    lookup = (m, serial) => m.revoked.find(serial).length;
  } else if (engine === "pkijs") {
    const pkijs = await import("pkijs");
    parse = (d) => pkijs.CertificateRevocationList.fromBER(d);
  } else if (engine === "x509") {
    await import("reflect-metadata");
    const x509 = await import("@peculiar/x509");
    parse = (d) => new x509.X509Crl(d);
  } else throw new Error(`unknown engine ${engine}`);
  const before = mem();
  const kept = [];
  const errors = {};
  let largestMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < ders.length; i++) {
    const s = performance.now();
    try {
      kept.push(parse(ders[i], i));
    } catch (e) {
      const k = String(e?.message ?? e).slice(0, 120);
      errors[k] = (errors[k] ?? 0) + 1;
      kept.push(undefined);
    }
    if (i === largest) largestMs = performance.now() - s;
  }
  const totalMs = performance.now() - t0;
  const heldMB = (mem() - before) / 1048576;
  const out = {
    engine,
    crls: ders.length,
    bytes: ders.reduce((a, d) => a + d.length, 0),
    parsed: kept.filter(Boolean).length,
    errors,
    totalMs: Math.round(totalMs),
    largestMs: Math.round(largestMs),
    largestBytes: ders[largest].length,
    heldMB: Math.round(heldMB * 10) / 10,
  };
  if (lookup) {
    // One present and one absent serial per CRL, 20 rounds.
    let hits = 0;
    const n0 = performance.now();
    let n = 0;
    for (let r = 0; r < 20; r++)
      for (let i = 0; i < kept.length; i++) {
        hits += lookup(kept[i], presentSerial(i));
        hits += lookup(kept[i], "7fffffffffffffffff01");
        n += 2;
      }
    out.lookupUs = Math.round(((performance.now() - n0) / n) * 1000 * 10) / 10;
    out.lookupHits = hits / 20;
  }
  out.peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  if (kept.length < 0) console.log(kept); // keep the models alive until here
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const engine = process.argv[2];
  parseWith(engine)
    .then((o) => process.stdout.write(JSON.stringify(o) + "\n"))
    .catch((e) => {
      process.stdout.write(JSON.stringify({ engine, crashed: String(e?.stack ?? e).slice(0, 600) }) + "\n");
      process.exitCode = 1;
    });
}
