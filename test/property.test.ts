// Property tests: valid NIST PKITS cases fed to `verify` with mutated inputs (truncation,
// bit flips in the target, an intermediate, the anchor or a CRL, garbage, broken PEM,
// trailing bytes). Whatever the mutation, `verify` resolves (never throws for correctly
// typed options), within a time bound, with a well-formed result; and a mutation of a
// signed object the path needs never yields `valid: true`.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import * as asn1js from "asn1js";
import { ERROR_CODES, verify, type VerifyOptions, type VerifyResult } from "../src/index.js";
import { parseCertificates } from "../src/parsing/certificate.js";
import { parseCrls } from "../src/parsing/crl.js";
import { loadPkits, type PkitsCase } from "../testsuite/src/pkits.js";

// ---------- the PKITS cases (valid ones, most with CRLs in hard mode) ----------

const CASE_IDS = [
  "4.1.1", // Valid Signatures: anchor -> GoodCA -> EE, two CRLs
  "4.4.7", // Valid Two CRLs
  "4.4.19", // Valid Separate Certificate and CRL Keys (CRL signer off the path)
  "4.14.24", // Valid IDP with indirectCRL
  "4.14.29", // Valid cRLIssuer (indirect CRL issued by a separate CRL issuer)
  "4.15.2", // Valid delta-CRL
] as const;

