// Runs ONE engine over ONE cached benchmark cell, in its own process (so the peak RSS
// belongs to that engine alone), and prints one JSON line with the measurements.
//
//   node --expose-gc bench/engine-runner.mjs <certpath|pkijs|x509|baseline> <cell.json>
//        [--also-preparsed] [--warmup N] [--warmup-ms MS] [--target-timeout-ms MS] [--cell-budget-ms MS]
//
// Every engine gets the same inputs per target, as DER: the target, the whole shuffled bag
// of CA and cross-certificates (untrusted) and the relying party's one anchor. Parsing the
// bag is part of each call for every engine. certpath keeps a process-wide cache of parsed
// certificates keyed by SHA-256 (src/parsing/cache.ts), so after its first call it only
// hashes the bag; pkijs and @peculiar/x509 have no such cache. `--also-preparsed` (pkijs,
// x509) runs a second pass in the same process (after the DER pass and its peak-RSS reading)
// that parses the bag and the anchor once, outside the timed loop, and hands the same objects
// to every call: that isolates their path search from their parsing. One JSON line per pass.
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";

const [engineName, cellFile, ...rest] = process.argv.slice(2);
const flag = (name) => rest.includes(`--${name}`);
const ALSO_PREPARSED = flag("also-preparsed");
const opt = (name, dflt) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? Number(rest[i + 1]) : dflt;
};
/** Warm-up: up to WARMUP targets, but stop once WARMUP_MS is spent (at least one target). */
const WARMUP = opt("warmup", 50);
const WARMUP_MS = opt("warmup-ms", 2500);
/** pkijs / @peculiar/x509 only: a safety net; a target still running after this is aborted (their crypto calls start throwing). */
const TARGET_TIMEOUT_MS = opt("target-timeout-ms", 10_000);
/**
 * pkijs only: abort once its search has looked up the issuers of one certificate this many
 * times. pkijs' buildPath() recurses into every issuer found with no visited set; in an
 * acyclic bag a certificate is expanded once per distinct path to it (1-2 here), around a
 * cross-certificate cycle it is expanded again on every lap and the search never ends.
 */
const PKIJS_MAX_REPEAT = opt("pkijs-max-repeat", 8);
/** Timed passes over the sample (median found/s reported), within the cell budget. */
const MAX_PASSES = opt("passes", 3);
/** Stop the timed loop after this long; the remaining targets are reported as not attempted. */
const CELL_BUDGET_MS = opt("cell-budget-ms", 4_000);

const cell = JSON.parse(readFileSync(cellFile, "utf8"));
const fromB64 = (s) => new Uint8Array(Buffer.from(s, "base64"));
const anchor = fromB64(cell.anchor);
const bag = cell.bag.map(fromB64);
const targets = cell.targets.map(fromB64);
const time = new Date(cell.meta.time);

// ---------------------------------------------------------------------------
// A signature-check counter with an abort switch (for the engines we cannot bound otherwise).

class Counter {
  n = 0;
  calls = 0;
  deadline = Infinity;
  aborted = false;
  start(timeoutMs) {
    this.n = 0;
    this.calls = 0;
    this.aborted = false;
    this.deadline = performance.now() + timeoutMs;
  }
  /** Called before each crypto verify; throws once the target's time is up, so the engine unwinds. */
  check() {
    if (this.aborted || performance.now() > this.deadline) {
      this.aborted = true;
      throw new Error("benchmark abort: per-target time limit reached");
    }
  }
}

// ---------------------------------------------------------------------------
// Engines: each is `async (targetDer) => { found, sigChecks, reason?, pathLength? }`.

async function certpathEngine(PREPARSED) {
  // bench/run.mjs points CERTPATH_DIST at a snapshot of dist/ taken when the run starts, so a
  // rebuild by someone else during the run cannot mix two builds in one table.
  const dist = process.env.CERTPATH_DIST ? new URL(`file://${process.env.CERTPATH_DIST}/`) : new URL("../dist/", import.meta.url);
  const { verify } = await import(new URL("index.js", dist).href);
  return async (target) => {
    const r = await verify({ target, intermediates: bag, trustAnchors: [anchor], time, revocation: { mode: "none" } });
    return {
      found: r.valid,
      // Signature computations the call performed (its verifier's counter; cache hits are not counted).
      sigChecks: r.spent?.signatureChecks ?? NaN,
      reason: r.valid ? undefined : `${r.error?.code}: ${r.error?.message}`,
      pathLength: r.valid ? r.path.length : undefined,
      extra: { candidatePaths: r.spent?.candidatePaths, steps: r.spent?.steps },
    };
  };
}

