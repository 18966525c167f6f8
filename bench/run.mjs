// The benchmark: CRL parsing at real-PKI size, cold certificate parsing, path discovery on
// generated PKIs (hierarchical, mesh, bridge, bridge-of-bridges at 500 and 5,000 CAs) and a
// CRL-heavy cell (hard revocation, 100,000-entry CRLs per CA): certpath against pkijs,
// @peculiar/x509, Node/OpenSSL where they apply, and the floor. `npm run bench`.
//
//   node --expose-gc bench/run.mjs [--sizes 500,5000] [--topologies mesh,bridge] [--rounds 3]
//        [--round-budget-ms 4000] [--skip-crl-set] [--skip-parse] [--skip-crl-cell] [--regen]
//   node --expose-gc bench/run.mjs --sizes 5000 --rerun crl-set,parse
//        re-records the named sections (crl-set, parse, crl-cell, cells-500, cells-5000) with the current build into the
//        last run's results.json, keeping every other section as it was recorded; RESULTS.md
//        says which sections were re-recorded, when, with which build and at which load.
//   node bench/run.mjs --report
//        writes RESULTS.md again from results.json (nothing measured).
//
// Honesty rules (each is checked below, not just promised):
// - a crashed or timed-out engine run is reported as such, in its cell and in the summary;
// - engines run interleaved: each round runs every engine on the same targets, in a rotated
//   order, each engine in its own long-lived process (so its peak RSS is its own);
// - cold (every certificate new) and warm (parsed inputs reused) are separate figures for
//   every engine, and every timed target is new to every engine (never the warm-up's);
// - each figure carries the machine's 1-minute load average while it was measured;
// - the floor is the path's own signature verifications, measured in the same rounds, and
//   every engine's time and signature checks are given as a ratio to it.
// Writes bench/results.json and bench/RESULTS.md.
import { fork, spawnSync } from "node:child_process";
import { writeFileSync, readFileSync, cpSync, rmSync, readdirSync, statSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { cpus, totalmem, release, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureCell, ensureCrlCell, TOPOLOGIES, KEY_ALG, CACHE_DIR } from "./generate.mjs";
import { ensureCrlSet, crlSetFiles } from "./crl-set.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const SIZES = arg("sizes", "500,5000").split(",").map(Number);
const TOPOS = arg("topologies", TOPOLOGIES.join(",")).split(",");
const ROUNDS = Number(arg("rounds", 2));
const ROUND_BUDGET_MS = Number(arg("round-budget-ms", 4000));
const REGEN = argv.includes("--regen");
/** Longest an engine's setup (loading, warm parse, warm-up calls) may take before it is shown as timed out. */
const SETUP_TIMEOUT_MS = Number(arg("setup-timeout-s", 420)) * 1000;
/** --rerun cells-5000: the 5,000-CA cells again, every engine in both modes (each setup limited by --setup-timeout-s). */
const ALL_PEERS_5000 = arg("rerun", "").split(",").includes("cells-5000");
/** Targets per cell: warm-up targets first (never timed), then ROUNDS disjoint slices. */
const PLAN = {
  500: { targets: 40, warmup: 4, rounds: ROUNDS, peerColdRounds: ROUNDS, warmupCold: true },
  // pkijs and x509 parse a bag of 6,000 certificates on every cold call (and pkijs compares
  // them pairwise): 1-2 minutes per call on the shared machine, so at 5,000 CAs their cold
  // mode is not run (their cold per-certificate cost is in the cold parsing table), one
  // round, and the warm-up (every engine alike) is in warm mode only.
  // pkijs is not run at 5,000 CAs: in the recorded run its warm-up call over the 6,049-certificate
  // hierarchical bag had not returned after 4.5 minutes (it compares its inputs pairwise and
  // enumerates every issuer), which would have taken the whole bench's time.
  5000: { targets: 16, warmup: 1, rounds: 1, peerColdRounds: 0, warmupCold: false, engines: ["floor", "certpath", "x509"] },
};
if (ALL_PEERS_5000) PLAN[5000] = { ...PLAN[5000], peerColdRounds: 1, engines: ["floor", "certpath", "pkijs", "x509"] };
const planFor = (size) => PLAN[size] ?? PLAN[500];
const CRL_CELL = { size: 20, entries: 100_000, targets: 16, warmup: 2 };
const ENGINES = ["floor", "certpath", "pkijs", "x509"];
const MODES = ["cold", "warm"];

const sig3 = (v) => (v === null || v === undefined || Number.isNaN(v) ? "n/a" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const load1 = () => loadavg()[0];
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

/** Copies dist/ (just built by `npm run bench`) so that every child of this run loads the same build. */
const DIST_SNAPSHOT = join(CACHE_DIR, "dist");
function snapshotDist() {
  rmSync(DIST_SNAPSHOT, { recursive: true, force: true });
  cpSync(join(HERE, "..", "dist"), DIST_SNAPSHOT, { recursive: true });
  const h = createHash("sha256");
  const walk = (d) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith(".js")) h.update(f).update(readFileSync(p));
    }
  };
  walk(DIST_SNAPSHOT);
  return h.digest("hex").slice(0, 16);
}
const childEnv = () => ({ ...process.env, CERTPATH_DIST: DIST_SNAPSHOT });
const log = (s) => process.stderr.write(s + "\n");

