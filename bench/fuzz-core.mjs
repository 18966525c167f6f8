// Seeded mutation fuzzing of certpath's doors (issue 10 "Done when"): certificates, CRLs,
// trust anchors, OCSP responses, PEM texts and COSE messages, each mutated from a valid
// base and handed to `verify` / `verifyCose` in the position it belongs to. A run reports
// every call that threw (it must return `valid: false` instead) and the CPU time of each
// call (none may take over a second). The same seed gives the same inputs.
//
// Used by bench/fuzz.mjs (the full run on dist/) and test/hardening/fuzz-slice.test.ts (a
// small slice on the sources, in `npm test`). The caller supplies the doors and the corpus.

/** mulberry32: a small seeded PRNG (uniform in [0, 1)). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r, n) => Math.floor(r() * n);
const pick = (r, list) => list[int(r, list.length)];

/** Offsets of TLV headers found by a lenient walk (for structure-aware mutations). */
function headers(b) {
  const out = [];
  const walk = (start, end, depth) => {
    let off = start;
    while (off + 2 <= end && out.length < 4096 && depth < 40) {
      const tag = b[off];
      let len = b[off + 1];
      let p = off + 2;
      if (len & 0x80) {
        const n = len & 0x7f;
        if (n === 0 || n > 4 || p + n > end) return;
        len = 0;
        for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
        p += n;
      }
      if (p + len > end) return;
      out.push({ off, tag, content: p, end: p + len });
      if (tag & 0x20) walk(p, p + len, depth + 1);
      off = p + len;
    }
  };
  walk(0, b.length, 0);
  return out;
}

const cat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** A DER length field for `n`. */
function lengthBytes(n) {
  if (n < 0x80) return [n];
  const o = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) o.unshift(v % 256);
  return [0x80 | o.length, ...o];
}

/** One mutation of DER-ish bytes; never the input unchanged. */
export function mutateBytes(b, r) {
  const m = mutateOnce(b, r);
  if (m.length !== b.length || m.some((x, i) => x !== b[i])) return m;
  const f = b.slice();
  f[int(r, f.length)] ^= 1 << int(r, 8);
  return f;
}

