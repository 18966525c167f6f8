// Path-discovery benchmark: certpath vs pkijs vs @peculiar/x509 over generated PKIs
// (hierarchical, mesh, bridge, bridge-of-bridges) of 10..500 CAs. `npm run bench`.
//
//   node --expose-gc bench/run.mjs [--sizes 10,50] [--topologies mesh,bridge]
//        [--targets 50] [--cell-budget-ms 5000] [--regen] [--no-preparsed]
//
// Each engine runs in its own child process per cell (bench/engine-runner.mjs), so the
// peak RSS is that engine's. Writes bench/results.json and bench/RESULTS.md.
import { spawnSync, execSync } from "node:child_process";
import { writeFileSync, readFileSync, cpSync, rmSync, readdirSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { cpus, totalmem, release, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureCell, TOPOLOGIES, KEY_ALG, CACHE_DIR } from "./generate.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const SIZES = arg("sizes", "10,50,100,250,500").split(",").map(Number);
const TOPOS = arg("topologies", TOPOLOGIES.join(",")).split(",");
const TARGETS = Number(arg("targets", 50));
const CELL_BUDGET_MS = Number(arg("cell-budget-ms", 5000));
const REGEN = argv.includes("--regen");
const PREPARSED = !argv.includes("--no-preparsed");
/** Must match engine-runner.mjs's default --pkijs-max-repeat. */
const PKIJS_MAX_REPEAT = 8;

const ENGINES = ["certpath", "pkijs", "x509"];
const LABEL = { certpath: "certpath", pkijs: "pkijs", x509: "x509" };

/** Runs one engine on one cell in a child process; returns its JSON lines (one per pass). */
function runChild(engine, file, extra = []) {
  const args = ["--expose-gc", join(HERE, "engine-runner.mjs"), engine, file, "--cell-budget-ms", String(CELL_BUDGET_MS), ...extra];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 180_000, maxBuffer: 64 << 20, env: { ...process.env, CERTPATH_DIST: DIST_SNAPSHOT } });
  const lines = (r.stdout ?? "").trim().split("\n").filter(Boolean);
  const out = [];
  for (const line of lines) {
    try {
      const o = JSON.parse(line);
      out.push(o.crashed ? { engine, crashed: o.crashed } : o);
    } catch {
      /* not ours */
    }
  }
  if (!out.length) out.push({ engine, crashed: `exit ${r.status} ${r.signal ?? ""}: ${(r.stderr ?? "").slice(-400)}` });
  return out;
}

// ---------------------------------------------------------------------------
// Formatting

const sig3 = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));

/** A short version of an engine's dominant failure reason, for table cells. */
function shortReason(r) {
  const reasons = Object.entries(r.failureReasons ?? {}).sort((a, b) => b[1] - a[1]);
  if (!reasons.length) return "";
  const t = reasons[0][0];
  if (/no end: aborted/.test(t)) return "no end: loops on cross-cert cycles";
  if (/Circular dependency/.test(t)) return "circular-chain error, no backtracking";
  if (/untrusted self-signed/.test(t)) return "stops at wrong root, no backtracking";
  if (/not in the bag/.test(t)) return "stops at dead end, no backtracking";
  if (/expired certificate/.test(t)) return "took expired cert, no backtracking";
  if (/No valid certificate paths found/.test(t)) return "a dead-end issuer aborts the search";
  if (/not yet valid or expired/.test(t)) return "shortest path expired, no retry";
  if (/aborted after/.test(t)) return "timed out";
  return t.slice(0, 40);
}

function cells(r) {
  if (!r || r.crashed) return { fps: `crashed`, sig: "n/a", ok: "n/a", mb: "n/a" };
  const partial = r.attempted < r.targets ? ` (${r.attempted}/${r.targets} tried)` : "";
  const fps = r.found ? sig3(r.foundPerSec) : `0 found (${shortReason(r)})`;
  const sig = r.found ? sig3(r.sigChecksPerFound) : `n/a (0 found; ${sig3(r.sigChecksPerTarget)}/target)`;
  const ok = `${Math.round(r.successRate * 100)}%${partial}`;
  return { fps, sig, ok, mb: r.peakRssMB.toFixed(0) };
}