function table(headers, rows) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(w[i])).join(" | ");
  return [line(headers), w.map((n) => "-".repeat(n)).join("-|-"), ...rows.map(line)].join("\n");
}
function markdown(headers, rows) {
  const esc = (c) => String(c).replace(/\|/g, "\\|");
  return [`| ${headers.map(esc).join(" | ")} |`, `| ${headers.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}

/** Every crash and timeout of the run, for the summary. */
const CRASHES = [];
/** With --rerun: the machine block of the run whose other sections are kept. */
let PREV_MACHINE;

// ---------------------------------------------------------------------------
// A long-lived engine process over IPC, with a watchdog.

class EngineProc {
  constructor(engine, where) {
    this.engine = engine;
    this.where = where;
    this.crashed = undefined;
    this.child = fork(join(HERE, "engine-runner.mjs"), [], { execArgv: ["--expose-gc", "--max-old-space-size=4096"], env: childEnv(), stdio: ["ignore", "ignore", "pipe", "ipc"] });
    this.stderr = "";
    this.child.stderr.on("data", (d) => (this.stderr = (this.stderr + d).slice(-2000)));
    this.child.on("exit", (code, signal) => {
      this.exited = `exit ${code ?? ""} ${signal ?? ""}`.trim();
      this.pending?.(undefined);
    });
  }
  /** Sends a command; resolves with the reply, or marks the engine crashed (timeout, exit, error). */
  ask(msg, timeoutMs, phase) {
    if (this.crashed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.fail(`${phase}: timed out after ${Math.round(timeoutMs / 1000)} s (killed)`);
        this.child.kill("SIGKILL");
        done(undefined);
      }, timeoutMs);
      const done = (v) => {
        clearTimeout(timer);
        this.pending = undefined;
        this.child.off("message", onMsg);
        resolve(v);
      };
      const onMsg = (m) => {
        if (!m.ok) this.fail(`${phase}: ${m.crashed}`);
        done(m.ok ? m : undefined);
      };
      this.pending = (v) => {
        if (!this.crashed) this.fail(`${phase}: process ended (${this.exited}) ${this.stderr.slice(-400)}`);
        done(v);
      };
      this.child.on("message", onMsg);
      this.child.send(msg);
    });
  }
  fail(reason) {
    if (this.crashed) return;
    this.crashed = reason;
    CRASHES.push({ where: this.where, engine: this.engine, reason: reason.split("\n")[0].slice(0, 300) });
    log(`  ${this.engine} CRASHED: ${reason.split("\n")[0].slice(0, 300)}`);
  }
  close() {
    if (!this.crashed && !this.exited) this.child.send({ cmd: "exit" });
    setTimeout(() => this.child.kill("SIGKILL"), 2000).unref();
  }
}

/** Is an engine's answer for target i right? Valid path, or, in the CRL cell, REVOKED for the revoked ones. */
function correct(r, expectRevoked) {
  if (!expectRevoked) return r.found;
  return !r.found && (r.code === "REVOKED" || /revok/i.test(r.reason ?? ""));
}

/** Runs one cell: every engine set up, then ROUNDS rounds of (cold, warm) x engines, rotated. */
async function runCell({ file, crlDir, meta, warmup, targets, rounds = ROUNDS, peerColdRounds = ROUNDS, warmupCold = true, engines = ENGINES, expectRevoked = [] }) {
  const where = `${meta.topology}/${meta.cas}`;
  const idx = [...Array(targets).keys()];
  const warmIdx = idx.slice(0, warmup);
  const timedIdx = idx.slice(warmup);
  const per = Math.ceil(timedIdx.length / rounds);
  const slices = Array.from({ length: rounds }, (_, r) => timedIdx.slice(r * per, (r + 1) * per)).filter((s) => s.length);
  const procs = Object.fromEntries(engines.map((e) => [e, new EngineProc(e, where)]));
  const res = Object.fromEntries(engines.map((e) => [e, { setup: undefined, runs: { cold: [], warm: [] } }]));
  // Setups (untimed: loading, parsing for the warm mode, JIT warm-up) run side by side.
  await Promise.all(engines.map(async (e) => {
    const s = Date.now();
    const r = await procs[e].ask({ cmd: "setup", engine: e, cell: file, crlDir, warmup: warmIdx, timed: timedIdx, warmupCold }, SETUP_TIMEOUT_MS, "setup");
    res[e].setup = r && { setupMs: r.setupMs, firstCallMs: r.firstCallMs };
    log(`  ${e.padEnd(9)} setup ${r ? `${r.setupMs} ms, first call ${r.firstCallMs} ms` : "FAILED"} [${((Date.now() - s) / 1000).toFixed(1)} s]`);
  }));
  for (let round = 0; round < slices.length; round++) {
    const order = engines.map((_, k) => engines[(k + round) % engines.length]);
    for (const mode of MODES)
      for (const e of order) {
        if (mode === "cold" && (e === "pkijs" || e === "x509") && round >= peerColdRounds) continue;
        const l0 = load1();
        const r = await procs[e].ask({ cmd: "run", mode, indices: slices[round], budgetMs: ROUND_BUDGET_MS }, ROUND_BUDGET_MS + 240_000, `round ${round + 1} ${mode}`);
        if (r) res[e].runs[mode].push({ round, per: r.per, rssMB: r.rssMB, load: (l0 + load1()) / 2 });
      }
    log(`  round ${round + 1}/${slices.length} done (load ${load1().toFixed(1)})`);
  }
  for (const e of engines) procs[e].close();
  // Aggregates.
  const floorMs = new Map();
  const floorSig = new Map();
  for (const run of res.floor?.runs.warm ?? [])
    for (const p of run.per) {
      floorMs.set(p.i, p.ms);
      if (p.found) floorSig.set(p.i, p.sigChecks);
    }
  const floorSigs = mean([...floorSig.values()]);
  const out = { meta, where, setupTimeoutS: SETUP_TIMEOUT_MS / 1000, crashed: {}, engines: {} };
  for (const e of engines) {
    if (procs[e].crashed) out.crashed[e] = procs[e].crashed.split("\n")[0].slice(0, 300);
    out.engines[e] = { setup: res[e].setup };
    for (const mode of MODES) {
      const runs = res[e].runs[mode];
      const ps = runs.flatMap((r) => r.per);
      if (!ps.length) {
        out.engines[e][mode] = undefined;
        continue;
      }
      const ok = ps.filter((p) => correct(p, expectRevoked[p.i]));
      const found = ps.filter((p) => p.found);
      const reasons = {};
      for (const p of ps) if (!correct(p, expectRevoked[p.i])) reasons[p.reason ?? p.code ?? "?"] = (reasons[p.reason ?? p.code ?? "?"] ?? 0) + 1;
      const ms = mean(ps.map((p) => p.ms));
      const fl = mean(ps.map((p) => floorMs.get(p.i)).filter((x) => x !== undefined));
      out.engines[e][mode] = {
        attempted: ps.length,
        offered: slices.flat().length,
        correct: ok.length,
        msPerTarget: ms,
        floorMsPerTarget: fl,
        timeRatio: ms / fl,
        sigChecksPerFound: found.length ? found.reduce((a, p) => a + p.sigChecks, 0) / found.length : null,
        // On the same targets: the engine's verifications over the found paths ÷ the floor's on those targets.
        sigRatio: found.length ? found.reduce((a, p) => a + p.sigChecks, 0) / found.reduce((a, p) => a + (floorSig.get(p.i) ?? NaN), 0) : null,
        meanPathLength: found.length ? mean(found.map((p) => p.pathLength ?? 0)) : null,
        load: mean(runs.map((r) => r.load)),
        peakRssMB: Math.max(...runs.map((r) => r.rssMB)),
        failureReasons: reasons,
      };
    }
  }
  out.floorSigsPerPath = floorSigs;
  return out;
}

function cellRows(cell) {
  const rows = [];
  for (const e of Object.keys(cell.engines)) {
    for (const mode of e === "floor" ? ["warm"] : MODES) {
      const m = cell.engines[e][mode];
      const label = e === "floor" ? "floor (path's own signatures)" : `${e} ${mode}`;
      if (!m) {
        rows.push([label, cell.crashed[e] ? `CRASHED: ${cell.crashed[e].slice(0, 90)}` : "not run", "", "", "", "", "", "", ""]);
        continue;
      }
      const tried = m.attempted < m.offered ? `${m.attempted}/${m.offered}` : `${m.attempted}`;
      const fail = Object.entries(m.failureReasons).sort((a, b) => b[1] - a[1])[0];
      rows.push([
        label + (cell.crashed[e] ? " (CRASHED later)" : ""),
        tried,
        `${m.correct}/${m.attempted}${fail ? ` (${fail[0].slice(0, 60)})` : ""}`,
        sig3(m.msPerTarget),
        e === "floor" ? "1" : `${sig3(m.timeRatio)}×`,
        sig3(m.sigChecksPerFound),
        e === "floor" ? "1" : m.sigRatio === null ? "n/a" : `${sig3(m.sigRatio)}×`,
        String(Math.round(m.peakRssMB)),
        m.load.toFixed(1),
      ]);
    }
  }
  return rows;
}
const CELL_HEADERS = ["engine / mode", "targets timed", "right answers", "ms/target", "× floor time", "sigs/found path", "× floor sigs", "peak MB", "load"];

// ---------------------------------------------------------------------------

async function crlSetSection() {
  const meta = await ensureCrlSet();
  log(`CRL set: ${meta.count} CRLs, ${meta.entries} entries, ${(meta.bytes / 1e6).toFixed(1)} MB`);
  const files = crlSetFiles();
  const rows = [];
  const engines = ["certpath", "openssl", "pkijs", "x509"];
  for (let round = 0; round < 2; round++) {
    for (let k = 0; k < engines.length; k++) {
      const e = engines[(k + round) % engines.length];
      // pkijs and x509 take 1-2 minutes on the set (and refuse half of it): one round.
      if (round > 0 && (e === "pkijs" || e === "x509")) continue;
      const l0 = load1();
      let o;
      if (e === "openssl") {
        const t0 = performance.now();
        let failed = 0;
        for (const f of files) {
          const r = spawnSync("openssl", ["crl", "-inform", "DER", "-in", f, "-noout"], { timeout: 120_000 });
          if (r.status !== 0) failed++;
        }
        o = { engine: "openssl", totalMs: Math.round(performance.now() - t0), parsed: files.length - failed, crls: files.length, note: `${files.length} \`openssl crl -noout\` processes` };
      } else {
        const r = spawnSync(process.execPath, ["--expose-gc", "--max-old-space-size=4096", join(HERE, "crl-set.mjs"), e], { encoding: "utf8", timeout: 600_000, env: childEnv(), maxBuffer: 1 << 20 });
        try {
          o = JSON.parse(r.stdout.trim().split("\n").pop());
        } catch {
          o = { engine: e, crashed: `exit ${r.status} ${r.signal ?? ""}${r.error ? ` ${r.error.message}` : ""}: ${(r.stderr ?? "").slice(-300)}` };
        }
      }
      o.round = round + 1;
      o.load = (l0 + load1()) / 2;
      if (o.crashed) CRASHES.push({ where: "CRL set parse", engine: e, reason: o.crashed.split("\n")[0].slice(0, 300) });
      rows.push(o);
      log(`  CRL set ${e} round ${round + 1}: ${o.crashed ? `CRASHED ${o.crashed.slice(0, 200)}` : `${o.totalMs} ms, ${o.parsed}/${o.crls} parsed${o.heldMB !== undefined ? `, held ${o.heldMB} MB` : ""}`}`);
    }
  }
  return { meta, rows };
}