const pkits = loadPkits();
const CASES: PkitsCase[] = CASE_IDS.map((id) => {
  const c = pkits.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no PKITS case ${id}`);
  if (!c.expect.valid) throw new Error(`PKITS case ${id} is not a valid case`);
  return c;
});

const target = (c: PkitsCase) => c.bytes.path[c.bytes.path.length - 1]!;
const inters = (c: PkitsCase) => c.bytes.path.slice(0, -1);

interface Overrides {
  target?: VerifyOptions["target"];
  intermediates?: VerifyOptions["intermediates"];
  trustAnchors?: VerifyOptions["trustAnchors"];
  crls?: NonNullable<VerifyOptions["revocation"]>["crls"];
}

/** The case as the PKITS harness runs it (hard-fail revocation), with some inputs replaced. */
function options(c: PkitsCase, o: Overrides = {}): VerifyOptions {
  return {
    target: o.target ?? target(c).slice(),
    intermediates: o.intermediates ?? inters(c).map((d) => d.slice()),
    trustAnchors: o.trustAnchors ?? [c.bytes.anchor.slice()],
    time: new Date(c.validationTime),
    policy: { ...c.settings },
    revocation: { mode: "hard", crls: o.crls ?? c.bytes.crls.map((d) => d.slice()) },
  };
}

/** Which intermediates and CRLs each case cannot do without (removing one makes it invalid). */
const needed = new Map<PkitsCase, { intermediates: boolean[]; crls: boolean[] }>();

// ---------- DER layout via asn1js ----------

type Range = readonly [start: number, end: number];

interface Layout {
  outerHeader: Range;
  tbs: Range;
  signatureAlgorithm: Range;
  /** The whole signatureValue BIT STRING TLV. */
  signatureValue: Range;
  /** Offset of the BIT STRING's unused-bits octet. */
  unusedBitsAt: number;
  /** For certificates: the subjectPublicKey BIT STRING contents after the unused-bits octet. */
  publicKeyBytes?: Range;
}

// asn1js blocks expose their header sizes and their encoded bytes.
interface AsnBlock {
  idBlock: { blockLength: number; tagClass: number; tagNumber: number };
  lenBlock: { blockLength: number };
  valueBeforeDecodeView: Uint8Array;
  valueBlock: { value?: AsnBlock[] };
}

const headerLength = (b: AsnBlock) => b.idBlock.blockLength + b.lenBlock.blockLength;

/** Start offsets of the children of `b`, which starts at `start`. */
function childStarts(b: AsnBlock, start: number): number[] {
  const out: number[] = [];
  let off = start + headerLength(b);
  for (const k of b.valueBlock.value ?? []) {
    out.push(off);
    off += k.valueBeforeDecodeView.byteLength;
  }
  return out;
}

function layout(der: Uint8Array, isCertificate: boolean): Layout {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new Error(`asn1js: ${parsed.result.error}`);
  const outer = parsed.result as unknown as AsnBlock;
  const [tbs, alg, sig] = outer.valueBlock.value!;
  const [tbsAt, algAt, sigAt] = childStarts(outer, 0);
  const end = (b: AsnBlock, at: number): Range => [at, at + b.valueBeforeDecodeView.byteLength];
  const l: Layout = {
    outerHeader: [0, headerLength(outer)],
    tbs: end(tbs!, tbsAt!),
    signatureAlgorithm: end(alg!, algAt!),
    signatureValue: end(sig!, sigAt!),
    unusedBitsAt: sigAt! + headerLength(sig!),
  };
  if (isCertificate) {
    const fields = tbs!.valueBlock.value!;
    const starts = childStarts(tbs!, tbsAt!);
    const v = fields[0]!.idBlock.tagClass === 3 && fields[0]!.idBlock.tagNumber === 0 ? 1 : 0;
    const spki = fields[v + 5]!;
    const spkiStarts = childStarts(spki, starts[v + 5]!);
    const bits = spki.valueBlock.value![1]!;
    const bitsAt = spkiStarts[1]!;
    l.publicKeyBytes = [bitsAt + headerLength(bits) + 1, bitsAt + bits.valueBeforeDecodeView.byteLength];
  }
  return l;
}

const within = (i: number, [s, e]: Range) => i >= s && i < e;

function region(l: Layout, i: number): string {
  if (within(i, l.outerHeader)) return "outer header";
  if (within(i, l.tbs)) return "tbs";
  if (within(i, l.signatureAlgorithm)) return "signatureAlgorithm";
  if (i === l.unusedBitsAt) return "signatureValue unused-bits octet";
  if (within(i, l.signatureValue)) return "signatureValue";
  return "beyond the end";
}

const LAYOUT = new Map<Uint8Array, Layout>();
const certLayout = (d: Uint8Array) => LAYOUT.get(d) ?? (LAYOUT.set(d, layout(d, true)), LAYOUT.get(d)!);
const crlLayout = (d: Uint8Array) => LAYOUT.get(d) ?? (LAYOUT.set(d, layout(d, false)), LAYOUT.get(d)!);

// ---------- mutations ----------

function flip(der: Uint8Array, byte: number, bit: number): Uint8Array {
  const out = der.slice();
  out[byte] = out[byte]! ^ (1 << bit);
  return out;
}

function pem(der: Uint8Array, label = "CERTIFICATE"): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** What the library's own parser says about an input: its MalformedError, if any. */
function parseError(input: Uint8Array | string, kind: "cert" | "crl", what: string): { code: string; message: string } | undefined {
  try {
    if (kind === "cert") parseCertificates(input, what);
    else parseCrls(input, what);
    return undefined;
  } catch (e) {
    const err = e as { code?: string; message: string };
    return { code: err.code ?? "THREW", message: err.message };
  }
}

// ---------- running and checking ----------

/**
 * A hang guard, not a speed requirement (speed is measured in bench/): a call still
 * running after this long is stuck. Generous, so a loaded 2-core machine never trips it.
 */
const CALL_BOUND_MS = 30_000;
const timing = { calls: 0, maxMs: 0, totalMs: 0 };

/** `verify` must resolve (never reject for well-typed options), in bounded time, well formed. */
async function run(o: VerifyOptions): Promise<VerifyResult> {
  const t0 = performance.now();
  let r: VerifyResult;
  try {
    r = await verify(o);
  } catch (e) {
    throw new Error(`verify threw for well-typed options: ${(e as Error)?.stack ?? e}`);
  }
  const ms = performance.now() - t0;
  timing.calls++;
  timing.totalMs += ms;
  timing.maxMs = Math.max(timing.maxMs, ms);
  expect(ms, `verify took ${ms.toFixed(0)} ms`).toBeLessThan(CALL_BOUND_MS);
  wellFormed(r);
  return r;
}

const CODES = Object.keys(ERROR_CODES);

function wellFormed(r: VerifyResult): void {
  expect(typeof r.valid).toBe("boolean");
  expect(Array.isArray(r.path)).toBe(true);
  expect(Array.isArray(r.policies)).toBe(true);
  if (r.valid) {
    expect(r.error).toBeUndefined();
    expect(r.path.length).toBeGreaterThanOrEqual(2);
    for (const e of r.path) {
      expect(typeof e.subject).toBe("string");
      expect(e.der).toBeInstanceOf(Uint8Array);
    }
  } else {
    expect(r.error, "an invalid result carries an error").toBeDefined();
    expect(CODES, `unknown error code ${r.error!.code}`).toContain(r.error!.code);
    expect(typeof r.error!.message).toBe("string");
    expect(r.error!.message.trim().length).toBeGreaterThan(0);
    expect(r.policies).toEqual([]);
    if (r.error!.certIndex !== undefined) {
      expect(Number.isInteger(r.error!.certIndex)).toBe(true);
      expect(r.error!.certIndex).toBeGreaterThanOrEqual(0);
    }
  }
  if (r.spent) {
    for (const v of Object.values(r.spent)) expect(Number.isFinite(v)).toBe(true);
  }
}

/** An invalid result with this code whose message names the input. */
function expectMalformed(r: VerifyResult, codes: readonly string[], input: string): void {
  expect(r.valid).toBe(false);
  expect(codes, `${r.error!.code}: ${r.error!.message}`).toContain(r.error!.code);
  expect(r.error!.message).toContain(input);
}

/** An unreadable untrusted entry: skipped with a warning naming it (issue 11 item 5), never a failure of its own. */
function expectSkipped(r: VerifyResult, input: string, code?: string): void {
  const w = (r.warnings ?? []).find((x) => x.startsWith("skipped an unreadable untrusted certificate: ") && x.includes(input));
  expect(w, `${input}: ${JSON.stringify(r.warnings)} ${JSON.stringify(r.error)}`).toBeDefined();
  if (code) expect(w).toContain(`(${code})`);
}

// ---------- arbitraries ----------

const caseIx = fc.nat({ max: CASES.length - 1 });
const anyOffset = fc.nat({ max: 1 << 20 });
const bit = fc.nat({ max: 7 });

/** DER-shaped garbage: random TLV trees (definite lengths), so the schema parser is exercised. */
function derBytes(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  const out = new Uint8Array(1 + len.length + n);
  out.set([tag, ...len]);
  out.set(content, 1 + len.length);
  return out;
}
const { tree: derTree } = fc.letrec<{ tree: Uint8Array }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc
      .tuple(fc.constantFrom(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x17, 0x18, 0x80, 0x81, 0x82), fc.uint8Array({ maxLength: 40 }))
      .map(([t, c]) => derBytes(t, c)),
    fc
      .tuple(fc.constantFrom(0x30, 0x31, 0xa0, 0xa3), fc.array(tie("tree"), { maxLength: 6 }))
      .map(([t, kids]) => derBytes(t, Buffer.concat(kids))),
  ),
}));
const derGarbage = fc.array(derTree, { minLength: 1, maxLength: 4 }).map((kids) => derBytes(0x30, Buffer.concat(kids)));
const rawGarbage = fc.uint8Array({ minLength: 0, maxLength: 3000 });
const garbageBytes = fc.oneof(rawGarbage, derGarbage, rawGarbage.map((b) => Uint8Array.from([0x30, ...b])));
const garbageString = fc.oneof(
  fc.string({ maxLength: 500 }),
  fc.string({ unit: "binary", maxLength: 500 }),
  fc.base64String({ maxLength: 800 }).map((b) => `-----BEGIN CERTIFICATE-----\n${b}\n-----END CERTIFICATE-----\n`),
  fc.base64String({ maxLength: 800 }).map((b) => `-----BEGIN X509 CRL-----\n${b}\n-----END X509 CRL-----\n`),
  fc.string({ maxLength: 200 }).map((s) => `-----BEGIN CERTIFICATE-----\n${s}\n-----END CERTIFICATE-----\n`),
);

// ---------- the properties ----------

describe("verify under mutated inputs (fast-check)", () => {
  beforeAll(async () => {
    for (const c of CASES) {
      const base = await run(options(c));
      expect(base.valid, `baseline ${c.id}: ${JSON.stringify(base.error)}`).toBe(true);
      const i = inters(c);
      const intermediates: boolean[] = [];
      for (let k = 0; k < i.length; k++) intermediates.push(!(await run(options(c, { intermediates: i.filter((_, j) => j !== k) }))).valid);
      const crls: boolean[] = [];
      for (let k = 0; k < c.bytes.crls.length; k++) crls.push(!(await run(options(c, { crls: c.bytes.crls.filter((_, j) => j !== k) }))).valid);
      needed.set(c, { intermediates, crls });
      certLayout(target(c));
      for (const d of i) certLayout(d);
      certLayout(c.bytes.anchor);
      for (const d of c.bytes.crls) crlLayout(d);
    }
  });

  it("(a) the target truncated at any length is MALFORMED_CERTIFICATE at certIndex 0", async () => {
    await fc.assert(
      fc.asyncProperty(caseIx, anyOffset, async (ci, n) => {
        const c = CASES[ci]!;
        const t = target(c);
        const r = await run(options(c, { target: t.slice(0, n % t.length) }));
        expectMalformed(r, ["MALFORMED_CERTIFICATE"], "target");
        expect(r.error!.certIndex).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  // 4.1.1 target: offsets of the known-sensitive octets, tried on every run.
  const t411 = () => certLayout(target(CASES[0]!));

  it("(b1) a bit flip in the target's tbsCertificate or signatureValue never yields valid", async () => {
    const l = t411();
    await fc.assert(
      fc.asyncProperty(caseIx, anyOffset, bit, async (ci, n, b) => {
        const c = CASES[ci]!;
        const t = target(c);
        const lt = certLayout(t);
        const signed = lt.tbs[1] - lt.tbs[0] + (lt.signatureValue[1] - lt.signatureValue[0]);
        const k = n % signed;
        const at = k < lt.tbs[1] - lt.tbs[0] ? lt.tbs[0] + k : lt.signatureValue[0] + (k - (lt.tbs[1] - lt.tbs[0]));
        const mutated = flip(t, at, b);
        const r = await run(options(c, { target: mutated }));
        expect(r.valid, `${c.id}: flipping bit ${b} of target byte ${at} (${region(lt, at)}) gave valid: true`).toBe(false);
        const pe = parseError(mutated, "cert", "target");
        if (pe) {
          expectMalformed(r, [pe.code], "target");
          expect(r.error!.certIndex).toBe(0);
        }
      }),
      {
        numRuns: 1200,
        // The signatureValue BIT STRING's unused-bits octet (00 -> 01, 02, 04).
        examples: [0, 1, 2].map((b) => [0, l.tbs[1] - l.tbs[0] + (l.unusedBitsAt - l.signatureValue[0]), b] as [number, number, number]),
      },
    );
  });

  it("(b2) a bit flip in the target's outer header or signatureAlgorithm never yields valid either", async () => {
    const l = t411();
    await fc.assert(
      fc.asyncProperty(caseIx, anyOffset, bit, async (ci, n, b) => {
        const c = CASES[ci]!;
        const t = target(c);
        const lt = certLayout(t);
        const h = lt.outerHeader[1];
        const k = n % (h + lt.signatureAlgorithm[1] - lt.signatureAlgorithm[0]);
        const at = k < h ? k : lt.signatureAlgorithm[0] + (k - h);
        const r = await run(options(c, { target: flip(t, at, b) }));
        // RFC 5280 4.1.1.2: signatureAlgorithm MUST equal tbsCertificate.signature; a
        // different tag or content is a different (or non-DER) certificate.
        expect(r.valid, `${c.id}: flipping bit ${b} of target byte ${at} (${region(lt, at)}) gave valid: true`).toBe(false);
      }),
      {
        numRuns: 300,
        // The signatureAlgorithm SEQUENCE tag 0x30 -> 0xB0 ([16] constructed, context class).
        examples: [[0, l.outerHeader[1], 7]],
      },
    );
  });

  it("(c) a bit flip in an intermediate: never valid when the path needs it; MALFORMED naming it when it no longer parses", async () => {
    await fc.assert(
      fc.asyncProperty(caseIx, fc.nat({ max: 10 }), anyOffset, bit, async (ci, ki, n, b) => {
        const c = CASES[ci]!;
        const i = inters(c);
        const k = ki % i.length;
        const at = n % i[k]!.length;
        const mutated = flip(i[k]!, at, b);
        const r = await run(options(c, { intermediates: i.map((d, j) => (j === k ? mutated : d.slice())) }));
        const pe = parseError(mutated, "cert", `intermediates[${k}]`);
        if (pe) {
          expectSkipped(r, `intermediates[${k}]`, pe.code);
          expect(r.valid).toBe(!needed.get(c)!.intermediates[k]);
        }
        if (needed.get(c)!.intermediates[k])
          expect(r.valid, `${c.id}: flipping bit ${b} of intermediates[${k}] byte ${at} (${region(certLayout(i[k]!), at)}) gave valid: true`).toBe(false);
      }),
      {
        numRuns: 600,
        examples: [
          [0, 0, certLayout(inters(CASES[0]!)[0]!).unusedBitsAt, 0],
          [0, 0, certLayout(inters(CASES[0]!)[0]!).signatureAlgorithm[0], 7],
        ],
      },
    );
  });

  it("(d) a bit flip in the anchor: well formed; MALFORMED naming it when it no longer parses; never valid with a changed key", async () => {
    await fc.assert(
      fc.asyncProperty(caseIx, anyOffset, bit, fc.boolean(), async (ci, n, b, inKey) => {
        const c = CASES[ci]!;
        const a = c.bytes.anchor;
        const la = certLayout(a);
        const [ks, ke] = la.publicKeyBytes!;
        const at = inKey ? ks + (n % (ke - ks)) : n % a.length;
        const mutated = flip(a, at, b);
        const r = await run(options(c, { trustAnchors: [mutated] }));
        const pe = parseError(mutated, "cert", "trustAnchors[0]");
        if (pe) expectMalformed(r, [pe.code], "trustAnchors[0]");
        // The anchor is its name and key: another key cannot verify the path.
        if (within(at, la.publicKeyBytes!)) expect(r.valid, `${c.id}: flipping bit ${b} of the anchor's key byte ${at} gave valid: true`).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("(e) a bit flip in a CRL: never valid when the case needs that CRL; MALFORMED_CRL naming it when it no longer parses", async () => {
    const g = CASES[0]!.bytes.crls[1]!; // 4.1.1 GoodCACRL
    const lg = crlLayout(g);
    await fc.assert(
      fc.asyncProperty(caseIx, fc.nat({ max: 10 }), anyOffset, bit, async (ci, ki, n, b) => {
        const c = CASES[ci]!;
        const crls = c.bytes.crls;
        const k = ki % crls.length;
        const at = n % crls[k]!.length;
        const mutated = flip(crls[k]!, at, b);
        const r = await run(options(c, { crls: crls.map((d, j) => (j === k ? mutated : d.slice())) }));
        const pe = parseError(mutated, "crl", `revocation.crls[${k}]`);
        if (pe) {
          expectMalformed(r, ["MALFORMED_CRL"], `revocation.crls[${k}]`);
          expect(pe.code).toBe("MALFORMED_CRL");
        }
        // A CRL that does not verify as signed (RFC 5280 6.3.3 (f), (g)) is as good as absent.
        if (needed.get(c)!.crls[k])
          expect(r.valid, `${c.id}: flipping bit ${b} of revocation.crls[${k}] byte ${at} (${region(crlLayout(crls[k]!), at)}) gave valid: true`).toBe(false);
      }),
      {
        numRuns: 1200,
        examples: [
          [0, 1, lg.unusedBitsAt, 0], // signatureValue unused-bits octet 00 -> 01
          [0, 1, lg.signatureAlgorithm[1] - 2, 0], // signatureAlgorithm parameters NULL (05) -> 04
          [0, 1, lg.signatureAlgorithm[0], 7], // signatureAlgorithm tag 0x30 -> 0xB0
        ],
      },
    );
  });

  it("(f) a CRL truncated at any length is MALFORMED_CRL naming it", async () => {
    await fc.assert(
      fc.asyncProperty(caseIx, fc.nat({ max: 10 }), anyOffset, async (ci, ki, n) => {
        const c = CASES[ci]!;
        const crls = c.bytes.crls;
        const k = ki % crls.length;
        const r = await run(options(c, { crls: crls.map((d, j) => (j === k ? d.slice(0, n % d.length) : d.slice())) }));
        expectMalformed(r, ["MALFORMED_CRL"], `revocation.crls[${k}]`);
      }),
      { numRuns: 200 },
    );
  });

  it("(g) garbage bytes and strings in any input position give a MALFORMED_* code naming the input", async () => {
    const position = fc.constantFrom("target", "intermediate", "anchor", "crl");
    await fc.assert(
      fc.asyncProperty(caseIx, position, fc.oneof(garbageBytes, garbageString), async (ci, pos, g) => {
        const c = CASES[ci]!;
        let r: VerifyResult;
        let label: string;
        let kind: "cert" | "crl" = "cert";
        if (pos === "target") {
          r = await run(options(c, { target: g }));
          label = "target";
        } else if (pos === "intermediate") {
          r = await run(options(c, { intermediates: [...inters(c), g] }));
          label = `intermediates[${inters(c).length}]`;
        } else if (pos === "anchor") {
          r = await run(options(c, { trustAnchors: [g] }));
          label = "trustAnchors[0]";
        } else {
          r = await run(options(c, { crls: [g, ...c.bytes.crls] }));
          label = "revocation.crls[0]";
          kind = "crl";
        }
        const pe = parseError(g, kind, label);
        if (pos === "intermediate") {
          // Garbage in the untrusted bag is skipped: the case keeps its verdict (valid).
          if (pe) expectSkipped(r, label);
          expect(r.valid, JSON.stringify(r.error)).toBe(true);
          return;
        }
        expect(r.valid).toBe(false);
        if (pe) expectMalformed(r, ["MALFORMED_CERTIFICATE", "MALFORMED_CRL", "MALFORMED_INPUT"], label);
        if (pos === "target" && pe) expect(r.error!.certIndex).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it("(g2) TrustAnchorInfo-shaped garbage as the anchor (RFC 5914 forms) never throws", async () => {
    const c = CASES[0]!;
    const fields = (asn1js.fromBER(c.bytes.anchor).result as unknown as AsnBlock).valueBlock.value![0]!.valueBlock.value!;
    const spki = fields[fields[0]!.idBlock.tagClass === 3 ? 6 : 5]!.valueBeforeDecodeView;
    const control = fc.tuple(fc.constantFrom(0xa0, 0xa1, 0x82, 0xa3, 0x84, 0x80, 0x81), derTree).map(([t, tr]) => derBytes(t, tr));
    const tai = fc
      .tuple(fc.boolean(), fc.uint8Array({ maxLength: 20 }), fc.option(fc.string({ maxLength: 10 })), fc.oneof(derTree, fc.constant(derBytes(0x30, new Uint8Array(0)))), fc.array(control, { maxLength: 3 }), fc.boolean())
      .map(([v, kid, title, name, rest, choice]) => {
        const body = derBytes(
          0x30,
          Buffer.concat([
            v ? Uint8Array.of(2, 1, 1) : new Uint8Array(0),
            spki,
            derBytes(0x04, kid),
            title !== null ? derBytes(0x0c, Buffer.from(title)) : new Uint8Array(0),
            derBytes(0x30, Buffer.concat([name, ...rest])),
          ]),
        );
        return choice ? derBytes(0xa2, body) : body;
      });
    await fc.assert(
      fc.asyncProperty(tai, async (a) => {
        const r = await run(options(c, { trustAnchors: [c.bytes.anchor, a] }));
        if (!r.valid && r.error!.code.startsWith("MALFORMED_")) expect(r.error!.message).toContain("trustAnchors[1]");
      }),
      { numRuns: 200 },
    );
  });

  it("(h) PEM with broken base64, a missing END line, a cut, or mismatched labels is MALFORMED naming the input", async () => {
    const BAD = [..."*!@#$%^&()_-?.,;:~`'\"<>[]{}|\\=é\u0000"];
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("badchar" as const), n: anyOffset, ch: fc.constantFrom(...BAD) }),
      fc.record({ kind: fc.constant("noend" as const) }),
      fc.record({ kind: fc.constant("cut" as const), n: anyOffset }),
      fc.record({ kind: fc.constant("labels" as const) }),
    );
    const position = fc.constantFrom("target", "intermediate", "crl");
    await fc.assert(
      fc.asyncProperty(caseIx, position, mutation, async (ci, pos, m) => {
        const c = CASES[ci]!;
        const der = pos === "target" ? target(c) : pos === "intermediate" ? inters(c)[0]! : c.bytes.crls[0]!;
        const label = pos === "crl" ? "X509 CRL" : "CERTIFICATE";
        const text = pem(der, label);
        const begin = `-----BEGIN ${label}-----\n`.length;
        const endLine = text.indexOf("-----END");
        const lastB64 = text.slice(0, endLine).trimEnd().length - 1; // index of the body's last base64 char
        let bad: string;
        switch (m.kind) {
          case "badchar": {
            const p = begin + (m.n % (lastB64 - begin + 1)); // before some base64 char of the body
            bad = text.slice(0, p) + m.ch + text.slice(p);
            break;
          }
          case "noend":
            bad = text.slice(0, endLine);
            break;
          case "cut":
            bad = text.slice(0, m.n % (text.trimEnd().length - 1));
            break;
          case "labels":
            bad = text.replace(`-----END ${label}-----`, `-----END ${label === "CERTIFICATE" ? "X509 CRL" : "CERTIFICATE"}-----`);
            break;
        }
        const where = pos === "target" ? "target" : pos === "intermediate" ? "intermediates[0]" : "revocation.crls[0]";
        const r =
          pos === "target"
            ? await run(options(c, { target: bad }))
            : pos === "intermediate"
              ? await run(options(c, { intermediates: [bad, ...inters(c).slice(1)] }))
              : await run(options(c, { crls: [bad, ...c.bytes.crls.slice(1)] }));
        if (pos === "intermediate") {
          expectSkipped(r, where);
          expect(r.valid).toBe(!needed.get(c)!.intermediates[0]);
        } else expectMalformed(r, pos === "crl" ? ["MALFORMED_CRL", "MALFORMED_INPUT"] : ["MALFORMED_CERTIFICATE", "MALFORMED_INPUT"], where);
      }),
      { numRuns: 300 },
    );
  });

  it("(i) bytes appended to a DER input give MALFORMED naming it; text after a PEM END line is ignored", async () => {
    const position = fc.constantFrom("target", "intermediate", "anchor", "crl", "pem-target");
    await fc.assert(
      fc.asyncProperty(caseIx, position, fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.string({ maxLength: 80 }), async (ci, pos, extra, words) => {
        const c = CASES[ci]!;
        const plus = (d: Uint8Array) => Uint8Array.from([...d, ...extra]);
        switch (pos) {
          case "target": {
            const r = await run(options(c, { target: plus(target(c)) }));
            expectMalformed(r, ["MALFORMED_CERTIFICATE"], "target");
            expect(r.error!.certIndex).toBe(0);
            break;
          }
          case "intermediate": {
            const i = inters(c);
            const r = await run(options(c, { intermediates: [...i.slice(0, -1), plus(i[i.length - 1]!)] }));
            expectSkipped(r, `intermediates[${i.length - 1}]`, "MALFORMED_CERTIFICATE");
            expect(r.valid).toBe(!needed.get(c)!.intermediates[i.length - 1]);
            break;
          }
          case "anchor": {
            const r = await run(options(c, { trustAnchors: [plus(c.bytes.anchor)] }));
            expectMalformed(r, ["MALFORMED_CERTIFICATE"], "trustAnchors[0]");
            break;
          }
          case "crl": {
            const r = await run(options(c, { crls: [...c.bytes.crls.slice(1), plus(c.bytes.crls[0]!)] }));
            expectMalformed(r, ["MALFORMED_CRL"], `revocation.crls[${c.bytes.crls.length - 1}]`);
            break;
          }
          case "pem-target": {
            // RFC 7468 2: text outside the encapsulation boundaries is allowed.
            fc.pre(!words.includes("-----"));
            const r = await run(options(c, { target: pem(target(c)) + words }));
            expect(r.valid, JSON.stringify(r.error)).toBe(true);
            break;
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("(j) intermediates in any order, with duplicates, still validate to the same policies", async () => {
    await fc.assert(
      fc.asyncProperty(caseIx, fc.array(fc.nat({ max: 10 }), { minLength: 1, maxLength: 8 }), async (ci, picks) => {
        const c = CASES[ci]!;
        const i = inters(c);
        const bag = [...i, ...picks.map((p) => i[p % i.length]!)];
        // deterministic shuffle driven by the picks
        for (let k = bag.length - 1; k > 0; k--) {
          const j = (picks[k % picks.length]! + k) % (k + 1);
          [bag[k], bag[j]] = [bag[j]!, bag[k]!];
        }
        const r = await run(options(c, { intermediates: bag.map((d) => d.slice()) }));
        expect(r.valid, `${c.id}: ${JSON.stringify(r.error)}`).toBe(true);
        expect([...r.policies].sort()).toEqual([...c.expect.userConstrainedPolicySet].sort());
      }),
      { numRuns: 100 },
    );
  });

  it("(k) CRLs and CA certificates of other PKITS cases, in any order, never unrevoke a revoked certificate", async () => {
    // Revoked cases (4.4.2: the sub-CA is revoked by GoodCACRL; 4.4.3: the EE is) plus
    // distractors: every certificate and CRL of cases whose CAs are other issuers (indirect
    // CRLs, cRLIssuers, separate CRL keys, delta CRLs). Whatever is added and in whatever
    // order, the issuer's own CRL still says "revoked" (RFC 5280 6.3.3 (b), (j)).
    const revoked = ["4.4.2", "4.4.3"].map((id) => pkits.cases.find((x) => x.id === id)!);
    const distractors = ["4.14.22", "4.14.24", "4.14.29", "4.14.30", "4.14.33", "4.4.19", "4.15.2"].map((id) => pkits.cases.find((x) => x.id === id)!);
    const shuffle = <T>(items: readonly T[], keys: readonly number[]): T[] =>
      items.map((x, i) => ({ x, k: keys[i % keys.length]! * 31 + i })).sort((a, b) => a.k - b.k).map((e) => e.x);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: revoked.length - 1 }),
        fc.subarray(distractors.map((_, i) => i), { minLength: 1 }),
        fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 12 }),
        async (ri, picks, keys) => {
          const c = revoked[ri]!;
          const extra = picks.map((i) => distractors[i]!);
          const intermediates = shuffle([...inters(c), ...extra.flatMap((d) => inters(d))], keys);
          const crls = shuffle([...c.bytes.crls, ...extra.flatMap((d) => d.bytes.crls)], [...keys].reverse());
          const r = await run(options(c, { intermediates: intermediates.map((d) => d.slice()), crls: crls.map((d) => d.slice()) }));
          expect(r.valid, `${c.id} + ${extra.map((d) => d.id).join(", ")}: revoked certificate accepted; statuses ${JSON.stringify(r.revocation)}`).toBe(false);
          expect(r.error!.code, r.error!.message).toBe("REVOKED");
        },
      ),
      {
        numRuns: 60,
        // 4.4.2 with 4.14.24's indirect CRL (indirectCRL CA1) ahead of GoodCACRL.
        examples: [[0, [1], [0]]],
      },
    );
  });

  it("every call stayed within the time bound", () => {
    const need = [...needed].map(([c, n]) => `${c.id} intermediates ${n.intermediates.map(Number).join("")} crls ${n.crls.map(Number).join("")}`);
    console.log(`property.test: ${timing.calls} verify calls, max ${timing.maxMs.toFixed(1)} ms, mean ${(timing.totalMs / Math.max(1, timing.calls)).toFixed(1)} ms; needed (1 = removing it invalidates the case): ${need.join("; ")}`);
    expect(timing.maxMs).toBeLessThan(CALL_BOUND_MS);
  });
});
