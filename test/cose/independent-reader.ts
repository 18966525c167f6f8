// A small, independent reader of the exported COSE/TEEP vectors (what a C or Go
// implementation would do with them), used as the test oracle of the export. It shares
// no code or tables with certpath: only cborg (CBOR) and node:crypto (X509Certificate,
// signatures, hashes), plus a minimal DER walk for the two policy extensions.
//
// What it checks, in order: COSE_Sign1 structure (RFC 9052 4.2, strict CBOR); the signer
// (x5chain[0], or the certificate x5t names) integrity protected (RFC 9360 2); the
// signature over Sig_structure; a path from the signer through x5chain / x5bag /
// out-of-band certificates to an anchor (names, signatures, CA flag); validity at the
// validation time; certificate policies with mappings (RFC 5280 6.1.3 (d), 6.1.4 (a)-(b),
// explicit policy); then, for TEEP vectors, the token against the outstanding ones.
import { createHash, verify as cryptoVerify, X509Certificate, constants, type KeyObject } from "node:crypto";
import { decode, encode, rfc8949EncodeOptions, Tagged } from "cborg";

export interface ReaderInput {
  message: Uint8Array;
  anchors: Uint8Array[];
  certificates: Uint8Array[];
  time: Date;
  policy: { initialPolicySet: string[]; explicitPolicy: boolean; policyMappingInhibit: boolean };
  externalAad?: Uint8Array;
  teep?: { expectTypes: number[]; outstandingTokens: string[] };
}

export interface ReaderVerdict {
  valid: boolean;
  code?: string;
  signer?: string;
}

const ANY_POLICY = "2.5.29.32.0";
// Only COSE_Sign1_Tagged (18) is expected; any other tag fails the decode.
const tags = { 18: (inner: () => unknown) => new Tagged(18, inner()) } as unknown as Record<number, (inner: unknown) => unknown>;
const strict = { strict: true, rejectDuplicateMapKeys: true, allowIndefinite: false, allowUndefined: false, useMaps: true, tags } as const;

class Fail extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

