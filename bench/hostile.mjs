// Hostile bags against certpath's default budget (issue: "a call ends within its default
// budget in under a second"): 3000 same-named decoy issuers in a cycle of
// cross-certificates, ten of them certifying the real CA key, a decoy claiming the root,
// and two 16384-bit RSA decoy keys; plus the dense 30-CA full mesh with a wrong-key
// anchor. Each scenario is timed on the first call (every certificate parsed cold) and
// on the next calls (parse cache warm), with the default limits, median of 5.
//
// Run after `npm run build`: node bench/hostile.mjs   (npm run bench runs it too)
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const dist = process.env.CERTPATH_DIST ?? join(HERE, "..", "dist");
const { verify } = await import(join(dist, "index.js"));
// The generator lives in the conformance kit (testsuite/), built next to the library by `npm run build`.
const kitDist = process.env.CERTPATH_KIT_DIST ?? join(HERE, "..", "testsuite", "dist");
const { TestPki, fabricateRsaPublicKey } = await import(join(kitDist, "generate", "pki.js"));

const NOW = new Date("2026-01-01T00:00:00Z");
const p = new TestPki({ now: NOW, seed: "bench-hostile" });

function storm() {
  const NAME = "CN=Storm Issuing CA,O=Storm,C=US";
  const ROOT = "CN=Storm Root,O=Storm,C=US";
  const root = p.root(ROOT);
  const ica = p.ca(NAME, root);
  const ee = p.ee("CN=Storm EE,O=Storm,C=US", ica);
  const N = 3000;
  const as = (name, nameDer, key) => ({ name, nameDer, key });
  const keys = Array.from({ length: N }, (_, i) => p.keyFor(NAME, "ed25519", `decoy-${i}`));
  const decoy = (i) => as(NAME, ica.nameDer, keys[i % N]);
  const cyclic = keys.map((_, i) => p.cross(decoy(i + 1), decoy(i)));
  const intoCycle = Array.from({ length: 10 }, (_, j) => p.cross(decoy(j), ica));
  const fakeRootIssued = p.ca(NAME, as(ROOT, root.nameDer, p.keyFor(ROOT, "ed25519", "fake")), { key: keys[0] });
  const huge = p.ca("CN=Huge Key CA,O=Storm,C=US", root, { key: fabricateRsaPublicKey(16384, "storm-huge") });
  const hugeCross = p.cross(huge, ica, { signatureValue: new Uint8Array(2048).fill(0x5a) });
  const hugeNamed = p.ca(NAME, root, { key: fabricateRsaPublicKey(16384, "storm-huge-2") });
  const bag = [...cyclic, ...intoCycle, fakeRootIssued, huge, hugeCross, hugeNamed].map((c) => c.der);
  return { ee: ee.der, root: root.der, ica: ica.der, bag };
}

function denseMesh() {
  const SIZE = 30;
  const name = (i) => `CN=Mesh CA ${i},O=Mesh,C=US`;
  const cas = Array.from({ length: SIZE }, (_, i) => p.root(name(i)));
  const bag = [];
  for (const a of cas) for (const b of cas) if (a !== b) bag.push(p.cross(a, b).der);
  const ee = p.ee("CN=Mesh EE,O=Mesh,C=US", cas[SIZE - 1]);
  const wrongKeyAnchor = p.root(name(0), { keySeed: "not-the-mesh-key" });
  return { ee: ee.der, bag, anchor: wrongKeyAnchor.der };
}

async function measure(label, options) {
  const t0 = performance.now();
  const first = await verify({ ...options, time: NOW });
  const cold = performance.now() - t0;
  const warm = [];
  let r = first;
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    r = await verify({ ...options, time: NOW });
    warm.push(performance.now() - s);
  }
  warm.sort((a, b) => a - b);
  return {
    scenario: label,
    bag: options.intermediates.length,
    verdict: r.valid ? "valid" : r.error.code,
    coldMs: Math.round(cold),
    warmMedianMs: Math.round(warm[2] * 10) / 10,
    signatureChecks: r.spent.signatureChecks,
    steps: r.spent.steps,
    withinBudget: r.spent.elapsedMs <= 10_000,
    message: r.valid ? "" : r.error.message.slice(0, 120),
  };
}

const s = storm();
const m = denseMesh();
const rows = [
  await measure("storm, real issuer present", { target: s.ee, intermediates: [...s.bag, s.ica], trustAnchors: [s.root] }),
  await measure("storm, real issuer absent", { target: s.ee, intermediates: s.bag, trustAnchors: [s.root] }),
  await measure("dense 30-CA mesh, wrong-key anchor", { target: m.ee, intermediates: m.bag, trustAnchors: [m.anchor] }),
];

const lines = [
  "## Hostile bags (default limits)",
  "",
  `Machine: nproc ${cpus().length}, ${cpus()[0]?.model ?? "?"}; Node ${process.version}; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}; ${new Date().toISOString()}.`,
  "",
  "| scenario | bag | verdict | first call ms (cold parse) | next calls ms (median of 5) | signature checks | steps |",
  "| --- | --- | --- | --- | --- | --- | --- |",
  ...rows.map((r) => `| ${r.scenario} | ${r.bag} | ${r.verdict} | ${r.coldMs} | ${r.warmMedianMs} | ${r.signatureChecks} | ${r.steps} |`),
  "",
];
console.log(lines.join("\n"));
writeFileSync(join(HERE, "hostile-results.json"), JSON.stringify(rows, null, 1));
// Keep the sections bench/attacks.mjs, bench/deadlines.mjs and bench/fuzz.mjs write.
let kept = "";
try {
  const md = readFileSync(join(HERE, "HOSTILE.md"), "utf8");
  kept = [/<!-- attacks:start[\s\S]*<!-- attacks:end -->/, /<!-- deadlines:start[\s\S]*<!-- deadlines:end -->/, /<!-- fuzz:start[\s\S]*<!-- fuzz:end -->/].map((re) => re.exec(md)?.[0] ?? "").filter(Boolean).join("\n\n");
} catch {
  /* first run */
}
writeFileSync(join(HERE, "HOSTILE.md"), lines.join("\n") + (kept ? `\n${kept}\n` : ""));