function crlSetTable(sec) {
  const headers = ["engine", "round", "whole set s", "parsed", "largest CRL s", "held MB", "peak RSS MB", "lookup µs", "load", "errors"];
  const rows = sec.rows.map((o) =>
    o.crashed
      ? [o.engine, o.round, `CRASHED: ${o.crashed.slice(0, 80)}`, "", "", "", "", "", o.load.toFixed(1), ""]
      : [
          o.engine,
          o.round,
          (o.totalMs / 1000).toFixed(2),
          `${o.parsed}/${o.crls}`,
          o.largestMs !== undefined ? (o.largestMs / 1000).toFixed(2) : "n/a",
          o.heldMB ?? "n/a",
          o.peakRssMB ?? "n/a",
          o.lookupUs ?? "n/a",
          o.load.toFixed(1),
          Object.entries(o.errors ?? {})
            .map(([k, v]) => `${v}× ${k}`)
            .join("; ")
            .slice(0, 120) || (o.note ?? ""),
        ],
  );
  return { headers, rows };
}

async function parseSection(cellFiles, warmCell) {
  const engines = ["certpath", "node", "pkijs", "x509"];
  const rounds = 3;
  const out = [];
  // At most 1,000 certificates per engine and round (pkijs needs about 15 ms each on the shared machine).
  for (let round = 0; round < rounds; round++)
    for (let k = 0; k < engines.length; k++) {
      const e = engines[(k + round) % engines.length];
      const l0 = load1();
      const r = spawnSync(process.execPath, ["--expose-gc", join(HERE, "parse-cold.mjs"), e, String(round), String(rounds), warmCell, ...cellFiles, "--max", "1000"], { encoding: "utf8", timeout: 300_000, env: childEnv() });
      let o;
      try {
        o = JSON.parse(r.stdout.trim().split("\n").pop());
      } catch {
        o = { engine: e, crashed: `exit ${r.status} ${r.signal ?? ""}: ${(r.stderr ?? "").slice(-300)}` };
      }
      o.load = (l0 + load1()) / 2;
      o.round = round + 1;
      if (o.crashed) CRASHES.push({ where: "cold parse", engine: e, reason: o.crashed.split("\n")[0].slice(0, 300) });
      out.push(o);
      log(`  cold parse ${e} round ${round + 1}: ${o.crashed ? "CRASHED" : `${o.usPerCert} µs/cert over ${o.certs}`}`);
    }
  const byEngine = {};
  for (const e of engines) {
    const ok = out.filter((o) => o.engine === e && !o.crashed);
    byEngine[e] = ok.length ? { usPerCert: median(ok.map((o) => o.usPerCert)), certs: ok.reduce((a, o) => a + o.certs, 0), load: mean(ok.map((o) => o.load)), rounds: ok.map((o) => o.usPerCert) } : undefined;
  }
  return { rows: out, byEngine };
}