// ---- minimal DER ----
interface Tlv {
  tag: number;
  start: number; // of the value
  end: number;
}
function tlv(b: Uint8Array, at: number): Tlv {
  const tag = b[at]!;
  let len = b[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
  }
  return { tag, start: p, end: p + len };
}
function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.start; p < t.end; ) {
    const c = tlv(b, p);
    out.push(c);
    p = c.end;
  }
  return out;
}
function oid(b: Uint8Array, t: Tlv): string {
  const bytes = b.subarray(t.start, t.end);
  const arcs: number[] = [];
  let v = 0;
  for (const x of bytes) {
    v = v * 128 + (x & 0x7f);
    if (!(x & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = arcs.shift()!;
  return [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80, ...arcs].join(".");
}
/** certificatePolicies OIDs and policyMappings pairs of a certificate. */
function policyExtensions(der: Uint8Array): { policies?: string[]; mappings: [string, string][] } {
  const cert = tlv(der, 0);
  const tbs = children(der, cert)[0]!;
  const ext = children(der, tbs).find((c) => c.tag === 0xa3);
  const out: { policies?: string[]; mappings: [string, string][] } = { mappings: [] };
  if (!ext) return out;
  for (const e of children(der, children(der, ext)[0]!)) {
    const parts = children(der, e);
    const id = oid(der, parts[0]!);
    const value = parts[parts.length - 1]!; // OCTET STRING
    const inner = tlv(der, value.start);
    if (id === "2.5.29.32") out.policies = children(der, inner).map((pi) => oid(der, children(der, pi)[0]!));
    if (id === "2.5.29.33") out.mappings = children(der, inner).map((m) => children(der, m).map((o) => oid(der, o)) as [string, string]);
  }
  return out;
}

// ---- COSE ----
const ALGS: Record<number, { hash: string | null; kind: "ec" | "ed" | "pss" | "pkcs1" }> = {
  [-7]: { hash: "sha256", kind: "ec" },
  [-9]: { hash: "sha256", kind: "ec" },
  [-35]: { hash: "sha384", kind: "ec" },
  [-36]: { hash: "sha512", kind: "ec" },
  [-8]: { hash: null, kind: "ed" },
  [-19]: { hash: null, kind: "ed" },
  [-37]: { hash: "sha256", kind: "pss" },
  [-257]: { hash: "sha256", kind: "pkcs1" },
};

function sigOk(alg: number, key: KeyObject, data: Uint8Array, sig: Uint8Array): boolean {
  const a = ALGS[alg];
  if (!a) throw new Fail("UNSUPPORTED_COSE_ALGORITHM");
  try {
    if (a.kind === "ec") return cryptoVerify(a.hash, data, { key, dsaEncoding: "ieee-p1363" }, sig);
    if (a.kind === "ed") return cryptoVerify(null, data, key, sig);
    if (a.kind === "pss") return cryptoVerify(a.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
    return cryptoVerify(a.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
  } catch {
    return false;
  }
}

const bstrList = (v: unknown): Uint8Array[] => (v instanceof Uint8Array ? [v] : Array.isArray(v) ? v : []);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function read(input: ReaderInput): { signer: X509Certificate; payload: Uint8Array } & { pool: X509Certificate[] } {
  let top: unknown;
  try {
    top = decode(input.message, strict);
  } catch {
    throw new Fail("MALFORMED_COSE");
  }
  const arr = (top instanceof Tagged ? (top.tag === 18 ? top.value : null) : top) as unknown[] | null;
  if (!Array.isArray(arr) || arr.length !== 4 || !(arr[0] instanceof Uint8Array) || !(arr[1] instanceof Map) || !(arr[3] instanceof Uint8Array)) throw new Fail("MALFORMED_COSE");
  const [protBytes, unprot, payload, signature] = arr as [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array];
  const prot = (protBytes.length ? decode(protBytes, strict) : new Map()) as Map<number, unknown>;
  const alg = prot.get(1) as number;
  const chainP = prot.has(33);
  const chain = bstrList(prot.get(33) ?? unprot.get(33)).map((d) => new X509Certificate(d));
  const bag = [...bstrList(prot.get(32)), ...bstrList(unprot.get(32))].map((d) => new X509Certificate(d));
  const x5t = (prot.get(34) ?? unprot.get(34)) as [number, Uint8Array] | undefined;
  const extra = input.certificates.map((d) => new X509Certificate(d));
  let signer: X509Certificate | undefined;
  if (x5t) {
    if (x5t[0] !== -16) throw new Fail("BAD_HEADER");
    signer = [...chain, ...bag, ...extra].find((c) => hex(createHash("sha256").update(c.raw).digest()) === hex(x5t[1]));
    if (!signer) throw new Fail("X5T_MISMATCH");
    if (!prot.has(34) && !(chainP && chain[0] === signer)) throw new Fail("SIGNER_NOT_PROTECTED");
  } else if (chain.length) {
    if (!chainP) throw new Fail("SIGNER_NOT_PROTECTED");
    signer = chain[0];
  } else throw new Fail("NO_SIGNER");
  const tbs = encode(["Signature1", protBytes, input.externalAad ?? new Uint8Array(0), payload], rfc8949EncodeOptions);
  if (!sigOk(alg, signer!.publicKey, tbs, signature)) throw new Fail("SIGNATURE_INVALID");
  return { signer: signer!, payload, pool: [...chain, ...bag, ...extra] };
}

/** Depth-first: signer first, anchor last; every certificate above the signer must be a CA. */
function paths(cur: X509Certificate[], pool: X509Certificate[], anchors: X509Certificate[], out: X509Certificate[][]): void {
  const last = cur[cur.length - 1]!;
  for (const a of anchors) if (last.checkIssued(a) && last.verify(a.publicKey)) out.push([...cur, a]);
  if (cur.length > 8) return;
  for (const c of pool) {
    if (cur.some((x) => x.fingerprint256 === c.fingerprint256) || !c.ca) continue;
    if (c.subject === c.issuer && c.verify(c.publicKey)) continue; // self-signed: never an anchor, never useful below one
    if (last.checkIssued(c) && last.verify(c.publicKey)) paths([...cur, c], pool, anchors, out);
  }
}

function policiesOk(path: X509Certificate[], p: ReaderInput["policy"]): boolean {
  // valid: each policy of the current domain -> the policies of the first domain it stands for.
  const certs = path.slice(0, -1).reverse(); // anchor's side first, the anchor itself left out
  let valid = new Map<string, Set<string>>([[ANY_POLICY, new Set([ANY_POLICY])]]);
  certs.forEach((c, i) => {
    const x = policyExtensions(new Uint8Array(c.raw));
    const next = new Map<string, Set<string>>();
    for (const pol of x.policies ?? []) {
      if (pol === ANY_POLICY) for (const [k, v] of valid) next.set(k, v);
      else if (valid.has(pol)) next.set(pol, valid.get(pol)!);
      else if (valid.has(ANY_POLICY)) next.set(pol, valid.get(ANY_POLICY)!.has(ANY_POLICY) ? new Set([pol]) : valid.get(ANY_POLICY)!);
    }
    valid = next;
    if (i < certs.length - 1 && x.mappings.length) {
      const mapped = new Map([...valid].filter(([k]) => !x.mappings.some(([issuer]) => issuer === k)));
      // RFC 5280 6.1.4 (b)(2): with mapping inhibited the mapped policies are dropped.
      if (!p.policyMappingInhibit)
        for (const [issuer, subject] of x.mappings) {
          const from = valid.get(issuer);
          if (from) mapped.set(subject, new Set([...(mapped.get(subject) ?? []), ...from]));
        }
      valid = mapped;
    }
  });
  const wanted = (f: string) => f === ANY_POLICY || p.initialPolicySet.includes(ANY_POLICY) || p.initialPolicySet.includes(f);
  const user = [...valid.values()].some((from) => [...from].some(wanted));
  return !p.explicitPolicy || user;
}

function subjectOf(c: X509Certificate): string {
  return c.subject.split("\n").join(", ");
}

export function readVector(input: ReaderInput): ReaderVerdict {
  let signer: X509Certificate | undefined;
  try {
    const r = read(input);
    signer = r.signer;
    const anchors = input.anchors.map((d) => new X509Certificate(d));
    const found: X509Certificate[][] = [];
    paths([r.signer], r.pool, anchors, found);
    if (found.length === 0) throw new Fail("NO_PATH");
    const inTime = (c: X509Certificate) => new Date(c.validFrom) <= input.time && input.time <= new Date(c.validTo);
    const timely = found.filter((p) => p.slice(0, -1).every(inTime));
    if (timely.length === 0) throw new Fail("EXPIRED");
    if (!timely.some((p) => policiesOk(p, input.policy))) throw new Fail("POLICY");
    if (input.teep) {
      const m = decode(r.payload, strict) as unknown[];
      if (!Array.isArray(m) || !input.teep.expectTypes.includes(m[0] as number)) throw new Fail("UNEXPECTED_TEEP_TYPE");
      const token = (m[1] as Map<number, unknown>).get(20);
      if (input.teep.outstandingTokens.length && !(token instanceof Uint8Array && input.teep.outstandingTokens.includes(hex(token)))) throw new Fail("TOKEN_MISMATCH");
    }
    return { valid: true, signer: subjectOf(r.signer) };
  } catch (e) {
    if (e instanceof Fail) return { valid: false, code: e.code, ...(signer ? { signer: subjectOf(signer) } : {}) };
    throw e;
  }
}