function mutateOnce(b, r) {
  const m = b.slice();
  const hs = headers(b);
  switch (int(r, 12)) {
    case 0: {
      // flip 1-8 random bits
      for (let k = 1 + int(r, 8); k > 0; k--) m[int(r, m.length)] ^= 1 << int(r, 8);
      return m;
    }
    case 1: {
      // set a byte to an interesting value
      m[int(r, m.length)] = pick(r, [0x00, 0xff, 0x80, 0x7f, 0x81, 0x82, 0x84, 0x30, 0x05, 0x01]);
      return m;
    }
    case 2:
      // truncate
      return m.subarray(0, int(r, m.length));
    case 3: {
      // insert random bytes
      const at = int(r, m.length + 1);
      const ins = Uint8Array.from({ length: 1 + int(r, 16) }, () => int(r, 256));
      return cat(m.subarray(0, at), ins, m.subarray(at));
    }
    case 4: {
      // delete a range
      const at = int(r, m.length);
      return cat(m.subarray(0, at), m.subarray(Math.min(m.length, at + 1 + int(r, 32))));
    }
    case 5: {
      // a header's length byte off by a little
      if (!hs.length) return m;
      const h = pick(r, hs);
      m[h.off + 1] = (m[h.off + 1] + pick(r, [1, -1, 2, -2, 0x80])) & 0xff;
      return m;
    }
    case 6: {
      // a header's tag changed
      if (!hs.length) return m;
      const h = pick(r, hs);
      m[h.off] = pick(r, [0x30, 0x31, 0x02, 0x03, 0x04, 0x05, 0x06, 0xa0, 0xa3, 0x80, 0x1f, 0x00, m[h.off] ^ 0x20]);
      return m;
    }
    case 7: {
      // duplicate a TLV in place (repeated fields, extensions, entries)
      if (!hs.length) return m;
      const h = pick(r, hs);
      return cat(m.subarray(0, h.end), m.subarray(h.off, h.end), m.subarray(h.end));
    }
    case 8: {
      // a primitive's contents replaced by a long run (big INTEGERs, huge strings), lengths fixed up to the top
      const prims = hs.filter((h) => !(h.tag & 0x20));
      if (!prims.length) return m;
      const h = pick(r, prims);
      const body = new Uint8Array(pick(r, [64, 1024, 16 * 1024, 64 * 1024])).fill(pick(r, [0x01, 0x7f, 0xff, 0x41]));
      return rewrap(b, hs, h, body);
    }
    case 9: {
      // non-minimal length on a header (a second encoding of the same value)
      if (!hs.length) return m;
      const h = pick(r, hs);
      const len = h.end - h.content;
      const enc = [0x80 | 4, (len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff];
      return rewrapHeader(b, hs, h, enc);
    }
    case 10: {
      // splice two halves of different offsets
      const a = int(r, m.length);
      const c = int(r, m.length);
      return cat(m.subarray(0, a), m.subarray(c));
    }
    default: {
      // several random bytes
      for (let k = 1 + int(r, 4); k > 0; k--) m[int(r, m.length)] = int(r, 256);
      return m;
    }
  }
}

/**
 * Replaces element `h`'s contents with `body` and its length octets with `enc` (by default
 * the minimal form of body's length), re-encoding the lengths of every element enclosing it.
 */
function rewrap(b, hs, h, body, enc = lengthBytes(body.length)) {
  const encl = hs.filter((x) => x.off < h.off && x.end >= h.end && x.content <= h.off).sort((x, y) => y.off - x.off);
  let inner = cat([b[h.off]], enc, body);
  let start = h.off;
  let end = h.end;
  for (const e of encl) {
    const content = cat(b.subarray(e.content, start), inner, b.subarray(end, e.end));
    inner = cat([b[e.off]], lengthBytes(content.length), content);
    start = e.off;
    end = e.end;
  }
  return cat(b.subarray(0, start), inner, b.subarray(end));
}

/** Replaces element `h`'s length octets by `enc` (same value, other form), fixing enclosing lengths. */
const rewrapHeader = (b, hs, h, enc) => rewrap(b, hs, h, b.subarray(h.content, h.end), enc);

const BEGIN = "-----BEGIN CERTIFICATE-----\n";

/** One mutation of a PEM text. */
export function mutatePem(text, r) {
  switch (int(r, 8)) {
    case 0:
      return text.replace(/-----END [A-Z0-9 ]+-----\n?/, "");
    case 1:
      return BEGIN.repeat(1 + int(r, 20000)) + text;
    case 2: {
      const at = int(r, text.length);
      return text.slice(0, at) + pick(r, ["=", "!", "-----", "\n\n", "A".repeat(1000), "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"]) + text.slice(at);
    }
    case 3:
      return text.slice(0, int(r, text.length));
    case 4:
      return text.replace("CERTIFICATE", pick(r, ["CERT", "X509 CRL", "PRIVATE KEY", "TRUSTED CERTIFICATE", ""]));
    case 5: {
      // the body's base64 decoded, mutated as DER, re-encoded
      const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END/.exec(text);
      if (!m) return text;
      const der = mutateBytes(new Uint8Array(Buffer.from(m[2].replace(/\s/g, ""), "base64")), r);
      return `-----BEGIN ${m[1]}-----\n${Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n")}\n-----END ${m[1]}-----\n`;
    }
    case 6:
      return (text + "\n").repeat(1 + int(r, 50));
    default: {
      const chars = [...text];
      for (let k = 1 + int(r, 8); k > 0; k--) chars[int(r, chars.length)] = String.fromCharCode(int(r, 128));
      return chars.join("");
    }
  }
}

export const KINDS = ["certificate", "crl", "anchor", "ocsp", "pem", "cose"];

/**
 * Runs `count` mutated inputs from `seed`, round-robin over the kinds.
 * doors: { verify, verifyCose }. corpus: {
 *   certs: { target, intermediates, anchor, crls, time },   // a valid PKITS path, hard revocation
 *   ocsp: { target, anchor, response, time },
 *   cose: { message, anchors, time },
 * }
 */
export async function runFuzz({ doors, corpus, seed = 1, count = 20000, onProgress }) {
  const r = rng(seed);
  const c = corpus.certs;
  const certPem = (der) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n")}\n-----END CERTIFICATE-----\n`;
  const base = { trustAnchors: [c.anchor], time: c.time };
  const byKind = Object.fromEntries(KINDS.map((k) => [k, { inputs: 0, valid: 0, codes: {} }]));
  const throws = [];
  const slow = [];
  let maxCpuMs = 0;
  let maxCase;
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length];
    let call;
    let size = 0;
    switch (kind) {
      case "certificate": {
        const which = int(r, c.intermediates.length + 1);
        const orig = which === c.intermediates.length ? c.target : c.intermediates[which];
        const m = mutateBytes(orig, r);
        size = m.length;
        const inter = c.intermediates.map((x, k) => (k === which ? m : x));
        const target = which === c.intermediates.length ? m : c.target;
        call = () => doors.verify({ ...base, target, intermediates: inter, revocation: { mode: "hard", crls: c.crls } });
        break;
      }
      case "crl": {
        const which = int(r, c.crls.length);
        const m = mutateBytes(c.crls[which], r);
        size = m.length;
        call = () => doors.verify({ ...base, target: c.target, intermediates: c.intermediates, revocation: { mode: "hard", crls: c.crls.map((x, k) => (k === which ? m : x)) } });
        break;
      }
      case "anchor": {
        const m = mutateBytes(c.anchor, r);
        size = m.length;
        call = () => doors.verify({ target: c.target, intermediates: c.intermediates, trustAnchors: [m], time: c.time });
        break;
      }
      case "ocsp": {
        const o = corpus.ocsp;
        const m = mutateBytes(o.response, r);
        size = m.length;
        call = () => doors.verify({ target: o.target, trustAnchors: [o.anchor], time: o.time, revocation: { mode: "hard", ocspResponses: [m] } });
        break;
      }
      case "pem": {
        const m = mutatePem(certPem(int(r, 2) ? c.target : c.intermediates[0]), r);
        size = m.length;
        call = int(r, 2)
          ? () => doors.verify({ ...base, target: m, intermediates: c.intermediates })
          : () => doors.verify({ ...base, target: c.target, intermediates: [m] });
        break;
      }
      case "cose": {
        const k = corpus.cose;
        const m = mutateBytes(k.message, r);
        size = m.length;
        call = () => doors.verifyCose(m, { anchors: k.anchors, time: k.time });
        break;
      }
    }
    const t0 = process.cpuUsage();
    let result;
    try {
      result = await call();
    } catch (e) {
      throws.push({ i, kind, size, error: String(e?.stack ?? e).slice(0, 400) });
    }
    const d = process.cpuUsage(t0);
    const cpuMs = (d.user + d.system) / 1000;
    if (cpuMs > maxCpuMs) {
      maxCpuMs = cpuMs;
      maxCase = { i, kind, size, cpuMs: Math.round(cpuMs * 10) / 10, code: result?.error?.code };
    }
    if (cpuMs > 1000) slow.push({ i, kind, size, cpuMs: Math.round(cpuMs) });
    const s = byKind[kind];
    s.inputs++;
    if (result?.valid) s.valid++;
    else if (result) {
      const code = result.error?.code ?? "(no code)";
      s.codes[code] = (s.codes[code] ?? 0) + 1;
    }
    if (onProgress && (i + 1) % 1000 === 0) onProgress(i + 1);
  }
  return { seed, total: count, byKind, throws, slow, maxCpuMs: Math.round(maxCpuMs * 10) / 10, maxCase };
}
