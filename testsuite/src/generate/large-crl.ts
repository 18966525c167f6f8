// Large CRLs (hundreds of thousands of entries) for benchmarks and deadline tests.
// issueCrl() builds every entry as a schema object, which takes minutes for a million
// entries; this writes the DER directly into one buffer (the entries are all alike:
// serial, UTCTime, an optional reasonCode) and signs it with node:crypto.
import { createHash, sign } from "node:crypto";
import type { KeyPair } from "./keys.js";

/** The CRL issuer: its subject name (DER) and key. */
export interface LargeCrlIssuer {
  readonly nameDer: Uint8Array;
  readonly key: KeyPair;
}

export interface LargeCrlSpec {
  issuer: LargeCrlIssuer;
  /** Number of revoked entries. */
  count: number;
  thisUpdate: Date;
  nextUpdate: Date;
  /** Seed of the pseudo-random serial numbers (deterministic). */
  seed?: string;
  /** Content octets of each serial (first octet 0x01-0x7f, so positive and minimal); default 10. */
  serialBytes?: number;
  /** Every k-th entry carries a reasonCode (keyCompromise); 0 for none. Default 8. */
  reasonEvery?: number;
  /** Serial numbers that must be on the list (e.g. a revoked target), inserted evenly. */
  include?: readonly bigint[];
  crlNumber?: bigint;
}

function header(tag: number, len: number): number[] {
  if (len < 0x80) return [tag, len];
  const b: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) b.unshift(v % 256);
  return [tag, 0x80 | b.length, ...b];
}

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const h = header(tag, len);
  const out = new Uint8Array(h.length + len);
  out.set(h, 0);
  let off = h.length;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function utcTime(d: Date): Uint8Array {
  const p = (n: number) => String(n).padStart(2, "0");
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, "latin1"));
}

function intContent(v: bigint): Uint8Array {
  let h = v.toString(16);
  if (h.length % 2) h = "0" + h;
  const b = Buffer.from(h, "hex");
  return b[0]! & 0x80 ? Buffer.concat([Buffer.of(0), b]) : b;
}

/** AlgorithmIdentifier DER and signing for the generator's key kinds. */
function signer(issuer: LargeCrlIssuer): { alg: Uint8Array; sign: (tbs: Uint8Array) => Uint8Array } {
  const key = issuer.key.privateKey;
  if (!key) throw new Error("largeCrl: the issuer has no private key");
  switch (issuer.key.alg) {
    case "p256":
      // ecdsa-with-SHA256 (RFC 5758 3.2): no parameters.
      return { alg: Buffer.from("300a06082a8648ce3d040302", "hex"), sign: (t) => sign("sha256", t, { key, dsaEncoding: "der" }) };
    case "ed25519":
      return { alg: Buffer.from("300506032b6570", "hex"), sign: (t) => sign(null, t, key) };
    default:
      if (issuer.key.alg.startsWith("rsa") && issuer.key.alg !== "rsa-pss")
        // sha256WithRSAEncryption with NULL parameters (RFC 4055 5).
        return { alg: Buffer.from("300d06092a864886f70d01010b0500", "hex"), sign: (t) => sign("sha256", t, key) };
      throw new Error(`largeCrl: key ${issuer.key.alg} not supported`);
  }
}

/** A signed v2 CRL with `count` entries. Returns its DER. */
export function largeCrl(spec: LargeCrlSpec): Uint8Array {
  const sb = spec.serialBytes ?? 10;
  const every = spec.reasonEvery ?? 8;
  const include = [...(spec.include ?? [])];
  const stride = include.length ? Math.max(1, Math.floor(spec.count / (include.length + 1))) : 0;
  const date = utcTime(spec.thisUpdate);
  // keyCompromise reasonCode extension: SEQUENCE { SEQUENCE { OID 2.5.29.21, OCTET STRING { ENUMERATED 1 } } }
  const reasonExt = Buffer.from("300c300a0603551d1504030a0101", "hex");
  // PRNG: xorshift32 seeded from the seed's hash.
  let x = createHash("sha256").update(spec.seed ?? "large-crl").digest().readUInt32BE(0) || 1;
  const rnd = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const chunks: Uint8Array[] = [];
  let buf = new Uint8Array(1 << 20);
  let off = 0;
  const flush = () => {
    chunks.push(buf.subarray(0, off));
    buf = new Uint8Array(1 << 20);
    off = 0;
  };
  for (let i = 0; i < spec.count; i++) {
    let serial: Uint8Array;
    if (stride && include.length && i > 0 && i % stride === 0) serial = intContent(include.shift()!);
    else {
      serial = new Uint8Array(sb);
      for (let k = 0; k < sb; k++) serial[k] = rnd() & 0xff;
      serial[0] = (serial[0]! & 0x7f) | 0x01;
    }
    const withReason = every > 0 && i % every === 0;
    const inner = 2 + serial.length + date.length + (withReason ? reasonExt.length : 0);
    if (off + inner + 8 > buf.length) flush();
    const h = header(0x30, inner);
    buf.set(h, off);
    off += h.length;
    buf[off++] = 0x02;
    buf[off++] = serial.length;
    buf.set(serial, off);
    off += serial.length;
    buf.set(date, off);
    off += date.length;
    if (withReason) {
      buf.set(reasonExt, off);
      off += reasonExt.length;
    }
  }
  flush();
  const entries = tlv(0x30, ...chunks);
  const s = signer(spec.issuer);
  // crlNumber (RFC 5280 5.2.3).
  const crlNumber = tlv(0x30, Buffer.from("0603551d14", "hex"), tlv(0x04, tlv(0x02, intContent(spec.crlNumber ?? 1n))));
  const tbs = tlv(
    0x30,
    Buffer.from("020101", "hex"),
    s.alg,
    spec.issuer.nameDer,
    date,
    utcTime(spec.nextUpdate),
    ...(spec.count ? [entries] : []),
    tlv(0xa0, tlv(0x30, crlNumber)),
  );
  const sig = s.sign(tbs);
  return tlv(0x30, tbs, s.alg, tlv(0x03, Uint8Array.of(0), sig));
}
