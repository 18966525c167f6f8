// The prepared verifier against the one-shot door and against the floor (issue 11).
//
//   npm run build && node --expose-gc bench/verifier.mjs [--cas 500] [--targets 300] [--rounds 5] [--heap-targets 100000] [--regenerate]
//
// PKI: a generated bridge of bridges, RSA-2048 keys throughout. Bridges cross-certify
// each other pairwise both ways; each bridge cross-certifies its principal CAs both ways;
// each principal has a sub-CA tree (3 children per CA). The relying party trusts one
// principal (P0.0). A target issued at depth d of a sub-CA tree has a path of d + 2
// certificates in its own domain, d + 4 through its bridge and d + 5 through a second
// bridge: targets are drawn so each path length from 3 to 8 is represented equally.
//
// Measured in two passes per round, their order alternating (see preparedPass and oneShotPass):
//   - prepared: `createVerifier({intermediates: bag, trustAnchors: [anchor]})` built once,
//     then warmed by one unmeasured pass (each target's twin, issued by the same CA, and
//     the target itself), as a service is after its first minutes. Then in each round, per
//     target: a first sight (one of FRESH siblings of the target, issued by the same CA and
//     never seen: its parse and its own signature are new, the CA signatures are in the
//     verifier's cache: a new signer under known CAs, the service's steady state), and a
//     repeat (the target itself).
//   - one-shot: `verify({target, intermediates: bag, trustAnchors: [anchor]})`, the whole
//     bag per call (parse cache and the process-wide signature cache warmed by the twins).
//   - floor: the path's own signature verifications (path length - 1 RSA-2048 verifies
//     with node:crypto, KeyObjects prepared), timed on the path the verifier returned.
// Then: 100,000 distinct targets (each a fresh serial number, signed by one RSA-2048
// issuing CA) through one verifier, heap sampled after a full GC every 10,000 calls.
import { mkdirSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPrivateKey, sign as nodeSign, X509Certificate } from "node:crypto";
import os from "node:os";

const HERE = dirname(fileURLToPath(import.meta.url));
const CACHE = join(HERE, ".cache");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const CAS = opt("cas", 500);
const TARGETS = opt("targets", 300);
const ROUNDS = opt("rounds", 5);
const HEAP_TARGETS = opt("heap-targets", 100_000);
// Never-seen siblings per target: one first sight per round.
const FRESH = 5;
if (ROUNDS > FRESH) throw new Error(`--rounds is at most ${FRESH} (one never-seen sibling per target and round)`);
const NOW = new Date("2025-01-01T00:00:00Z");
const { verify, createVerifier } = await import("../dist/index.js");

// ---------------------------------------------------------------------------- PKI

const b64 = (u8) => Buffer.from(u8).toString("base64");
const unb64 = (s) => new Uint8Array(Buffer.from(s, "base64"));

