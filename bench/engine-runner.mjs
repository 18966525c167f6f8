// One engine over one cached benchmark cell, in its own process (so its peak RSS is its
// own). bench/run.mjs forks it and drives it over IPC, round by round, interleaved with the
// other engines' processes:
//   {cmd:"setup", engine, cell, crlDir?}   load the cell, build the engine, JIT warm-up
//   {cmd:"run", mode, indices, budgetMs}   time the targets `indices` in `mode` ("cold"|"warm")
//   {cmd:"exit"}
// Standalone (one engine, one cell, printing one JSON line per mode):
//   node --expose-gc bench/engine-runner.mjs <certpath|pkijs|x509|floor> <cell.json> [--crls DIR]
//
// Modes, the same for every engine:
// - cold: every certificate new. certpath's process caches (parsed certificates and CRLs,
//   signature outcomes) are emptied before each call; pkijs and @peculiar/x509 parse their
//   inputs on every call (they keep nothing).
// - warm: every engine reuses its parsed inputs. certpath: one createVerifier (bag, anchor,
//   CRLs parsed and indexed once, outside the timed loop), verifier.verify(target); pkijs and
//   x509: the bag, the anchor (and CRLs) parsed once outside the timed loop. The targets are
//   new in both modes: the timed targets are never the warm-up's, and each is timed once.
// - floor (its own "engine"): the signature verifications of the path certpath finds, each
//   certificate against its issuer's public key with node:crypto (objects built outside the
//   timed loop), plus, in CRL cells, one CRL signature per certificate of the path.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { webcrypto, X509Certificate as NodeX509, verify as cryptoVerify, createPublicKey } from "node:crypto";

/** pkijs only: abort once its search has looked up the issuers of one certificate this many times (it keeps no visited set). */
const PKIJS_MAX_REPEAT = 8;
/** pkijs / x509 only: a target still running after this is aborted (their crypto calls start throwing). */
const TARGET_TIMEOUT_MS = 20_000;

const fromB64 = (s) => new Uint8Array(Buffer.from(s, "base64"));

function loadCell(file, crlDir) {
  const cell = JSON.parse(readFileSync(file, "utf8"));
  const crls = crlDir ? readdirSync(crlDir).filter((f) => f.endsWith(".crl")).sort().map((f) => new Uint8Array(readFileSync(join(crlDir, f)))) : [];
  return {
    meta: cell.meta,
    anchor: fromB64(cell.anchor),
    bag: cell.bag.map(fromB64),
    targets: cell.targets.map(fromB64),
    time: new Date(cell.meta.time),
    crls,
    expectRevoked: cell.expectRevoked ?? [],
  };
}

class Counter {
  n = 0;
  deadline = Infinity;
  aborted = false;
  start(timeoutMs) {
    this.n = 0;
    this.aborted = false;
    this.deadline = performance.now() + timeoutMs;
  }
  check() {
    if (this.aborted || performance.now() > this.deadline) {
      this.aborted = true;
      throw new Error("benchmark abort: per-target time limit reached");
    }
  }
}

function distUrl() {
  return process.env.CERTPATH_DIST ? new URL(`file://${process.env.CERTPATH_DIST}/`) : new URL("../dist/", import.meta.url);
}

// ---------------------------------------------------------------------------
// Engines: setup(cell) -> { cold(target), warm(target) }, each -> { found, sigChecks, reason?, pathLength?, revoked? }

async function certpathEngine(c) {
  const dist = distUrl();
  const { verify, createVerifier, clearParseCaches } = await import(new URL("index.js", dist).href);
  const { processSignatureCache } = await import(new URL("crypto/outcome-cache.js", dist).href);
  const revocation = c.crls.length ? { mode: "hard", crls: c.crls } : { mode: "none" };
  const shape = (r) => ({
    found: r.valid,
    sigChecks: r.spent?.signatureChecks ?? NaN,
    reason: r.valid ? undefined : `${r.error?.code}: ${r.error?.message}`.slice(0, 300),
    code: r.valid ? "VALID" : r.error?.code,
    pathLength: r.valid ? r.path.length : undefined,
  });
  const config = { intermediates: c.bag, trustAnchors: [c.anchor], time: c.time, revocation };
  const verifier = createVerifier(config);
  return {
    async cold(target) {
      clearParseCaches();
      processSignatureCache.clear();
      return shape(await verify({ ...config, target }));
    },
    async warm(target) {
      return shape(await verifier.verify(target));
    },
  };
}