function parseTable(sec) {
  const node = sec.byEngine.node?.usPerCert;
  const headers = ["engine", "µs per certificate (median of rounds)", "rounds", "× Node X509Certificate", "certificates", "load"];
  const rows = Object.entries(sec.byEngine).map(([e, m]) =>
    m ? [e, sig3(m.usPerCert), m.rounds.map(sig3).join(", "), node ? `${sig3(m.usPerCert / node)}×` : "n/a", m.certs, m.load.toFixed(1)] : [e, "CRASHED", "", "", "", ""],
  );
  return { headers, rows };
}

// ---------------------------------------------------------------------------

async function main() {
  // --resume: keep the sections and cells of the last (interrupted) run's results.json, run the rest.
  // --rerun a,b: keep the last run's results.json, re-record sections a and b with the current build.
  if (argv.includes("--report")) {
    // Writes RESULTS.md again from results.json, nothing measured (after a change to the report's text).
    const { machine, summary, crashes, ...results } = JSON.parse(readFileSync(join(HERE, "results.json"), "utf8"));
    PREV_MACHINE = machine;
    CRASHES.push(...crashes);
    writeReport(results, Date.now(), machine.distHash, machine.loadAverageStart, true);
    return;
  }
  const rerun = arg("rerun", "").split(",").filter(Boolean);
  const prev = (argv.includes("--resume") || rerun.length) && existsSync(join(HERE, "results.json")) ? JSON.parse(readFileSync(join(HERE, "results.json"), "utf8")) : undefined;
  if (rerun.length && !prev) throw new Error("--rerun needs the results.json of a previous run");
  const t0 = Date.now() - (prev?.machine?.totalSec ?? 0) * 1000;
  const rerunHash = rerun.length ? snapshotDist() : undefined;
  const distHash = prev?.machine?.distHash ?? snapshotDist();
  if (prev && !existsSync(DIST_SNAPSHOT)) throw new Error("--resume needs the dist snapshot of the interrupted run");
  const loadStart = prev?.machine?.loadAverageStart ?? loadavg().map((x) => x.toFixed(1)).join(" ");
  const results = { cells: prev?.cells ?? [], crlSet: prev?.crlSet, parse: prev?.parse, crlCell: prev?.crlCell, reruns: prev?.reruns ?? [] };
  PREV_MACHINE = rerun.length ? prev.machine : undefined;
  const SECTION = { "crl-set": ["crlSet", "CRL set parse"], parse: ["parse", "cold parse"], "crl-cell": ["crlCell", "crl-hierarchical/20"], "cells-500": ["cells500", "/500"], "cells-5000": ["cells5000", "/5000"] };
  const cellSize = (r) => (r.startsWith("cells-") ? Number(r.slice("cells-".length)) : undefined);
  for (const r of rerun) {
    if (!SECTION[r]) throw new Error(`--rerun: unknown section ${r} (${Object.keys(SECTION).join(", ")})`);
    if (cellSize(r)) results.cells = results.cells.filter((c) => c.meta.size !== cellSize(r));
    else results[SECTION[r][0]] = undefined;
  }
  CRASHES.push(...(prev?.crashes ?? []).filter((c) => !rerun.some((r) => (cellSize(r) ? c.where.endsWith(`/${cellSize(r)}`) : c.where === SECTION[r][1]))));
  const rerunStart = { date: new Date().toISOString(), load: loadavg().map((x) => x.toFixed(1)).join(" ") };

  // Cells first (generation), so the parse section can use their certificates.
  const cellSpecs = [];
  for (const topology of TOPOS)
    for (const size of SIZES) {
      const p = planFor(size);
      const c = await ensureCell(topology, size, p.targets, { regenerate: REGEN });
      log(`${topology}/${size}: ${c.meta.cas} CAs, ${c.meta.bag} certs in bag${c.cached ? " (cached)" : ` (generated in ${c.meta.generatedMs} ms)`}`);
      cellSpecs.push({ ...c, ...p });
    }

  if (!argv.includes("--skip-crl-set") && !results.crlSet) {
    log(`\n== CRL parsing: generated Federal-PKI-sized set`);
    results.crlSet = await crlSetSection();
  }
  if (!argv.includes("--skip-parse") && !results.parse) {
    log(`\n== cold certificate parsing`);
    const big = cellSpecs.filter((c) => c.meta.size === Math.max(...SIZES)).map((c) => c.file);
    const warm = (await ensureCell("hierarchical", 50, 10)).file;
    results.parse = { ...(await parseSection(big, warm)), cellSize: Math.max(...SIZES) };
  }
  if (!argv.includes("--skip-crl-cell") && !results.crlCell) {
    const c = await ensureCrlCell(CRL_CELL.size, CRL_CELL.targets, CRL_CELL.entries, { regenerate: REGEN });
    log(`\n== CRL-heavy: hierarchical/${c.meta.cas}, ${c.meta.crls} CRLs of ${c.meta.entriesPerCrl} entries (${(c.meta.crlBytes / 1e6).toFixed(0)} MB), hard revocation, ${c.meta.revokedTargets} of ${c.meta.targets} targets revoked`);
    const expectRevoked = JSON.parse(readFileSync(c.file, "utf8")).expectRevoked;
    // @peculiar/x509's chain builder checks no revocation: not run here (stated in RESULTS.md).
    results.crlCell = await runCell({ file: c.file, crlDir: c.crlDir, meta: c.meta, warmup: CRL_CELL.warmup, targets: CRL_CELL.targets, expectRevoked, engines: ["floor", "certpath", "pkijs"] });
    writeReport(results, t0, distHash, loadStart, false);
  }
  for (const size of rerun.map(cellSize).filter(Boolean))
    for (const c of cellSpecs.filter((x) => x.meta.size === size)) {
      if (results.cells.some((d) => d.where === `${c.meta.topology}/${c.meta.cas}`)) continue;
      log(`\n== ${c.meta.topology}/${c.meta.size}: ${c.meta.cas} CAs, bag ${c.meta.bag}, ${c.targets} targets (${c.warmup} warm-up), setups limited to ${SETUP_TIMEOUT_MS / 1000} s`);
      results.cells.push(await runCell({ file: c.file, meta: c.meta, warmup: c.warmup, targets: c.targets, rounds: c.rounds, peerColdRounds: c.peerColdRounds, warmupCold: c.warmupCold, engines: c.engines }));
      writeReport(results, t0, distHash, loadStart, false);
    }
  if (rerun.length) {
    // Re-recorded cells go back to their place (by size, then topology), not after the others.
    results.cells.sort((a, b) => a.meta.size - b.meta.size || TOPOS.indexOf(a.meta.topology) - TOPOS.indexOf(b.meta.topology));
    results.reruns = [
      ...results.reruns.filter((x) => !rerun.includes(x.section)),
      ...rerun.map((section) => ({ section, date: rerunStart.date, distHash: rerunHash, loadStart: rerunStart.load, loadEnd: loadavg().map((x) => x.toFixed(1)).join(" ") })),
    ];
    writeReport(results, t0, distHash, loadStart, true);
    return;
  }
  for (const c of [...cellSpecs].sort((x, y) => x.meta.size - y.meta.size)) {
    if (results.cells.some((d) => d.where === `${c.meta.topology}/${c.meta.cas}`)) continue;
    log(`\n== ${c.meta.topology}/${c.meta.size}: ${c.meta.cas} CAs, bag ${c.meta.bag}, ${c.targets} targets (${c.warmup} warm-up)`);
    results.cells.push(await runCell({ file: c.file, meta: c.meta, warmup: c.warmup, targets: c.targets, rounds: c.rounds, peerColdRounds: c.peerColdRounds, warmupCold: c.warmupCold, engines: c.engines }));
    writeReport(results, t0, distHash, loadStart, false);
  }
  writeReport(results, t0, distHash, loadStart, true);
}