function ratioCells(cp, o) {
  if (!cp || !o || cp.crashed || o.crashed) return { speed: "n/a", sig: "n/a" };
  const speed = o.found === 0 ? "∞ (other found 0)" : `${sig3(cp.foundPerSec / o.foundPerSec)}×`;
  const sig = o.found === 0 || cp.found === 0 ? "n/a (0 found)" : `${sig3(cp.sigChecksPerFound / o.sigChecksPerFound)}×`;
  return { speed, sig };
}

function table(headers, rows, align) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (align?.[i] === "l" ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join(" | ");
  return [line(headers), w.map((n) => "-".repeat(n)).join("-|-"), ...rows.map(line)].join("\n");
}

function markdown(headers, rows) {
  const esc = (c) => String(c).replace(/\|/g, "\\|");
  return [`| ${headers.map(esc).join(" | ")} |`, `| ${headers.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}

const MAIN_HEADERS = [
  "CAs",
  "bag",
  ...ENGINES.flatMap((e) => [`${LABEL[e]} found/s`, `${LABEL[e]} sigs/path`, `${LABEL[e]} success`, `${LABEL[e]} peak MB`]),
  "cp÷pkijs speed",
  "cp÷pkijs sigs",
  "cp÷x509 speed",
  "cp÷x509 sigs",
];

function mainRow(cell) {
  const c = Object.fromEntries(ENGINES.map((e) => [e, cells(cell.results[e])]));
  const rp = ratioCells(cell.results.certpath, cell.results.pkijs);
  const rx = ratioCells(cell.results.certpath, cell.results.x509);
  return [cell.meta.cas, cell.meta.bag, ...ENGINES.flatMap((e) => [c[e].fps, c[e].sig, c[e].ok, c[e].mb]), rp.speed, rp.sig, rx.speed, rx.sig];
}

const PRE_HEADERS = [
  "CAs",
  "baseline MB",
  "certpath 1st call ms",
  "certpath ms/target",
  "pkijs ms/target (DER)",
  "pkijs ms/target (pre-parsed)",
  "pkijs found/s (success) pre-parsed",
  "x509 ms/target (DER)",
  "x509 ms/target (pre-parsed)",
  "x509 found/s (success) pre-parsed",
];

function preRow(cell) {
  const r = cell.results;
  const ms = (x) => (x && !x.crashed ? sig3(x.msPerTarget) : "n/a");
  const fps = (x, why = "n/a") => (x && !x.crashed ? (x.found ? `${sig3(x.foundPerSec)} (${Math.round(x.successRate * 100)}%)` : `0 found (${shortReason(x)})`) : why);
  const notRun = "not run (loops on cycles whatever the parsing)";
  return [
    cell.meta.cas,
    r.baseline?.peakRssMB?.toFixed(0) ?? "n/a",
    r.certpath?.firstCallMs ?? "n/a",
    ms(r.certpath),
    ms(r.pkijs),
    r["pkijs-preparsed"] ? ms(r["pkijs-preparsed"]) : "n/a",
    fps(r["pkijs-preparsed"], notRun),
    ms(r.x509),
    ms(r["x509-preparsed"]),
    fps(r["x509-preparsed"]),
  ];
}

// ---------------------------------------------------------------------------

const CAPABILITIES = `
- **certpath** (\`verify\`, revocation \`none\`, default limits: maxDepth 12, 2000 signature checks, 200 candidate paths, 20000 steps, 10 s):
  forward search from the target (src/pathbuilder/path-builder.ts) with RFC 4158 ranking (key identifier
  match, CA-ness, validity at the validation time, issuer-is-anchor), loop cut on name+SAN+key, a
  name-reachability prune (issuers whose names lead to no anchor are skipped before any signature
  check), the signature checked when an edge is taken (decoys cut at once; outcomes cached per call),
  and every complete candidate validated with RFC 5280 6.1 (policies, name constraints, path length,
  key usage, critical extensions); when a candidate fails it backtracks to the next one, within its
  limits. Mean path lengths found are listed under "Observations".
- **pkijs 4.0.0** (\`CertificateChainValidationEngine\`, certs = bag + target (target last, as pkijs
  takes the last certificate as the leaf), trustedCerts = [anchor], checkDate): builds by recursively
  enumerating *every* issuer of every certificate (name match, or AKI keyIdentifier = SKI when the
  candidate has an SKI; each candidate's signature verified), with **no visited set**: once a
  cross-certificate cycle is reachable (every mesh and bridge here) the enumeration never ends
  (measured: on bridge/10 with the guard off, 2404 issuer look-ups in 5 s and 9070 in 20 s, one
  certificate expanded 4533 times; the runner aborts a target once one certificate has been expanded
  more than ${PKIJS_MAX_REPEAT} times, while in the acyclic tree no certificate was expanded more than 3 times). A candidate issuer whose own issuer is missing from the bag makes the
  whole call fail ("No valid certificate paths found"), even when another path exists. Of the complete
  paths it keeps those containing a trusted certificate, takes the **shortest** and checks validity
  dates, name chaining and CA flags **only on that one**: if it goes through an expired certificate the
  call fails, with no retry. It de-duplicates its input with an O(n²) byte comparison on every call.
  Validation: basicConstraints cA / keyUsage keyCertSign for intermediates, validity, its own
  simplified policy processing (policy sets with mapping, requireExplicitPolicy, inhibitAnyPolicy
  counters, not the RFC 5280 valid_policy_tree), name constraints for DNS, rfc822, URI, IP and DN;
  **no pathLenConstraint check**; critical extensions are refused only when pkijs cannot parse them.
  **No Ed25519** (it maps no hash for OID 1.3.101.112, so every Ed25519 signature fails): hence P-256.
- **@peculiar/x509 2.2.0** (\`X509ChainBuilder\`, certificates = [anchor, ...bag]): for each certificate it
  takes the **first** certificate in list order whose subject equals the issuer name (and whose SKI
  equals the AKI key id when both are present) and whose signature verifies, and stops at a
  self-signed certificate or when no issuer is found; **no backtracking**, an error on a repeated
  certificate ("Circular dependency"), no trust-anchor notion (the harness checks the chain ends at
  the anchor), **no validity, basicConstraints, keyUsage, path length, policy or name-constraint
  checks**: it builds a chain but does not validate it. Counted as found here only when the chain
  ends at the anchor *and* every certificate in it is within its validity period at the validation
  time (the harness checks the dates). It would handle Ed25519 (Node's WebCrypto).`;

const METHOD = `
- Keys: **P-256 / ECDSA-SHA256 for all engines** (pkijs cannot verify Ed25519). PKIs are generated with
  \`TestPki\` from \`testsuite/dist/generate/pki.js\` and cached in \`bench/.cache/\` (ECDSA signatures are randomised,
  so a regenerated PKI has different bytes; \`--regen\` forces it).
- CAs = legitimate CAs, every one reachable from the anchor. Dead ends added on top, in proportion:
  same-named decoys (same subject, other key, no SKI, so only a signature check rules them out; 5% of
  CAs), expired copies of CA certificates (5%), expired twins of ~20% of the cross-certificates,
  untrusted "Orphan Root"s that cross-certify real CAs (3%, 2 each) and cross-certificates from a
  "Ghost CA" that is not in the bag (2%). bag = all of these certificates, shuffled (seeded), anchor excluded.
- Topologies: *hierarchical* = one root, 5 children per CA, breadth first (depth 4 at 500);
  *mesh* = size/8 peer roots (3..64), ring neighbours plus 2 random peers each cross-certified both
  ways, sub-CA trees (3 children per CA) under the peers; *bridge* = one bridge CA cross-certified both
  ways with size/8 principal CAs, sub-CA trees under the principals; *bridge-of-bridges* = size/60 bridges
  (2..8) pairwise cross-certified both ways, each with its principals, sub-CA trees under those.
  The relying party trusts one self-signed root (the tree root, peer 0, principal 0).
- Targets: ${TARGETS} end-entity certificates per cell, each under a CA picked at random (seeded), so each
  has a valid path. Every engine gets, per target, the same DER inputs: target, bag, anchor;
  validation time 2025-01-01T00:00:00Z; no revocation.
- Timing: each engine in its own child process per cell; one cold first call (reported), a warm-up
  over the sample (stopping after 2.5 s), then up to 3 timed passes over the sample, one target
  after another; found/s = targets with a valid path ÷ wall-clock seconds of the pass, median over
  the complete passes. Timed work per cell stops after ${CELL_BUDGET_MS / 1000} s: an engine that cannot finish one pass
  in that time is measured on the targets it got through ("k/${TARGETS} tried"); success % is over the
  targets tried. Parsing the bag is inside every call for every engine, but certpath keeps a
  process-wide cache of parsed certificates (SHA-256 keyed), so after its first call it only hashes
  the bag, while pkijs and x509 parse the whole bag on every call; the second table shows pkijs and
  x509 with the bag parsed once, outside the timed loop ("pre-parsed", a second pass in the same
  child after the DER pass), to separate search from parsing.
- Signature checks per found path = all signature verifications over the sample ÷ paths found
  (failed targets' checks included). certpath: \`result.spent.signatureChecks\` (its per-call
  verifier's count of computed verifications; cache hits not counted). pkijs: a \`CryptoEngine\`
  subclass installed with \`setEngine\` and passed to \`verify()\`, counting its \`verify()\` (=
  \`crypto.subtle.verify\`) calls; every \`Certificate.verify\` goes through \`verifyWithPublicKey\`,
  also counted (same numbers). x509: \`cryptoProvider.set()\` with a WebCrypto whose \`subtle.verify\`
  is wrapped with a counter (this includes the verification inside \`isSelfSigned()\`).
- Peak MB = the child's peak RSS (\`process.resourceUsage().maxRSS\`), which includes Node itself and
  the cell's data: compare with "baseline MB" (a child that loads the cell and no engine).`;

/** Copies dist/ (just built by `npm run bench`) so that every child of this run loads the same build. */
const DIST_SNAPSHOT = join(CACHE_DIR, "dist");
function snapshotDist() {
  const src = join(HERE, "..", "dist");
  rmSync(DIST_SNAPSHOT, { recursive: true, force: true });
  cpSync(src, DIST_SNAPSHOT, { recursive: true });
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

async function main() {
  const t0 = Date.now();
  const distHash = snapshotDist();
  const loadStart = loadavg().map((x) => x.toFixed(1)).join(" ");
  const results = [];
  for (const topology of TOPOS) {
    for (const size of SIZES) {
      const { file, meta, cached } = await ensureCell(topology, size, TARGETS, { regenerate: REGEN });
      process.stderr.write(`${topology}/${size}: ${meta.cas} CAs, ${meta.bag} certs in bag${cached ? " (cached)" : ` (generated in ${meta.generatedMs} ms)`}\n`);
      const cell = { meta, results: {} };
      // pkijs gets a pre-parsed pass on the tree only: around cross-certificate cycles it loops whatever the parsing.
      const jobs = [
        ["baseline", []],
        ["certpath", []],
        ["pkijs", PREPARSED && topology === "hierarchical" ? ["--also-preparsed"] : []],
        ["x509", PREPARSED ? ["--also-preparsed"] : []],
      ];
      for (const [engine, extra] of jobs) {
        const s = Date.now();
        const outs = runChild(engine, file, extra);
        for (const r of outs) {
          const key = r.preparsed ? `${engine}-preparsed` : engine;
          cell.results[key] = r;
          const summary = r.crashed
            ? `CRASHED ${r.crashed.slice(0, 200)}`
            : r.attempted === undefined
              ? `peak ${r.peakRssMB} MB`
              : `${r.found}/${r.attempted} found, ${sig3(r.msPerTarget)} ms/target, ${r.sigChecksPerTarget.toFixed(1)} sig/target, first call ${r.firstCallMs} ms, peak ${r.peakRssMB} MB`;
          process.stderr.write(`  ${key.padEnd(16)} ${summary}\n`);
        }
        process.stderr.write(`  ${"".padEnd(16)} [${engine}: ${((Date.now() - s) / 1000).toFixed(1)} s]\n`);
      }
      results.push(cell);
    }
  }
  const totalSec = (Date.now() - t0) / 1000;

  // ---- console tables
  const byTopo = (t) => results.filter((c) => c.meta.topology === t);
  for (const t of TOPOS) {
    console.log(`\n=== ${t} ===`);
    console.log(table(MAIN_HEADERS, byTopo(t).map(mainRow)));
  }
  console.log(`\n=== search only: pkijs and x509 with the bag parsed once (ms per target; certpath as measured above) ===`);
  for (const t of TOPOS) {
    console.log(`\n--- ${t} ---`);
    console.log(table(PRE_HEADERS, byTopo(t).map(preRow)));
  }

  // ---- failure reasons (full text), per engine and topology
  const reasonLines = [];
  for (const t of TOPOS)
    for (const key of ["certpath", "pkijs", "x509", "pkijs-preparsed", "x509-preparsed"]) {
      const agg = {};
      for (const c of byTopo(t)) {
        const r = c.results[key];
        if (!r || r.crashed) continue;
        for (const [why, n] of Object.entries(r.failureReasons ?? {})) {
          agg[why] = (agg[why] ?? []).concat(`${c.meta.cas}:${n}`);
        }
      }
      for (const [why, where] of Object.entries(agg)) reasonLines.push(`- ${t} / ${key}: ${why} — at CAs:count ${where.join(", ")}`);
    }
  console.log(`\nFailure reasons (topology / engine: reason — size:targets):\n${reasonLines.join("\n") || "(none)"}`);

  // ---- observations computed from the numbers
  const obs = [];
  for (const c of results) {
    const cp = c.results.certpath;
    if (!cp || cp.crashed) continue;
    if (cp.successRate < 1) obs.push(`certpath found ${cp.found}/${cp.attempted} on ${c.meta.topology}/${c.meta.cas}: ${Object.keys(cp.failureReasons).join("; ")}`);
    for (const e of ["pkijs", "x509", "pkijs-preparsed", "x509-preparsed"]) {
      const o = c.results[e];
      if (o && !o.crashed && o.found && o.foundPerSec > cp.foundPerSec)
        obs.push(`${e} finds paths faster than certpath on ${c.meta.topology}/${c.meta.cas}: ${sig3(o.foundPerSec)} vs ${sig3(cp.foundPerSec)} found/s`);
      if (o && !o.crashed && e.endsWith("preparsed") && o.msPerTarget < cp.msPerTarget)
        obs.push(
          `${e} spends less time per target than certpath on ${c.meta.topology}/${c.meta.cas}: ${sig3(o.msPerTarget)} vs ${sig3(cp.msPerTarget)} ms (it finds ${Math.round(o.successRate * 100)}% of the paths)`,
        );
      if (o && !o.crashed && o.found && o.sigChecksPerFound < cp.sigChecksPerFound)
        obs.push(`${e} spends fewer signature checks per found path than certpath on ${c.meta.topology}/${c.meta.cas}: ${sig3(o.sigChecksPerFound)} vs ${sig3(cp.sigChecksPerFound)}`);
    }
  }
  const pathLens = results.map((c) => `${c.meta.topology}/${c.meta.cas}: ${c.results.certpath?.meanPathLength?.toFixed(1) ?? "n/a"}`);
  console.log(`\nObservations:\n${obs.map((o) => `- ${o}`).join("\n") || "- certpath found every target and was fastest everywhere"}`);
  console.log(`\nTotal run time ${totalSec.toFixed(0)} s`);

  // ---- files
  let cpu = "";
  try {
    cpu = (readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? cpus()[0]?.model ?? "";
  } catch {
    cpu = cpus()[0]?.model ?? "";
  }
  let nproc = String(cpus().length);
  try {
    nproc = execSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    /* keep os.cpus() */
  }
  const versions = {};
  for (const p of ["pkijs", "@peculiar/x509", "asn1js"]) {
    try {
      versions[p] = JSON.parse(readFileSync(join(HERE, "..", "node_modules", p, "package.json"), "utf8")).version;
    } catch {
      versions[p] = "?";
    }
  }
  const machine = {
    date: new Date().toISOString(),
    nproc,
    cpu,
    memGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    versions,
    keyAlg: KEY_ALG,
    targets: TARGETS,
    cellBudgetMs: CELL_BUDGET_MS,
    totalSec: Math.round(totalSec),
    loadAverageStart: loadStart,
    distHash,
    loadAverageEnd: loadavg().map((x) => x.toFixed(1)).join(" "),
  };
  writeFileSync(join(HERE, "results.json"), JSON.stringify({ machine, results }, null, 2) + "\n");

  const md = [
    `# Path discovery benchmark`,
    ``,
    `Generated by \`npm run bench\` (\`bench/run.mjs\`) on ${machine.date}.`,
    `Machine: nproc ${machine.nproc}, ${machine.cpu}, ${machine.memGB} GB, ${machine.os}; Node ${machine.node};`,
    `pkijs ${versions.pkijs}, @peculiar/x509 ${versions["@peculiar/x509"]}. Whole run: ${machine.totalSec} s.`,
    `certpath build measured: sha256 of dist/**/*.js ${distHash} (a snapshot taken at the start of the run, loaded by every child).`,
    `Load average (1/5/15 min) at start ${machine.loadAverageStart}, at end ${machine.loadAverageEnd}: other work shared the machine, so absolute`,
    `numbers are noisy; the ratios and the success / signature-check columns are the robust part.`,
    ``,
    `Reproduce: \`npm run bench\` (builds with \`tsc\`, then \`node --expose-gc bench/run.mjs\`). Options:`,
    `\`--sizes 10,50\`, \`--topologies mesh,bridge\`, \`--targets 50\`, \`--cell-budget-ms 5000\`, \`--regen\`, \`--no-preparsed\`.`,
    `One engine on one cell: \`node --expose-gc bench/engine-runner.mjs certpath bench/.cache/mesh-500-t50.json\`.`,
    ``,
    `Columns: found/s = targets for which the engine found a valid path, per second of wall clock;`,
    `sigs/path = signature verifications per found path; success = share of the targets tried with a`,
    `valid path (certpath is the reference: every target has one by construction); peak MB = peak RSS`,
    `of the engine's own process. cp÷X speed = certpath found/s ÷ X found/s (above 1: certpath faster);`,
    `cp÷X sigs = certpath sigs/path ÷ X sigs/path (below 1: certpath verifies fewer signatures).`,
    ``,
    ...TOPOS.flatMap((t) => [`## ${t}`, ``, `![${t}: a small instance of this topology (bench/pictures.mjs)](pictures/${t}.svg)`, ``, markdown(MAIN_HEADERS, byTopo(t).map(mainRow)), ``]),
    `## Parsing vs search`,
    ``,
    `pkijs and x509 re-parse the whole bag on every call (DER), certpath serves it from its parse cache.`,
    `"pre-parsed" runs give pkijs and x509 the bag parsed once, outside the timed loop. "certpath 1st call"`,
    `is its first, cold call (empty parse cache, no JIT).`,
    ``,
    ...TOPOS.flatMap((t) => [`### ${t}`, ``, markdown(PRE_HEADERS, byTopo(t).map(preRow)), ``]),
    `## Why engines fail (observed)`,
    ``,
    `Topology / engine: reason (full text) — CAs:targets.`,
    ``,
    ...reasonLines,
    ``,
    `## Observations computed from these numbers`,
    ``,
    ...(obs.length ? obs.map((o) => `- ${o}`) : ["- certpath found every target and had the highest found/s in every cell"]),
    `- certpath mean path length (certificates incl. target and anchor): ${pathLens.join(", ")}`,
    ``,
    `## What each engine does and cannot do`,
    CAPABILITIES,
    ``,
    `## Method`,
    METHOD,
    ``,
  ].join("\n");
  writeFileSync(join(HERE, "RESULTS.md"), md);
  console.log(`\nwrote bench/results.json and bench/RESULTS.md`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