async function pkijsEngine(c) {
  const pkijs = await import("pkijs");
  const ctr = new Counter();
  class CountingEngine extends pkijs.CryptoEngine {
    async verifyWithPublicKey(...args) {
      ctr.check();
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
  const parseCrl = (d) => pkijs.CertificateRevocationList.fromBER(d);
  let pre;
  let preError;
  const prepare = () => {
    try {
      pre = { bag: c.bag.map(parse), anchor: parse(c.anchor), crls: c.crls.map(parseCrl) };
    } catch (e) {
      preError = `parsing the inputs threw: ${e?.message ?? e}`;
    }
  };
  const run = async (target, p) => {
    let certs, trustedCerts, crls;
    try {
      certs = [...(p ? p.bag : c.bag.map(parse)), parse(target)]; // the target last: pkijs takes the last cert as the leaf
      trustedCerts = [p ? p.anchor : parse(c.anchor)];
      crls = p ? p.crls : c.crls.map(parseCrl);
    } catch (e) {
      return { found: false, sigChecks: 0, reason: `parsing the inputs threw: ${e?.message ?? e}` };
    }
    const expansions = new Map();
    let looped = false;
    const findIssuer = (cert, eng, crypto) => {
      const n = (expansions.get(cert) ?? 0) + 1;
      expansions.set(cert, n);
      if (n > PKIJS_MAX_REPEAT) {
        looped = true;
        throw new Error("benchmark abort: certificate expanded too often");
      }
      return eng.defaultFindIssuer(cert, eng, crypto);
    };
    const v = new pkijs.CertificateChainValidationEngine({ certs, trustedCerts, crls, checkDate: c.time, findIssuer });
    ctr.start(TARGET_TIMEOUT_MS);
    let r;
    try {
      r = await v.verify({}, engine);
    } catch (e) {
      r = { result: false, resultMessage: `threw: ${e?.message ?? e}` };
    }
    const found = r.result === true && !ctr.aborted && !looped;
    let reason;
    if (looped) reason = `no end: aborted once one certificate's issuers had been looked up more than ${PKIJS_MAX_REPEAT} times (buildPath keeps no visited set)`;
    else if (ctr.aborted) reason = `aborted after ${TARGET_TIMEOUT_MS} ms`;
    else if (!found) reason = `${r.resultCode ?? ""} ${r.resultMessage}`.trim().slice(0, 300);
    return { found, sigChecks: ctr.n, reason, code: found ? "VALID" : "invalid", pathLength: found ? r.certificatePath?.length : undefined };
  };
  return {
    cold: (t) => run(t, undefined),
    async warm(t) {
      if (!pre && !preError) prepare();
      if (preError) return { found: false, sigChecks: 0, reason: preError };
      return run(t, pre);
    },
  };
}

async function x509Engine(c) {
  if (c.crls.length) throw new Error("not run: @peculiar/x509's chain builder checks no revocation");
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  const ctr = new Counter();
  const subtle = webcrypto.subtle;
  x509.cryptoProvider.set({
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
  });
  const anchorBuf = Buffer.from(c.anchor);
  const parse = (d) => new x509.X509Certificate(d);
  let pre;
  const run = async (target, certificates) => {
    const leaf = parse(target);
    ctr.start(TARGET_TIMEOUT_MS);
    let chain;
    try {
      chain = await new x509.X509ChainBuilder({ certificates }).build(leaf);
    } catch (e) {
      return { found: false, sigChecks: ctr.n, reason: ctr.aborted ? `aborted after ${TARGET_TIMEOUT_MS} ms` : `build() threw: ${e?.message ?? e}` };
    }
    const last = chain[chain.length - 1];
    const endsAtAnchor = Buffer.compare(Buffer.from(last.rawData), anchorBuf) === 0;
    // The chain builder checks no validity periods: a chain counts only when every certificate is valid at the time.
    const expired = chain.filter((x) => x.notBefore > c.time || x.notAfter < c.time);
    const found = endsAtAnchor && expired.length === 0;
    let reason;
    if (!endsAtAnchor)
      reason =
        last.subject === last.issuer
          ? "chain stops at an untrusted self-signed root (first issuer by name/KID, no backtracking)"
          : "chain stops at a certificate whose issuer is not in the bag (first issuer by name/KID, no backtracking)";
    else if (!found) reason = "chain reaches the anchor through an expired certificate (no validity check, no backtracking)";
    return { found, sigChecks: ctr.n, reason, code: found ? "VALID" : "invalid", pathLength: found ? chain.length : undefined };
  };
  return {
    // The anchor first among the candidates (the most favourable place for a first-match builder).
    cold: (t) => run(t, [parse(c.anchor), ...c.bag.map(parse)]),
    warm(t) {
      pre ??= [parse(c.anchor), ...c.bag.map(parse)];
      return run(t, pre);
    },
  };
}

/** The floor: the path's own signature verifications (the path certpath finds), with node:crypto. */
async function floorEngine(c) {
  const dist = distUrl();
  const { createVerifier, parseCrl } = await import(new URL("index.js", dist).href);
  const revocation = c.crls.length ? { mode: "hard", crls: c.crls } : { mode: "none" };
  const v = createVerifier({ intermediates: c.bag, trustAnchors: [c.anchor], time: c.time, revocation });
  const crlBySubject = new Map();
  for (const d of c.crls) {
    const m = parseCrl(d);
    crlBySubject.set(m.issuer.key, { tbs: m.tbs, sig: m.signature });
  }
  const { parseCertificate } = await import(new URL("index.js", dist).href);
  // Per target (by its bytes): the verifications to time, prepared here, untimed.
  const plans = new Map();
  const planFor = async (target) => {
    const key = Buffer.from(target).toString("base64");
    let plan = plans.get(key);
    if (plan) return plan;
    const r = await v.verify(target);
    plan = { found: r.valid, checks: [], code: r.valid ? "VALID" : r.error?.code };
    if (r.valid) {
      const ders = r.path.map((p) => p.der);
      for (let i = 0; i + 1 < ders.length; i++) {
        const cert = new NodeX509(Buffer.from(ders[i]));
        const issuerKey = new NodeX509(Buffer.from(ders[i + 1])).publicKey;
        plan.checks.push(() => cert.verify(issuerKey));
        if (c.crls.length) {
          const crl = crlBySubject.get(parseCertificate(ders[i]).issuer.key);
          if (crl) plan.checks.push(() => cryptoVerify("sha256", crl.tbs, issuerKey, crl.sig));
        }
      }
    }
    plans.set(key, plan);
    return plan;
  };
  const run = async (target, prepareOnly) => {
    const plan = await planFor(target);
    if (prepareOnly) return plan;
    let ok = true;
    for (const f of plan.checks) ok = f() && ok;
    return { found: plan.found && ok, sigChecks: plan.checks.length, code: plan.code, reason: plan.found ? (ok ? undefined : "a path signature did not verify") : "certpath found no path" };
  };
  return { cold: run, warm: run, prepare: (t) => run(t, true) };
}

const ENGINES = { certpath: certpathEngine, pkijs: pkijsEngine, x509: x509Engine, floor: floorEngine };

// ---------------------------------------------------------------------------

let cell;
let eng;

async function setup(engineName, file, crlDir, warmupIdx, timedIdx, warmupCold = true) {
  cell = loadCell(file, crlDir);
  const t0 = performance.now();
  eng = await ENGINES[engineName](cell);
  // The floor's plans are built outside the timing (they need certpath's path per target).
  if (eng.prepare) for (const i of [...warmupIdx, ...timedIdx]) await eng.prepare(cell.targets[i]);
  const setupMs = performance.now() - t0;
  // JIT warm-up on targets that are never timed, in both modes.
  const w0 = performance.now();
  let firstCallMs;
  for (const i of warmupIdx) {
    const s = performance.now();
    if (warmupCold) await eng.cold(cell.targets[i]);
    await eng.warm(cell.targets[i]);
    firstCallMs ??= performance.now() - s;
    if (performance.now() - w0 > 20_000) break;
  }
  return { setupMs: Math.round(setupMs), firstCallMs: Math.round((firstCallMs ?? 0) * 10) / 10 };
}

async function runTargets(mode, indices, budgetMs) {
  globalThis.gc?.();
  const per = [];
  const start = performance.now();
  for (const i of indices) {
    const s = performance.now();
    const r = await eng[mode](cell.targets[i]);
    per.push({ i, ms: performance.now() - s, found: r.found, sigChecks: r.sigChecks, reason: r.reason, code: r.code, pathLength: r.pathLength });
    if (performance.now() - start > budgetMs) break;
  }
  return { per, rssMB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10 };
}

if (process.send) {
  process.on("message", async (m) => {
    try {
      if (m.cmd === "setup") process.send({ ok: true, ...(await setup(m.engine, m.cell, m.crlDir, m.warmup, m.timed, m.warmupCold)) });
      else if (m.cmd === "run") process.send({ ok: true, ...(await runTargets(m.mode, m.indices, m.budgetMs)) });
      else if (m.cmd === "exit") process.exit(0);
    } catch (e) {
      process.send({ ok: false, crashed: String(e?.stack ?? e).slice(0, 1500) });
    }
  });
} else {
  const [engineName, file, ...rest] = process.argv.slice(2);
  const i = rest.indexOf("--crls");
  const crlDir = i >= 0 ? rest[i + 1] : undefined;
  const n = JSON.parse(readFileSync(file, "utf8")).targets.length;
  const w = Math.min(5, Math.floor(n / 5));
  const idx = [...Array(n).keys()];
  const s = await setup(engineName, file, crlDir, idx.slice(0, w), idx.slice(w));
  for (const mode of ["cold", "warm"]) {
    const r = await runTargets(mode, idx.slice(w), 60_000);
    const found = r.per.filter((x) => x.found).length;
    const ms = r.per.reduce((a, x) => a + x.ms, 0);
    const sig = r.per.reduce((a, x) => a + x.sigChecks, 0);
    console.log(JSON.stringify({ engine: engineName, mode, ...s, attempted: r.per.length, found, msPerTarget: ms / r.per.length, sigChecksPerFound: found ? sig / found : null, peakRssMB: r.rssMB }));
  }
}