async function generate() {
  const { TestPki } = await import("../testsuite/dist/generate/pki.js");
  const pki = new TestPki({ now: NOW, seed: `bench-verifier-${CAS}`, keyAlg: "rsa2048" });
  const t0 = performance.now();
  let seed = 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const bag = [];
  const cas = [];
  const nBridges = 4;
  const perBridge = 6;
  const B = [];
  for (let i = 0; i < nBridges; i++) {
    const b = pki.root(`CN=Bridge CA ${i},O=Bridge ${i},C=US`);
    B.push(b);
    bag.push(b);
    cas.push(b);
  }
  for (let i = 0; i < nBridges; i++) for (let j = i + 1; j < nBridges; j++) bag.push(pki.cross(B[i], B[j]), pki.cross(B[j], B[i]));
  // domains[i][k] = { principal, levels: [[depth-1 CAs], [depth-2], [depth-3]] }
  const domains = [];
  for (let i = 0; i < nBridges; i++) {
    domains.push([]);
    for (let k = 0; k < perBridge; k++) {
      const p = pki.root(`CN=Principal CA ${i}.${k},O=Principal ${i}.${k},C=US`);
      cas.push(p);
      bag.push(p, pki.cross(B[i], p), pki.cross(p, B[i]));
      domains[i].push({ principal: p, levels: [[], [], []] });
    }
  }
  // Sub-CA trees, round robin over the principals, breadth first, 3 children each, up to depth 3.
  const all = domains.flat();
  const budget = CAS - cas.length;
  for (let n = 0; n < budget; n++) {
    const d = all[n % all.length];
    const lvl = d.levels[0].length < 3 ? 0 : d.levels[1].length < 9 ? 1 : 2;
    const parents = lvl === 0 ? [d.principal] : d.levels[lvl - 1];
    const parent = parents[Math.floor(d.levels[lvl].length / 3) % parents.length];
    const e = pki.ca(`CN=Domain CA ${all.indexOf(d)}.${n},O=Domain ${all.indexOf(d)},C=US`, parent);
    d.levels[lvl].push(e);
    cas.push(e);
    bag.push(e);
  }
  const anchorDomain = domains[0][0];
  // Targets: for path length L: own domain (L = d + 2, d = 1..3), same bridge (d + 4), other bridge (d + 5).
  const plans = [];
  for (let L = 3; L <= 8; L++) {
    const options = [];
    for (let d = 1; d <= 3; d++) {
      if (d + 2 === L) options.push({ dom: anchorDomain, d });
      if (d + 4 === L) for (const x of domains[0].slice(1)) options.push({ dom: x, d });
      if (d + 5 === L) for (const i of [1, 2, 3]) for (const x of domains[i]) options.push({ dom: x, d });
    }
    const usable = options.filter((o) => o.dom.levels[o.d - 1].length);
    if (usable.length) plans.push({ L, options: usable });
  }
  const eeKey = pki.keyFor("CN=bench ee key", "p256");
  const targets = [];
  for (let t = 0; t < TARGETS; t++) {
    const plan = plans[t % plans.length];
    const o = plan.options[Math.floor(rnd() * plan.options.length)];
    const lv = o.dom.levels[o.d - 1];
    const ca = lv[Math.floor(rnd() * lv.length)];
    // Each target has a twin under the same CA (warm-up) and FRESH siblings (one first sight per round).
    const ee = (cn) => pki.ee(`CN=${cn}.example,O=Targets,C=US`, ca, { key: eeKey }).der;
    targets.push({ L: plan.L, der: ee(`target-${t}`), twin: ee(`twin-${t}`), fresh: Array.from({ length: FRESH }, (_, k) => ee(`target-${t}-new-${k}`)) });
  }
  // The heap test's issuing CA: a depth-3 CA of the anchor's domain, with its private key.
  const heapCa = anchorDomain.levels[2][0] ?? anchorDomain.levels[1][0] ?? anchorDomain.levels[0][0];
  const heapTemplate = pki.ee("CN=heap-target.example,O=Targets,C=US", heapCa, { key: eeKey, serial: 0x7fffffffffffn });
  const shuffled = bag.map((e) => e.der).sort(() => rnd() - 0.5);
  return {
    meta: { cas: cas.length, bag: bag.length, bridges: nBridges, principals: nBridges * perBridge, keyAlg: "rsa2048", generatedMs: Math.round(performance.now() - t0) },
    anchor: b64(anchorDomain.principal.der),
    bag: shuffled.map(b64),
    targets: targets.map((t) => ({ L: t.L, der: b64(t.der), twin: b64(t.twin), fresh: t.fresh.map(b64) })),
    heap: { template: b64(heapTemplate.der), caKey: heapCa.key.privateKey.export({ format: "pem", type: "pkcs8" }) },
  };
}

mkdirSync(CACHE, { recursive: true });
const cacheFile = join(CACHE, `verifier-bob-${CAS}-t${TARGETS}-f${FRESH}.json`);
let cell;
if (!args.includes("--regenerate") && existsSync(cacheFile)) cell = JSON.parse(readFileSync(cacheFile, "utf8"));
else {
  process.stdout.write(`generating a ${CAS}-CA RSA-2048 bridge of bridges ... `);
  cell = await generate();
  writeFileSync(cacheFile, JSON.stringify(cell));
  console.log(`${(cell.meta.generatedMs / 1000).toFixed(0)} s`);
}
const anchor = unb64(cell.anchor);
const bag = cell.bag.map(unb64);
const targets = cell.targets.map((t) => ({ L: t.L, der: unb64(t.der), twin: unb64(t.twin), fresh: t.fresh.map(unb64) }));

// ---------------------------------------------------------------------------- floor

// Certificates and keys are built once per certificate (node:crypto X509Certificate and
// KeyObject), outside the timing: building L X509Certificate objects per target between two
// measured calls was ~1 ms of native allocation and parsing that the next call paid for in
// caches, though the floor's own timing never included it.
const x509Cache = new Map();
const x509Of = (der) => {
  const k = b64(der);
  let v = x509Cache.get(k);
  if (!v) {
    const cert = new X509Certificate(der);
    x509Cache.set(k, (v = { cert, key: cert.publicKey }));
  }
  return v;
};
/** The path's own signature verifications: each certificate under the next one's key. */
function floorOf(pathDers) {
  const certs = pathDers.map((d) => x509Of(d).cert);
  const keys = pathDers.slice(1).map((d) => x509Of(d).key);
  const t0 = performance.now();
  for (let i = 0; i < certs.length - 1; i++) if (!certs[i].verify(keys[i])) throw new Error("floor: a path signature does not verify");
  return performance.now() - t0;
}

