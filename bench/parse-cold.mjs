// Cold certificate parsing: microseconds per certificate never seen before by the process.
//
//   node --expose-gc bench/parse-cold.mjs <certpath|node|pkijs|x509> <round> <rounds> <cells...>
//
// The certificates of the given cells (their bags and targets, de-duplicated) are split into
// `rounds` slices; round r parses slice r, so every certificate is new to every engine
// (certpath's parse cache has never seen it). JIT warm-up first, 400 parses of certificates
// generated for it (a small cell's, parsed again pass after pass with certpath's parse cache
// emptied in between), never timed. certpath: parseCertificate (the fields validation
// needs decoded, the rest on first use); node: new X509Certificate (OpenSSL's d2i_X509);
// pkijs: Certificate.fromBER; @peculiar/x509: new X509Certificate.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { X509Certificate as NodeX509 } from "node:crypto";

const HERE = dirname(fileURLToPath(import.meta.url));

function certsOf(files) {
  const seen = new Set();
  const out = [];
  for (const f of files) {
    const c = JSON.parse(readFileSync(f, "utf8"));
    for (const b of [c.anchor, ...c.bag, ...c.targets])
      if (!seen.has(b)) {
        seen.add(b);
        out.push(new Uint8Array(Buffer.from(b, "base64")));
      }
  }
  return out;
}

async function parser(engine) {
  if (engine === "certpath") {
    const dist = process.env.CERTPATH_DIST ? process.env.CERTPATH_DIST : join(HERE, "..", "dist");
    const { parseCertificate, clearParseCaches } = await import(join(dist, "index.js"));
    const parse = (d) => parseCertificate(d);
    // Between warm-up passes over the same certificates: parse them again, not from the cache.
    parse.reset = clearParseCaches;
    return parse;
  }
  if (engine === "node") return (d) => new NodeX509(d);
  if (engine === "pkijs") {
    const pkijs = await import("pkijs");
    return (d) => pkijs.Certificate.fromBER(d);
  }
  if (engine === "x509") {
    await import("reflect-metadata");
    const x509 = await import("@peculiar/x509");
    return (d) => new x509.X509Certificate(d);
  }
  throw new Error(`unknown engine ${engine}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const mi = args.indexOf("--max");
  const max = mi >= 0 ? Number(args.splice(mi, 2)[1]) : Infinity;
  const [engine, round, rounds, warmCell, ...cells] = args;
  try {
    const parse = await parser(engine);
    // JIT warm-up on another cell's certificates: 400 parses, passing over the warm-up cell's
    // certificates as often as needed (a 50-CA cell holds about 60), certpath's parse cache
    // emptied before each pass. Never timed.
    const warm = certsOf([warmCell]);
    for (let n = 0; n < 400; ) {
      parse.reset?.();
      for (const d of warm) if (n++ < 400) parse(d);
    }
    parse.reset?.();
    const all = certsOf(cells);
    const per = Math.floor(all.length / Number(rounds));
    const slice = all.slice(Number(round) * per, Math.min((Number(round) + 1) * per, Number(round) * per + max));
    globalThis.gc?.();
    const kept = [];
    const t0 = performance.now();
    for (const d of slice) kept.push(parse(d));
    const ms = performance.now() - t0;
    process.stdout.write(JSON.stringify({ engine, round: Number(round), certs: slice.length, usPerCert: Math.round((ms / slice.length) * 1000 * 10) / 10, kept: kept.length }) + "\n");
  } catch (e) {
    process.stdout.write(JSON.stringify({ engine, crashed: String(e?.stack ?? e).slice(0, 600) }) + "\n");
    process.exitCode = 1;
  }
}
