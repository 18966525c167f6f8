// Issue 10's attacker inputs, timed against the current build: each was reproduced on the
// old main with the figure in the "before" column (from the issue), and is measured here
// (wall and CPU time of one call, and its outcome). Writes the "Attacker inputs" section
// of bench/HOSTILE.md and bench/attacks-results.json.
//
// Run after `npm run build`:  node bench/attacks.mjs
import http from "node:http";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const dist = process.env.CERTPATH_DIST ?? join(HERE, "..", "dist");
const lib = await import(join(dist, "index.js"));
const kit = process.env.CERTPATH_TESTSUITE_DIST ?? join(HERE, "..", "testsuite", "dist");
const { loadPkits } = await import(join(kit, "pkits.js"));
const { TestPki, publicKeyFromSpki } = await import(join(kit, "generate", "pki.js"));
const { permittedFlood } = await import(join(kit, "generate", "hostile.js"));
const { verify, verifyCose, coseSign1, coseSign, COSE_ALG, COSE_HEADER } = lib;

// ---------- a tiny DER writer/reader for the mutations ----------
const cat = (...p) => new Uint8Array(Buffer.concat(p.map((x) => Buffer.from(x))));
function len(n) {
  if (n < 0x80) return [n];
  const o = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) o.unshift(v % 256);
  return [0x80 | o.length, ...o];
}
const tlv = (tag, ...content) => {
  const body = cat(...content);
  return cat([tag, ...len(body.length)], body);
};
function parse(b, off = 0) {
  const tag = b[off];
  let l = b[off + 1];
  let p = off + 2;
  if (l & 0x80) {
    const n = l & 0x7f;
    l = 0;
    for (let i = 0; i < n; i++) l = l * 256 + b[p++];
  }
  const node = { tag, end: p + l };
  if (tag & 0x20) {
    node.kids = [];
    for (let q = p; q < p + l; ) {
      const k = parse(b, q);
      node.kids.push(k);
      q = k.end;
    }
  } else node.content = b.subarray(p, p + l);
  return node;
}
const tlvList = (tag, parts) => {
  const body = new Uint8Array(Buffer.concat(parts.map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength))));
  return cat([tag, ...len(body.length)], body);
};
const encode = (n) => (n.kids ? tlvList(n.tag, n.kids.map(encode)) : tlv(n.tag, n.content));

// ---------- measuring ----------
async function measure(name, before, fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let outcome;
  try {
    const r = await fn();
    outcome = r.valid ? "valid" : r.error.code;
    if (r.error?.code === "BUDGET_EXCEEDED" || r.error?.message?.includes("cap")) outcome += ` (${r.error.message.slice(0, 90)})`;
  } catch (e) {
    outcome = `THREW ${e.message}`;
  }
  const ms = performance.now() - t0;
  const d = process.cpuUsage(c0);
  const row = { scenario: name, before, wallMs: Math.round(ms), cpuMs: Math.round((d.user + d.system) / 1000), outcome };
  console.error(`${name}: ${row.wallMs} ms wall, ${row.cpuMs} ms CPU, ${outcome}`);
  return row;
}

const pkits = loadPkits();
const c411 = pkits.cases.find((x) => x.id === "4.1.1");
const [ca, ee] = c411.bytes.path;
const anchor = c411.bytes.anchor;
const time = new Date(c411.validationTime);
const NOW = new Date("2025-01-01T00:00:00Z");
const p = new TestPki({ now: NOW, seed: "bench-attacks" });

const rows = [];

// 1. A 256 KiB serialNumber.
const bigSerial = (() => {
  const n = parse(ee);
  const content = new Uint8Array(256 * 1024).fill(0xab);
  content[0] = 0x01;
  n.kids[0].kids[1].content = content;
  return encode(n);
})();
rows.push(await measure("1. certificate with a 256 KiB serialNumber (target)", "260 s", () => verify({ target: bigSerial, intermediates: [ca], trustAnchors: [anchor], time })));

// 1b. COSE_Sign1 carrying it in an x5bag.
{
  const root = p.root("CN=Attack COSE Root");
  const signer = p.ee("CN=Attack COSE Signer", root, { keyAlg: "ed25519" });
  const msg = coseSign1(new Uint8Array([1]), signer.key, COSE_ALG.Ed25519, { protected: [[COSE_HEADER.x5chain, signer.der]], unprotected: [[COSE_HEADER.x5bag, [bigSerial]]] });
  rows.push(await measure(`1b. COSE_Sign1 of ${Math.round(msg.length / 1024)} KiB, x5bag holding that certificate`, "241 s", () => verifyCose(msg, { anchors: [root.der], time: NOW })));
}

// 2. 2 MiB of BEGIN lines.
{
  const BEGIN = "-----BEGIN CERTIFICATE-----\n";
  const text = BEGIN.repeat(Math.ceil((2 * 1024 * 1024) / BEGIN.length));
  rows.push(await measure("2. 2 MiB of BEGIN CERTIFICATE lines as the target", "37 s", () => verify({ target: text, trustAnchors: [anchor], time })));
}

// 3a. A 700,000-entry CRL (16 MB) against timeoutMs 1000.
{
  const n = parse(c411.bytes.crls[c411.bytes.crls.length - 1]);
  const tbs = n.kids[0];
  const date = { tag: 0x17, content: Buffer.from("100101083000Z") };
  const entries = [];
  for (let i = 0; i < 700_000; i++) entries.push({ tag: 0x30, kids: [{ tag: 0x02, content: Uint8Array.of(0x01, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff) }, date] });
  const at = tbs.kids.findIndex((k, i) => k.tag === 0x30 && i > 2);
  if (at >= 0) tbs.kids[at] = { tag: 0x30, kids: entries };
  else tbs.kids.splice(5, 0, { tag: 0x30, kids: entries });
  const big = encode(n);
  rows.push(
    await measure(`3a. a ${(big.length / 1e6).toFixed(1)} MB, 700,000-entry CRL, limits.timeoutMs 1000`, "17.7 s (729,000 entries)", () =>
      verify({ target: ee, intermediates: [ca], trustAnchors: [anchor], time, revocation: { mode: "hard", crls: [big] }, limits: { timeoutMs: 1000 } }),
    ),
  );
}