function writeReport(results, t0, distHash, loadStart, final) {
  const totalSec = (Date.now() - t0) / 1000;

  // ---- summary: crashes first, then what the numbers say
  const summary = [];
  if (CRASHES.length) {
    summary.push(`**${CRASHES.length} engine run(s) crashed or timed out** (their cells show what was measured before):`);
    for (const c of CRASHES) summary.push(`  - ${c.where}: ${c.engine}: ${c.reason}`);
  } else summary.push("No engine run crashed or timed out.");
  const noPkijs = results.cells.filter((c) => !c.engines.pkijs).map((c) => c.where);
  if (noPkijs.length) summary.push(`pkijs not run on ${noPkijs.join(", ")}: its warm-up call over the 6,049-certificate hierarchical bag had not returned after 4.5 minutes (that attempt was stopped by hand and the run resumed without pkijs at 5,000 CAs).`);
  if (results.crlSet) {
    const cp = results.crlSet.rows.filter((o) => o.engine === "certpath" && !o.crashed);
    const os = results.crlSet.rows.filter((o) => o.engine === "openssl" && !o.crashed);
    if (cp.length)
      summary.push(
        `CRL set (${results.crlSet.meta.count} CRLs, ${results.crlSet.meta.entries.toLocaleString("en")} entries, ${(results.crlSet.meta.bytes / 1e6).toFixed(0)} MB): certpath ${(median(cp.map((o) => o.totalMs)) / 1000).toFixed(2)} s, holding ${median(cp.map((o) => o.heldMB))} MB (target: under 3 s and 100 MB)` +
          (os.length ? `; openssl ${(median(os.map((o) => o.totalMs)) / 1000).toFixed(2)} s` : "") +
          `; lookup ${median(cp.map((o) => o.lookupUs))} µs.`,
      );
  }
  if (results.parse) {
    const cp = results.parse.byEngine.certpath;
    const nd = results.parse.byEngine.node;
    if (cp && nd) summary.push(`Cold certificate parsing: certpath ${sig3(cp.usPerCert)} µs, Node's X509Certificate ${sig3(nd.usPerCert)} µs per certificate: ${sig3(cp.usPerCert / nd.usPerCert)}× (target: within 2×).`);
  }
  for (const cell of [...results.cells, ...(results.crlCell ? [results.crlCell] : [])]) {
    const cp = cell.engines.certpath;
    for (const mode of MODES) {
      const m = cp?.[mode];
      if (!m) continue;
      if (m.correct < m.attempted) summary.push(`certpath ${mode} answered ${m.correct}/${m.attempted} right on ${cell.where}: ${Object.keys(m.failureReasons).join("; ").slice(0, 200)}`);
      if (m.attempted < m.offered) summary.push(`certpath ${mode} ran out of round budget on ${cell.where}: ${m.attempted}/${m.offered} targets timed`);
    }
    if (cp?.cold?.sigRatio > 1.5) summary.push(`certpath spends ${sig3(cp.cold.sigRatio)}× the path's own signature checks on ${cell.where} (target ≤ 1.5×)`);
    for (const e of ["pkijs", "x509"])
      for (const mode of MODES) {
        const o = cell.engines[e]?.[mode];
        const m = cp?.[mode];
        if (!o || !m) continue;
        if (o.correct && o.msPerTarget < m.msPerTarget) summary.push(`${e} ${mode} takes less time per target than certpath on ${cell.where}: ${sig3(o.msPerTarget)} vs ${sig3(m.msPerTarget)} ms (it answers ${o.correct}/${o.attempted} right)`);
      }
  }
  const sigRatios = results.cells.map((c) => c.engines.certpath?.cold?.sigRatio).filter((x) => x !== null && x !== undefined);
  if (sigRatios.length) summary.push(`certpath signature checks per found path ÷ the path's own, over the ${sigRatios.length} topology cells: max ${sig3(Math.max(...sigRatios))}×.`);

  // ---- console
  const out = [];
  if (results.crlSet) {
    const t = crlSetTable(results.crlSet);
    out.push(`\n=== CRL parsing (${results.crlSet.meta.count} CRLs, ${results.crlSet.meta.entries} entries, ${(results.crlSet.meta.bytes / 1e6).toFixed(1)} MB) ===`, table(t.headers, t.rows));
  }
  if (results.parse) {
    const t = parseTable(results.parse);
    out.push(`\n=== cold certificate parsing ===`, table(t.headers, t.rows));
  }
  for (const cell of results.cells) out.push(`\n=== ${cell.where} (bag ${cell.meta.bag}) ===`, table(CELL_HEADERS, cellRows(cell)));
  if (results.crlCell) out.push(`\n=== CRL-heavy ${results.crlCell.where}: hard revocation, ${results.crlCell.meta.entriesPerCrl}-entry CRL per CA ===`, table(CELL_HEADERS, cellRows(results.crlCell)));
  out.push(`\nSummary:\n${summary.map((s) => (s.startsWith("  ") ? s : `- ${s}`)).join("\n")}`, `\nTotal run time ${totalSec.toFixed(0)} s`);
  if (final) console.log(out.join("\n"));

  // ---- files
  let cpu = "";
  try {
    cpu = (readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? cpus()[0]?.model ?? "";
  } catch {
    cpu = cpus()[0]?.model ?? "";
  }
  const versions = {};
  for (const p of ["pkijs", "@peculiar/x509", "asn1js"]) {
    try {
      versions[p] = JSON.parse(readFileSync(join(HERE, "..", "node_modules", p, "package.json"), "utf8")).version;
    } catch {
      versions[p] = "?";
    }
  }
  const openssl = spawnSync("openssl", ["version"], { encoding: "utf8" }).stdout?.trim() ?? "?";
  const machine = PREV_MACHINE ?? {
    date: new Date().toISOString(),
    nproc: String(cpus().length),
    cpu,
    memGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    versions,
    openssl,
    keyAlg: KEY_ALG,
    rounds: ROUNDS,
    roundBudgetMs: ROUND_BUDGET_MS,
    totalSec: Math.round(totalSec),
    loadAverageStart: loadStart,
    loadAverageEnd: loadavg().map((x) => x.toFixed(1)).join(" "),
    distHash,
  };
  writeFileSync(join(HERE, "results.json"), JSON.stringify({ machine, summary, crashes: CRASHES, ...results }, null, 2) + "\n");
  const md = [
    `# certpath benchmark`,
    ``,
    `Generated by \`npm run bench\` (\`bench/run.mjs\`) on ${machine.date}. Machine: nproc ${machine.nproc}, ${machine.cpu}, ${machine.memGB} GB,`,
    `${machine.os}; Node ${machine.node}; pkijs ${versions.pkijs}, @peculiar/x509 ${versions["@peculiar/x509"]}, ${openssl}. Whole run: ${machine.totalSec} s.`,
    `certpath build: sha256 of dist/**/*.js ${distHash} (snapshot taken at the start, loaded by every child).`,
    `Load average (1/5/15 min) at start ${machine.loadAverageStart}, at end ${machine.loadAverageEnd}. **The machine was shared**: every figure below`,
    `carries the 1-minute load average measured while it ran ("load"); on 2 cores, a load of 2 or more means the figure is slower than on an idle machine.`,
    `Ratios measured in the same rounds (× floor, × Node) are the robust part.`,
    ...(results.reruns?.length
      ? [
          ``,
          `Sections re-recorded since (\`bench/run.mjs --rerun\`, the other sections as recorded above):`,
          ...results.reruns.map((x) => `- ${x.section}: ${x.date}, certpath build ${x.distHash}, load average at start ${x.loadStart}, at end ${x.loadEnd}.`),
        ]
      : []),
    ``,
    `## Summary`,
    ``,
    ...summary.map((s) => (s.startsWith("  ") ? s : `- ${s}`)),
    ``,
    ...(results.crlSet
      ? (() => {
          const t = crlSetTable(results.crlSet);
          return [
            `## CRL parsing at real-PKI size`,
            ``,
            `A generated set shaped like the US Federal PKI's published CRLs: ${results.crlSet.meta.count} CRLs, ${results.crlSet.meta.entries.toLocaleString("en")} revoked entries,`,
            `${(results.crlSet.meta.bytes / 1e6).toFixed(1)} MB, the largest with ${results.crlSet.meta.largestEntries.toLocaleString("en")} entries (sizes fall off like 1/rank; 10-octet serials, a reasonCode on every 16th entry).`,
            `Each engine parses the whole set in a fresh process (certpath: empty cache) and keeps what it parsed; "held MB" = heap plus array buffers after a GC,`,
            `minus before (the input bytes excluded). Lookup = one present and one absent serial per CRL in certpath's index. Two rounds, engines rotated.`,
            ``,
            markdown(t.headers, t.rows),
            ``,
          ];
        })()
      : []),
    ...(results.parse
      ? (() => {
          const t = parseTable(results.parse);
          return [
            `## Cold certificate parsing`,
            ``,
            `The certificates of the ${results.parse.cellSize}-CA cells (bags and targets, de-duplicated), split into 3 slices; round r parses the first 1,000 of slice r in a fresh`,
            `process per engine (after a JIT warm-up of 400 parses of other certificates, certpath's parse cache emptied between passes), so each certificate is new.`,
            `certpath: \`parseCertificate\` (names, key, validity and the extensions path building needs decoded; policies, name constraints, SAN, AIA, CRLDP... on first use); node: \`new X509Certificate\``,
            `(OpenSSL's d2i_X509); pkijs: \`Certificate.fromBER\`; x509: \`new X509Certificate\` of @peculiar/x509.`,
            ``,
            markdown(t.headers, t.rows),
            ``,
          ];
        })()
      : []),
    `## Path discovery`,
    ``,
    `Per cell: the engines' processes run interleaved, round by round (${ROUNDS} rounds, engine order rotated each round); in each round every engine gets the same`,
    `targets, first cold then warm, at most ${ROUND_BUDGET_MS / 1000} s per engine and mode (targets not reached are counted as not timed: "k/n").`,
    `Warm-up targets (never timed) come first. 500-CA cells: ${planFor(500).targets} targets, ${planFor(500).warmup} warm-up, ${planFor(500).rounds} rounds; 5,000-CA cells: ${planFor(5000).targets} targets,`,
    ...(results.cells.some((c) => c.meta.size === 5000 && c.engines.pkijs)
      ? [
          `${planFor(5000).warmup} warm-up, ${planFor(5000).rounds} round, every engine in both modes (re-recorded with \`--rerun cells-5000\`), each engine's setup limited to`,
          `${results.cells.find((c) => c.meta.size === 5000)?.setupTimeoutS} s: a setup or round that does not finish is shown as timed out in its cell and in the summary. Engine setups run side by side, untimed.`,
        ]
      : [
          `${planFor(5000).warmup} warm-up, ${planFor(5000).rounds} round, and **pkijs and x509 cold not run** (a cold call of theirs parses 6,000 certificates: 1-2 minutes on this shared machine;`,
          `their cold per-certificate cost is in the cold parsing table). **pkijs is not run at 5,000 CAs**: in this run its warm-up call over the`,
          `6,049-certificate hierarchical bag had not returned after 4.5 minutes (the run was resumed without it). Engine setups run side by side, untimed.`,
        ]),
    `- **cold**: every certificate new: certpath's process caches (parsed certificates and CRLs, signature outcomes) are emptied before each call of \`verify\`;`,
    `  pkijs and x509 parse all their inputs on every call. **warm**: parsed inputs reused by every engine: certpath one \`createVerifier\` (bag, anchor,`,
    `  CRLs parsed and indexed once, outside the timing) and \`verifier.verify(target)\`, whose signature-outcome cache also carries over between calls;`,
    `  pkijs and x509 get the bag, anchor (and CRLs) parsed once outside the timing. Targets are new in both modes.`,
    `- **floor**: the signature verifications of the path certpath finds (each certificate against its issuer's key, node:crypto, objects prepared outside`,
    `  the timing; in the CRL cell also one CRL signature per certificate), measured in the same rounds. "× floor time" = the engine's ms/target ÷ the floor's`,
    `  on the same targets; "× floor sigs" = signature verifications per found path ÷ the path's own.`,
    `- right answers: a valid path (by construction every target has one), or in the CRL cell REVOKED for the revoked half. sigs/found: certpath counts`,
    `  \`result.spent.signatureChecks\` (an outcome found in the signature cache still counts, see README "caches"); pkijs and x509 count WebCrypto verify calls.`,
    ``,
    ...results.cells.flatMap((cell, k) => [
      `### ${cell.where} (bag ${cell.meta.bag} certificates)`,
      ``,
      // A picture of a small instance of the topology (bench/pictures.mjs), once per topology.
      ...(results.cells.findIndex((c) => c.meta.topology === cell.meta.topology) === k ? [`![${cell.meta.topology}: a small instance of this topology (bench/pictures.mjs)](pictures/${cell.meta.topology}.svg)`, ``] : []),
      markdown(CELL_HEADERS, cellRows(cell)),
      ``,
    ]),
    ...(results.crlCell
      ? [
          `### CRL-heavy: ${results.crlCell.where}, hard revocation`,
          ``,
          `Every CA publishes a CRL of ${results.crlCell.meta.entriesPerCrl.toLocaleString("en")} entries (${results.crlCell.meta.crls} CRLs, ${(results.crlCell.meta.crlBytes / 1e6).toFixed(0)} MB); half of the targets are on their CA's CRL.`,
          `certpath cold parses every CRL on every call; warm indexes them once in the verifier. x509's chain builder has no revocation checking (not run).`,
          `certpath warm can come in under the floor: its verifier keeps signature outcomes across calls (the CA certificates' and the CRLs' signatures were checked`,
          `for earlier targets), while the floor verifies the whole path and one CRL signature per certificate for every target.`,
          ``,
          markdown(CELL_HEADERS, cellRows(results.crlCell)),
          ``,
        ]
      : []),
    `## What the peers do`,
    ``,
    `- **pkijs** (\`CertificateChainValidationEngine\`): enumerates every issuer of every certificate recursively with no visited set (the runner aborts a`,
    `  target once one certificate has been expanded ${8} times: around cross-certificate cycles it never ends), keeps the shortest complete path and`,
    `  checks only that one, de-duplicates its input with an O(n²) byte comparison per call; no pathLenConstraint check; its CRL parser (asn1js)`,
    `  refuses CRLs above about 2,500 entries ("Maximum ASN.1 node count exceeded").`,
    `- **@peculiar/x509** (\`X509ChainBuilder\`): takes the first issuer by name/key id whose signature verifies, no backtracking, no validity, basic`,
    `  constraints, policy or revocation checks; counted as found only when its chain ends at the anchor and every certificate is within its validity.`,
    `- **openssl**: \`openssl crl -noout\`, one process per CRL (parses and discards).`,
    ``,
    `Reproduce: \`npm run bench\`. Options: \`--sizes 500\`, \`--topologies mesh\`, \`--rounds 3\`, \`--round-budget-ms 4000\`, \`--skip-crl-set\`, \`--skip-parse\`,`,
    `\`--skip-crl-cell\`, \`--regen\`. One engine on one cell: \`node --expose-gc bench/engine-runner.mjs certpath bench/.cache/mesh-500-t40.json\`.`,
    ``,
  ].join("\n");
  writeFileSync(join(HERE, "RESULTS.md"), md);
  if (final) console.log(`\nwrote bench/results.json and bench/RESULTS.md`);
  else log(`  (bench/RESULTS.md written so far)`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
