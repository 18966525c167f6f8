// Name constraints against the call's budget (issue 9): a root with 2,048 permitted and
// 2,048 excluded subtrees (dNSName and rfc822Name) over a leaf with 2,048 subjectAltNames
// and 2,048 emailAddress subject attributes, validated with the default limits (ends with
// BUDGET_EXCEEDED on maxNameConstraintChecks) and with the limit raised so the indexed
// engine runs to the end; and a normal path: a CA with 10 permitted subtrees, a leaf with
// 3 names. Each is timed cold (first call: every certificate parsed) and warm (parse
// cache filled), median of 7 warm calls. "Cold" is timed twice: as the first call of a fresh
// process (module loading and compilation included), and on new certificates once the
// process has run (what a long-running service meets). Anchor constraints are on (the default), so the
// root's own constraints apply.
//
// Run after `npm run build`: node bench/name-constraints.mjs
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const dist = process.env.CERTPATH_DIST ?? join(HERE, "..", "dist");
const { verify } = await import(join(dist, "index.js"));
const { TestPki } = await import(join(HERE, "..", "testsuite", "dist", "generate", "pki.js"));
const { nameConstraintSquare } = await import(join(HERE, "..", "testsuite", "dist", "generate", "hostile.js"));

const NOW = new Date("2026-01-01T00:00:00Z");
let p = new TestPki({ now: NOW, seed: "bench-name-constraints" });
const N = 2048;

function pathological() {
  const { root, leaf } = nameConstraintSquare(p, N, "CN=NC Bench Root,O=NCB,C=US");
  return { target: leaf.der, anchors: [root.der], intermediates: [] };
}

function normal() {
  const root = p.root("CN=NC Bench Plain Root");
  const ca = p.ca("CN=NC Bench Ten CA", root, { extensions: { nameConstraints: { permitted: Array.from({ length: 10 }, (_, i) => `dns:d${i}.example`) } } });
  const ee = p.ee("CN=NC Bench EE", ca, { extensions: { subjectAltName: ["dns:a.d1.example", "dns:d7.example", "dns:x.y.d9.example"] } });
  return { target: ee.der, anchors: [root.der], intermediates: [ca.der] };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(input, limits) {
  const call = () => verify({ target: input.target, intermediates: input.intermediates, trustAnchors: input.anchors, time: NOW, limits });
  let t = performance.now();
  const first = await call();
  const coldMs = performance.now() - t;
  const warm = [];
  let r = first;
  for (let i = 0; i < 7; i++) {
    t = performance.now();
    r = await call();
    warm.push(performance.now() - t);
  }
  return {
    verdict: r.valid ? "valid" : `${r.error.code}${r.error.code === "BUDGET_EXCEEDED" ? ` (${/(\w+) budget/.exec(r.error.message)?.[1] ?? "?"})` : ""}`,
    nameConstraintChecks: r.spent.nameConstraintChecks,
    coldMs: Math.round(coldMs * 10) / 10,
    warmMedianMs: Math.round(median(warm) * 100) / 100,
  };
}

const bad = pathological();
const ok = normal();
// The first call of a fresh process also pays for loading modules and compiling code;
// a service meets a hostile certificate later, with that done. So the same case is timed
// again on new certificates (another seed: nothing cached) after the calls above.
const rows = {
  [`${N} x ${N} names, default limits (first call of the process)`]: await time(bad, undefined),
  [`${N} x ${N} names, limit raised to 20,000,000`]: await time(bad, { maxNameConstraintChecks: 20_000_000, timeoutMs: 120_000 }),
  ["10-subtree CA, 3-name leaf, default limits"]: await time(ok, undefined),
};
p = new TestPki({ now: NOW, seed: "bench-name-constraints-fresh" });
rows[`${N} x ${N} names, default limits (new certificates, warmed process)`] = await time(pathological(), undefined);
const out = { node: process.version, cpus: cpus().length, loadavg: loadavg().map((x) => Math.round(x * 100) / 100), when: new Date().toISOString(), rows };
writeFileSync(join(HERE, "name-constraints-results.json"), JSON.stringify(out, null, 2) + "\n");
console.log(`| case | verdict | name-constraint checks charged | first call (cold) | warm median of 7 |`);
console.log(`| --- | --- | --- | --- | --- |`);
for (const [k, v] of Object.entries(rows)) console.log(`| ${k} | ${v.verdict} | ${v.nameConstraintChecks.toLocaleString("en-US")} | ${v.coldMs} ms | ${v.warmMedianMs} ms |`);
console.log(`(node ${out.node}, ${out.cpus} CPUs, load ${out.loadavg.join(" ")})`);