// 3b. Name constraints: 4,990 permitted dNSName subtrees against 9,991 SANs.
{
  const { root, ca: nc, leaf } = permittedFlood(p, 4990, 9991);
  // The certificates are parsed (and cached) first; the measured call is the name-constraint work.
  for (const d of [leaf.der, nc.der, root.der]) lib.parseCertificate(d);
  rows.push(
    await measure("3b. 4,990 permitted dNSName subtrees x 9,991 SANs, limits.timeoutMs 1000 (certificates parsed before)", "55 s, VALID", () =>
      verify({ target: leaf.der, intermediates: [nc.der], trustAnchors: [root.der], time: NOW, limits: { timeoutMs: 1000 } }),
    ),
  );
}

// 3c. 2,000 same-named decoys with 3,064-bit RSA public exponents.
{
  const root = p.root("CN=Exp Root");
  const ica = p.ca("CN=Exp CA", root, { keyAlg: "rsa2048" });
  const leaf = p.ee("CN=Exp EE", ica);
  const spki = (salt) => {
    const mod = new Uint8Array(257).fill(0xc3);
    mod[0] = 0;
    mod[255] = (salt >> 8) & 0xff;
    mod[256] = salt & 0xff;
    const exp = new Uint8Array(383).fill(0xff);
    const key = tlv(0x30, tlv(0x02, mod), tlv(0x02, cat([0], exp)));
    return tlv(0x30, tlv(0x30, tlv(0x06, [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]), tlv(0x05, [])), tlv(0x03, cat([0], key)));
  };
  const decoys = Array.from({ length: 2000 }, (_, i) => p.ca("CN=Exp CA", root, { key: publicKeyFromSpki(spki(i + 1)) }).der);
  for (const d of [leaf.der, root.der, ...decoys]) lib.parseCertificate(d);
  rows.push(
    await measure("3c. 2,000 same-named decoys with 3,064-bit RSA exponents, limits.timeoutMs 1000 (certificates parsed before)", "239 s, INVALID_SIGNATURE", () =>
      verify({ target: leaf.der, intermediates: decoys, trustAnchors: [root.der], time: NOW, limits: { timeoutMs: 1000 } }),
    ),
  );
}

// 3d. A COSE_Sign with 17 signatures.
{
  const root = p.root("CN=Sign Root");
  const signer = p.ee("CN=Sign Signer", root, { keyAlg: "ed25519" });
  const one = { key: signer.key, alg: COSE_ALG.Ed25519, protected: [[COSE_HEADER.x5chain, signer.der]] };
  const msg = coseSign(new Uint8Array([1]), Array.from({ length: 17 }, () => one));
  rows.push(await measure("3d. COSE_Sign with 17 signatures", "no cap; each signature a full budget", () => verifyCose(msg, { anchors: [root.der], time: NOW })));
}

// 7. Redirect hops that each answer late, against one fetch deadline.
{
  const server = http.createServer((req, res) => {
    const i = Number(new URL(req.url, "http://x").pathname.slice(1));
    setTimeout(() => {
      res.writeHead(302, { location: `/${i + 1}` });
      res.end();
    }, 450);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  const root = p.root("CN=Redirect Root");
  const ica = p.ca("CN=Redirect CA", root);
  const leaf = p.ee("CN=Redirect EE", ica, { extensions: { authorityInfoAccess: { caIssuers: [`http://127.0.0.1:${port}/0`] } } });
  rows.push(
    await measure("7. AIA redirect hops answering after 450 ms each, fetchPolicy.timeoutMs 1000", "18.8 s (4.5 s hops, 10 s limit)", () =>
      verify({ target: leaf.der, trustAnchors: [root.der], time: NOW, revocation: { fetch: true }, fetchPolicy: { timeoutMs: 1000, allowPrivateAddresses: true } }),
    ),
  );
  server.closeAllConnections();
  server.close();
}

const section = [
  "<!-- attacks:start (bench/attacks.mjs writes this section) -->",
  "## Attacker inputs of issue 10 (one call each)",
  "",
  `Machine: nproc ${cpus().length}, ${cpus()[0]?.model ?? "?"}; Node ${process.version}; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}; ${new Date().toISOString()}.`,
  "The \"before\" column is the figure reproduced on the old main (issue 10); wall and CPU are this build's.",
  "",
  "| input | before | wall ms | CPU ms | outcome |",
  "| --- | --- | --- | --- | --- |",
  ...rows.map((r) => `| ${r.scenario} | ${r.before} | ${r.wallMs} | ${r.cpuMs} | ${r.outcome.replace(/\|/g, "/")} |`),
  "<!-- attacks:end -->",
].join("\n");
writeFileSync(join(HERE, "attacks-results.json"), JSON.stringify(rows, null, 1));
const file = join(HERE, "HOSTILE.md");
let md = "";
try {
  md = readFileSync(file, "utf8");
} catch {
  /* first run */
}
md = /<!-- attacks:start[\s\S]*<!-- attacks:end -->/.test(md) ? md.replace(/<!-- attacks:start[\s\S]*<!-- attacks:end -->/, section) : `${md.trimEnd()}\n\n${section}\n`;
writeFileSync(file, md);
console.log(section);
