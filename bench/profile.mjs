// Steady-state CPU profile of certpath's `verify` on one benchmark cell (after warm-up
// passes, so the cold parse and the JIT do not dominate), with a self/inclusive summary.
//
//   [CERTPATH_DIST=bench/.cache/dist] node bench/profile.mjs bench/.cache/mesh-500-t50.json [passes=5] [out.cpuprofile]
//
// The .cpuprofile file opens in Chrome DevTools (Performance) or speedscope.
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

// Same switch as engine-runner.mjs: CERTPATH_DIST=bench/.cache/dist profiles the build the last run measured.
const distDir = process.env.CERTPATH_DIST ? new URL(`file://${process.env.CERTPATH_DIST.startsWith("/") ? "" : process.cwd() + "/"}${process.env.CERTPATH_DIST}/`) : new URL("../dist/", import.meta.url);
const { verify } = await import(new URL("index.js", distDir).href);

const [cellFile, passesArg = "5", outFile = "/tmp/certpath-bench.cpuprofile"] = process.argv.slice(2);
if (!cellFile) {
  console.error("usage: node bench/profile.mjs <cell.json> [passes] [out.cpuprofile]");
  process.exit(2);
}
const cell = JSON.parse(readFileSync(cellFile, "utf8"));
const f = (s) => new Uint8Array(Buffer.from(s, "base64"));
const anchor = f(cell.anchor);
const bag = cell.bag.map(f);
const targets = cell.targets.map(f);
const time = new Date(cell.meta.time);

async function pass() {
  const s = performance.now();
  for (const target of targets) await verify({ target, intermediates: bag, trustAnchors: [anchor], time, revocation: { mode: "none" } });
  return (performance.now() - s) / targets.length;
}

for (let k = 0; k < 4; k++) console.log(`warm-up pass ${k + 1}: ${(await pass()).toFixed(2)} ms/target`);
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.start");
for (let k = 0; k < Number(passesArg); k++) console.log(`profiled pass ${k + 1}: ${(await pass()).toFixed(2)} ms/target`);
const { profile } = await session.post("Profiler.stop");
writeFileSync(outFile, JSON.stringify(profile));

// Summary: self time and inclusive time per function.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const time_ = new Map();
profile.samples.forEach((id, i) => time_.set(id, (time_.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...time_.values()].reduce((a, b) => a + b, 0);
const key = (n) => `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}`;
const self = new Map();
const incl = new Map();
for (const [id, t] of time_) {
  const k = key(byId.get(id));
  self.set(k, (self.get(k) ?? 0) + t);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const kk = key(byId.get(cur));
    if (seen.has(kk)) continue;
    seen.add(kk);
    incl.set(kk, (incl.get(kk) ?? 0) + t);
  }
}
const show = (title, m, n) => {
  console.log(`\n${title}`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`);
};
show("self time", self, 20);
show("inclusive time", incl, 30);
console.log(`\nprofile written to ${outFile}`);