// ---------------------------------------------------------------------------- run

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95), n: s.length };
};
const fmt = (x) => (x < 1 ? x.toFixed(3) : x.toFixed(2));
const gc = () => globalThis.gc?.();

console.log(`bench/verifier.mjs: ${cell.meta.cas} CAs (${cell.meta.bridges} bridges, ${cell.meta.principals} principals), bag ${cell.meta.bag} certificates, RSA-2048; ${targets.length} targets, ${ROUNDS} rounds; node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);

const tBuild = performance.now();
const verifier = createVerifier({ intermediates: bag, trustAnchors: [anchor], time: NOW });
const buildMs = performance.now() - tBuild;
// Warm-up, unmeasured: each twin and each target through the verifier, and each twin through
// the one-shot door (its parse and process-wide signature caches as warm as the verifier's).
for (const t of targets) {
  if (!(await verifier.verify(t.twin)).valid || !(await verifier.verify(t.der)).valid) throw new Error("warm-up: twin or target not valid");
  await verify({ target: t.twin, intermediates: bag, trustAnchors: [anchor], time: NOW });
}

const rows = { first: [], repeat: [], oneShot: [], floor: [], checks: [], computedFirst: [], computedRepeat: [], byL: new Map() };
const byL = (L) => {
  let l = rows.byL.get(L);
  if (!l) rows.byL.set(L, (l = { first: [], prepared: [], floor: [], oneShot: [], checks: [] }));
  return l;
};
/** The prepared verifier (a first sight, then a repeat) and the floor, target by target. */
async function preparedPass(round) {
  for (const t of targets) {
    let c0 = verifier.stats().signatures.computed;
    let s = performance.now();
    const f = await verifier.verify(t.fresh[round]);
    const firstMs = performance.now() - s;
    const computedFirst = verifier.stats().signatures.computed - c0;
    if (!f.valid) throw new Error(`new target of length ${t.L}: ${f.error?.code} ${f.error?.message}`);
    if (f.path.length !== t.L) throw new Error(`new target planned with a path of ${t.L} got ${f.path.length}`);
    c0 = verifier.stats().signatures.computed;
    s = performance.now();
    const r = await verifier.verify(t.der);
    const prepared = performance.now() - s;
    const computed = verifier.stats().signatures.computed - c0;
    if (!r.valid || r.path.length !== t.L) throw new Error(`target of length ${t.L}: ${r.error?.code} ${r.error?.message}`);
    const floor = floorOf(r.path.map((e) => e.der));
    rows.first.push(firstMs);
    rows.repeat.push(prepared);
    rows.computedFirst.push(computedFirst);
    rows.computedRepeat.push(computed);
    rows.floor.push(floor);
    rows.checks.push(f.spent.signatureChecks / (t.L - 1));
    const l = byL(t.L);
    l.first.push(firstMs);
    l.prepared.push(prepared);
    l.floor.push(floor);
    l.checks.push(f.spent.signatureChecks);
  }
}
/** The one-shot door, the whole bag per call. */
async function oneShotPass() {
  for (const t of targets) {
    const s = performance.now();
    const one = await verify({ target: t.der, intermediates: bag, trustAnchors: [anchor], time: NOW });
    const oneMs = performance.now() - s;
    if (!one.valid || one.path.length !== t.L) throw new Error("one-shot and prepared disagree");
    rows.oneShot.push(oneMs);
    byL(t.L).oneShot.push(oneMs);
  }
}
// Two passes per round, their order alternating: the prepared verifier and the floor, then
// the one-shot door (or the other way round). Not interleaved call by call: a one-shot call
// leaves the parse of a 560-certificate bag behind it, and the next prepared call paid for
// collecting it (first sights 0.44 ms interleaved vs 0.23 ms in passes, same build).
for (let round = 0; round < ROUNDS; round++) {
  if (round % 2) {
    await oneShotPass();
    await preparedPass(round);
  } else {
    await preparedPass(round);
    await oneShotPass();
  }
}

const first = stat(rows.first);
const repeat = stat(rows.repeat);
const oneShot = stat(rows.oneShot);
const floor = stat(rows.floor);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`verifier built once: ${buildMs.toFixed(0)} ms (parse, index, reachability of ${bag.length} certificates)`);
console.log("per target, ms            median      p95");
console.log(`  prepared, first sight   ${fmt(first.median).padStart(8)} ${fmt(first.p95).padStart(8)}   (signature verifications computed per call: ${mean(rows.computedFirst).toFixed(2)})`);
console.log(`  prepared, repeat        ${fmt(repeat.median).padStart(8)} ${fmt(repeat.p95).padStart(8)}   (computed per call: ${mean(rows.computedRepeat).toFixed(2)})`);
console.log(`  one-shot verify()       ${fmt(oneShot.median).padStart(8)} ${fmt(oneShot.p95).padStart(8)}`);
console.log(`  floor (path's own sigs) ${fmt(floor.median).padStart(8)} ${fmt(floor.p95).padStart(8)}`);
console.log(`signature checks per path (spent.signatureChecks / (path length - 1), first sights): mean ${mean(rows.checks).toFixed(2)}, max ${Math.max(...rows.checks).toFixed(2)}`);
console.log(`ratios (medians): prepared first sight / floor ${(first.median / floor.median).toFixed(2)}, prepared repeat / floor ${(repeat.median / floor.median).toFixed(2)}; one-shot / prepared first sight ${(oneShot.median / first.median).toFixed(1)}x, one-shot / prepared repeat ${(oneShot.median / repeat.median).toFixed(1)}x`);
console.log("by path length      first sight median   repeat median   one-shot median   floor median   first sight / floor   checks/path");
for (const [L, l] of [...rows.byL].sort((a, b) => a[0] - b[0]))
  console.log(`  ${L} certificates   ${fmt(stat(l.first).median).padStart(10)} ms ${fmt(stat(l.prepared).median).padStart(12)} ms ${fmt(stat(l.oneShot).median).padStart(14)} ms ${fmt(stat(l.floor).median).padStart(11)} ms ${(stat(l.first).median / stat(l.floor).median).toFixed(2).padStart(15)}x   ${mean(l.checks).toFixed(1)}`);
const st = verifier.stats();
console.log(`verifier.stats(): calls ${st.calls}, signatures ${JSON.stringify(st.signatures)}, reachable names ${st.reachableNames}`);

// ---------------------------------------------------------------------------- heap

if (HEAP_TARGETS > 0) {
  // Distinct targets: the template's serial number bytes replaced, then re-signed by the issuing CA.
  const template = unb64(cell.heap.template);
  const caKey = createPrivateKey(cell.heap.caKey);
  const tmpl = new X509Certificate(template);
  // DER layout: outer SEQ, TBS SEQ, [0] version, INTEGER serial ...; signature BIT STRING last (256 bytes for RSA-2048).
  const hdr = (off) => (template[off + 1] & 0x80 ? 2 + (template[off + 1] & 0x7f) : 2);
  const tbsOff = hdr(0);
  const tbsEnd = (() => {
    const l = template[tbsOff + 1];
    if (!(l & 0x80)) return tbsOff + 2 + l;
    const n = l & 0x7f;
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + template[tbsOff + 2 + i];
    return tbsOff + 2 + n + v;
  })();
  const versionOff = tbsOff + hdr(tbsOff);
  const serialOff = versionOff + 2 + template[versionOff + 1];
  const serialLen = template[serialOff + 1];
  const sigLen = 256;
  const sigOff = template.length - sigLen;
  if (tmpl.serialNumber.length / 2 !== serialLen) throw new Error("heap: unexpected template layout");
  const v2 = createVerifier({ intermediates: bag, trustAnchors: [anchor], time: NOW });
  const mb = (b) => (b / 1048576).toFixed(0);
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const samples = [];
  const t0 = performance.now();
  let valid = 0;
  for (let i = 1; i <= HEAP_TARGETS; i++) {
    const der = template.slice();
    // A distinct positive serial: the template's first byte kept (positive), the last 4 bytes from i.
    const view = new DataView(der.buffer);
    view.setUint32(serialOff + 2 + serialLen - 4, i);
    der.set(nodeSign("sha256", der.subarray(tbsOff, tbsEnd), caKey), sigOff);
    const r = await v2.verify(der);
    if (r.valid) valid++;
    if (i % 10_000 === 0) {
      gc();
      const h = process.memoryUsage().heapUsed;
      peak = Math.max(peak, h);
      samples.push(`${i / 1000}k: ${mb(h)} MB`);
      process.stderr.write(`heap: ${samples.at(-1)}\n`);
    }
  }
  const s2 = v2.stats();
  console.log(`heap: ${HEAP_TARGETS} distinct targets through one verifier in ${((performance.now() - t0) / 1000).toFixed(0)} s (signing included), ${valid} valid; heap after GC before ${mb(base)} MB, peak ${mb(peak)} MB; samples ${samples.join(", ")}`);
  console.log(`heap: signature cache ${s2.signatures.entries} entries (bound ${50_000}), evictions ${s2.signatures.evictions}`);
  const BOUND = 256 * 1048576;
  console.log(`heap bound: ${mb(BOUND)} MB after GC -> ${peak <= BOUND ? "held" : "EXCEEDED"}`);
}