async function pkijsEngine(PREPARSED) {
  const pkijs = await import("pkijs");
  const ctr = new Counter();
  // Counts every signature verification pkijs asks for: Certificate.verify() ends in
  // CryptoEngine.verifyWithPublicKey(), which ends in this.verify() (= crypto.subtle.verify).
  class CountingEngine extends pkijs.CryptoEngine {
    async verifyWithPublicKey(...args) {
      ctr.check();
      ctr.calls++;
      return super.verifyWithPublicKey(...args);
    }
    async verify(...args) {
      ctr.n++;
      return super.verify(...args);
    }
  }
  const engine = new CountingEngine({ name: "counting", crypto: webcrypto });
  pkijs.setEngine("counting", engine);
  const parse = (d) => pkijs.Certificate.fromBER(d);
  const pre = PREPARSED ? { bag: bag.map(parse), anchor: parse(anchor) } : undefined;
  return async (target) => {
    const certs = [...(pre ? pre.bag : bag.map(parse)), parse(target)]; // the target last: pkijs takes the last cert as the leaf
    const trustedCerts = [pre ? pre.anchor : parse(anchor)];
    // findIssuer is the library's own default, wrapped only to count expansions (which certificate's issuers were looked for, how often).
    const expansions = new Map();
    let findIssuerCalls = 0;
    let looped = false;
    const findIssuer = (cert, eng, crypto) => {
      findIssuerCalls++;
      const n = (expansions.get(cert) ?? 0) + 1;
      expansions.set(cert, n);
      if (n > PKIJS_MAX_REPEAT) {
        looped = true;
        throw new Error("benchmark abort: certificate expanded too often");
      }
      return eng.defaultFindIssuer(cert, eng, crypto);
    };
    const v = new pkijs.CertificateChainValidationEngine({ certs, trustedCerts, checkDate: time, findIssuer });
    ctr.start(TARGET_TIMEOUT_MS);
    let r;
    try {
      r = await v.verify({}, engine);
    } catch (e) {
      r = { result: false, resultMessage: `threw: ${e?.message ?? e}` };
    }
    const maxRepeat = Math.max(0, ...expansions.values());
    const found = r.result === true && !ctr.aborted && !looped;
    let reason;
    if (looped)
      reason = `no end: aborted once one certificate's issuers had been looked up more than ${PKIJS_MAX_REPEAT} times (buildPath keeps no visited set and recurses around cross-certificate cycles)`;
    else if (ctr.aborted) reason = `aborted after ${TARGET_TIMEOUT_MS} ms (${ctr.n} signature checks, ${findIssuerCalls} issuer look-ups)`;
    else if (!found) reason = `${r.resultCode ?? ""} ${r.resultMessage}`.trim();
    return {
      found,
      sigChecks: ctr.n,
      reason,
      pathLength: found ? r.certificatePath?.length : undefined,
      extra: { verifyWithPublicKeyCalls: ctr.calls, findIssuerCalls, maxRepeat },
    };
  };
}

async function x509Engine(PREPARSED) {
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  const ctr = new Counter();
  // Counts every crypto.subtle.verify call of the library (X509Certificate.verify, also
  // inside isSelfSigned()); other subtle methods pass through.
  const subtle = webcrypto.subtle;
  const counting = {
    getRandomValues: (a) => webcrypto.getRandomValues(a),
    randomUUID: () => webcrypto.randomUUID(),
    subtle: new Proxy(subtle, {
      get(t, p) {
        if (p === "verify")
          return (...a) => {
            ctr.check();
            ctr.n++;
            return t.verify(...a);
          };
        const v = t[p];
        return typeof v === "function" ? v.bind(t) : v;
      },
    }),
  };
  x509.cryptoProvider.set(counting);
  const anchorBuf = Buffer.from(anchor);
  const parse = (d) => new x509.X509Certificate(d);
  const pre = PREPARSED ? [parse(anchor), ...bag.map(parse)] : undefined;
  return async (target) => {
    // The anchor is handed in first among the candidates (the most favourable place for a first-match builder).
    const certificates = pre ?? [parse(anchor), ...bag.map(parse)];
    const leaf = new x509.X509Certificate(target);
    ctr.start(TARGET_TIMEOUT_MS);
    let chain;
    try {
      chain = await new x509.X509ChainBuilder({ certificates }).build(leaf);
    } catch (e) {
      return { found: false, sigChecks: ctr.n, reason: ctr.aborted ? `aborted after ${TARGET_TIMEOUT_MS} ms` : `build() threw: ${e?.message ?? e}` };
    }
    const last = chain[chain.length - 1];
    const endsAtAnchor = Buffer.compare(Buffer.from(last.rawData), anchorBuf) === 0;
    // ChainBuilder checks no validity periods; a chain to the anchor counts as found only
    // when every certificate in it is valid at the validation time (checked here, untimed cost is negligible).
    const expired = chain.filter((c) => c.notBefore > time || c.notAfter < time);
    const found = endsAtAnchor && expired.length === 0;
    // Reasons carry no subject names, so they aggregate; one example subject goes to `example`.
    let reason;
    let example;
    if (!endsAtAnchor) {
      example = last.subject;
      reason =
        last.subject === last.issuer
          ? "chain stops at an untrusted self-signed root (first issuer by name/KID, no backtracking)"
          : "chain stops at a certificate whose issuer is not in the bag (first issuer by name/KID, no backtracking)";
    } else if (!found) {
      example = expired[0].subject;
      reason = "chain reaches the anchor through an expired certificate (no validity check, no backtracking)";
    }
    return { found, sigChecks: ctr.n, reason, example, pathLength: found ? chain.length : undefined };
  };
}

// ---------------------------------------------------------------------------

async function measure(run, out) {
  // The first call, cold (no JIT; for certpath an empty parse cache), then a warm-up of up to
  // WARMUP targets or WARMUP_MS, then the timed pass over the sample.
  const w0 = performance.now();
  await run(targets[0]);
  out.firstCallMs = Math.round((performance.now() - w0) * 10) / 10;
  let warm = 1;
  while (warm < Math.min(WARMUP, targets.length) && performance.now() - w0 < WARMUP_MS) await run(targets[warm++]);
  out.warmupTargets = warm;
  globalThis.gc?.();
  // Timed passes over the sample, up to MAX_PASSES while the cell budget lasts. The first
  // pass gives success, signature checks and reasons (the engines are deterministic: every
  // pass sees the same); found/s is the median over complete passes (only the first may be
  // partial, when the budget runs out inside it), to damp the noise of a shared machine.
  const per = [];
  const passRates = [];
  const start = performance.now();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const p0 = performance.now();
    let found = 0;
    let n = 0;
    for (const t of targets) {
      const s = performance.now();
      const r = await run(t);
      if (pass === 0) per.push({ ...r, ms: performance.now() - s });
      n++;
      if (r.found) found++;
      if (performance.now() - start > CELL_BUDGET_MS) break;
    }
    const ms = performance.now() - p0;
    if (pass === 0 || n === targets.length) passRates.push({ found, n, ms });
    if (performance.now() - start > CELL_BUDGET_MS) break;
  }
  passRates.sort((a, b) => a.found / a.ms - b.found / b.ms || a.n / a.ms - b.n / b.ms);
  const median = passRates[Math.floor(passRates.length / 2)];
  const elapsedMs = median.ms;
  out.passes = passRates.length;
  const found = per.filter((r) => r.found);
  const reasons = {};
  const examples = {};
  for (const r of per)
    if (!r.found) {
      reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
      if (r.example) examples[r.reason] ??= r.example;
    }
  const totalSig = per.reduce((a, r) => a + r.sigChecks, 0);
  Object.assign(out, {
    attempted: per.length,
    found: found.length,
    elapsedMs: Math.round(elapsedMs * 10) / 10,
    foundPerSec: median.found / (elapsedMs / 1000),
    targetsPerSec: median.n / (elapsedMs / 1000),
    msPerTarget: elapsedMs / median.n,
    sigChecksTotal: totalSig,
    sigChecksPerFound: found.length ? totalSig / found.length : null,
    sigChecksPerTarget: totalSig / per.length,
    sigChecksPerFoundOnFound: found.length ? found.reduce((a, r) => a + r.sigChecks, 0) / found.length : null,
    meanPathLength: found.length ? found.reduce((a, r) => a + (r.pathLength ?? 0), 0) / found.length : null,
    successRate: found.length / per.length,
    foundMask: per.map((r) => (r.found ? 1 : 0)).join(""),
    failureReasons: reasons,
    failureExamples: examples,
    extra: per[0]?.extra ? Object.fromEntries(Object.keys(per[0].extra).map((k) => [k, per.reduce((a, r) => a + (r.extra?.[k] ?? 0), 0) / per.length])) : undefined,
  });
}

const ENGINES = { certpath: certpathEngine, pkijs: pkijsEngine, x509: x509Engine };

async function main() {
  if (engineName !== "baseline" && !ENGINES[engineName]) throw new Error(`unknown engine ${engineName}`);
  const passes = engineName === "baseline" ? [undefined] : [false, ...(ALSO_PREPARSED && engineName !== "certpath" ? [true] : [])];
  for (const preparsed of passes) {
    const out = { engine: engineName, preparsed: !!preparsed, topology: cell.meta.topology, size: cell.meta.size, bag: bag.length, targets: targets.length };
    if (preparsed !== undefined) {
      const t0 = performance.now();
      const run = await ENGINES[engineName](preparsed);
      out.setupMs = Math.round(performance.now() - t0);
      await measure(run, out);
    }
    // Peak RSS of the process so far: for a second (pre-parsed) pass it includes the first.
    out.peakRssMB = Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
    out.peakIncludesEarlierPass = !!preparsed;
    out.endHeapUsedMB = Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10;
    process.stdout.write(JSON.stringify(out) + "\n");
  }
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ engine: engineName, crashed: String(e?.stack ?? e) }) + "\n");
  process.exitCode = 1;
});
