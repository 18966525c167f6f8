// Deterministic hostile inputs through the public `verify`: oversized, non-DER, deeply
// nested, duplicated and decoy inputs, and the `limits` that bound one call. Each case
// asserts a clear error code, a message naming the offending input, no throw (only
// TypeError for options of the wrong type) and a bounded wall-clock time.
import { concat, tlv } from "../testsuite/src/generate/der.js";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, verify, type VerifyOptions, type VerifyResult } from "../src/index.js";
import { loadPkits, type PkitsCase } from "../testsuite/src/pkits.js";

const pkits = loadPkits();
const byId = (id: string): PkitsCase => {
  const c = pkits.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no PKITS case ${id}`);
  return c;
};

/** The PKITS case as `verify` options (hard-fail revocation with the case's CRLs). */
function caseOptions(c: PkitsCase, revocation = true): VerifyOptions {
  const ders = c.bytes.path;
  return {
    target: ders[ders.length - 1]!.slice(),
    intermediates: ders.slice(0, -1).map((d) => d.slice()),
    trustAnchors: [c.bytes.anchor.slice()],
    time: new Date(c.validationTime),
    policy: { ...c.settings },
    revocation: revocation ? { mode: "hard", crls: c.bytes.crls.map((d) => d.slice()) } : { mode: "none" },
  };
}

// 4.1.1: TrustAnchorRootCertificate -> GoodCACert -> ValidCertificatePathTest1EE.
const C411 = byId("4.1.1");
const GOOD_CA = C411.bytes.path[0]!;
const EE_411 = C411.bytes.path[1]!;
// 4.8.3/1: two CAs below the anchor (GoodCACert, PoliciesP2subCACert), all RSA.
const C483 = byId("4.8.3/1");

// ---------- a minimal DER toolkit (definite lengths only) ----------

interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  content: number;
  /** Offset one past the last content byte. */
  end: number;
}

function readTlv(b: Uint8Array, off: number): Tlv {
  const tag = b[off]!;
  let len = b[off + 1]!;
  let content = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[off + 2 + i]!;
    content += n;
  }
  return { tag, start: off, content, end: content + len };
}

function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let off = t.content; off < t.end; ) {
    const c = readTlv(b, off);
    out.push(c);
    off = c.end;
  }
  return out;
}

const slice = (b: Uint8Array, t: Tlv) => b.subarray(t.start, t.end);

/** Certificate / CRL layout: [tbs, signatureAlgorithm, signatureValue]. */
function signedParts(der: Uint8Array) {
  const outer = readTlv(der, 0);
  const [tbs, alg, sig] = children(der, outer);
  return { outer, tbs: tbs!, alg: alg!, sig: sig! };
}

function pem(der: Uint8Array, label = "CERTIFICATE"): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A SEQUENCE header claiming `total` bytes in all, followed by zeros. */
function bigSequence(total: number): Uint8Array {
  const b = new Uint8Array(total);
  const len = total - 6;
  b.set([0x30, 0x84, len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff]);
  return b;
}

/** GoodCACert with one byte of its signature changed: distinct DER, same name and key. */
function decoys(n: number, salt: number): Uint8Array[] {
  const sig = signedParts(GOOD_CA).sig;
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const d = GOOD_CA.slice();
    // Distinct positions per salt, so no decoy was parsed (and cached) by an earlier test.
    const at = sig.end - 1 - (i % 100) - 100 * salt;
    d[at] = d[at]! ^ (1 + Math.floor(i / 100));
    out.push(d);
  }
  expect(new Set(out.map((d) => Buffer.from(d).toString("hex"))).size).toBe(n);
  return out;
}

// ---------- checks shared by every case ----------

/**
 * A hang guard, not a speed requirement (speed is measured in bench/): a call still
 * running after this long is stuck. Generous, so a loaded 2-core machine never trips it.
 */
const CALL_BOUND_MS = 30_000;

/** Runs `verify`, asserting it resolves (never rejects) within the bound. */
async function run(o: VerifyOptions, boundMs = CALL_BOUND_MS): Promise<VerifyResult & { ms: number }> {
  const t0 = performance.now();
  let r: VerifyResult;
  try {
    r = await verify(o);
  } catch (e) {
    throw new Error(`verify threw for well-typed options (it must return MALFORMED_* instead): ${(e as Error)?.stack ?? e}`);
  }
  const ms = performance.now() - t0;
  expect(ms, `verify took ${ms.toFixed(0)} ms`).toBeLessThan(boundMs);
  wellFormed(r);
  return { ...r, ms };
}

function wellFormed(r: VerifyResult): void {
  expect(typeof r.valid).toBe("boolean");
  expect(Array.isArray(r.path)).toBe(true);
  expect(Array.isArray(r.policies)).toBe(true);
  if (r.valid) {
    expect(r.error).toBeUndefined();
  } else {
    expect(r.error).toBeDefined();
    expect(Object.keys(ERROR_CODES)).toContain(r.error!.code);
    expect(typeof r.error!.message).toBe("string");
    expect(r.error!.message.length).toBeGreaterThan(0);
    expect(r.policies).toEqual([]);
  }
}

/** An invalid result with `code` whose message names `input` (e.g. "intermediates[3]"). */
function expectError(r: VerifyResult, code: keyof typeof ERROR_CODES, input?: string): void {
  expect(r.valid, JSON.stringify(r.error)).toBe(false);
  expect(r.error?.code, r.error?.message).toBe(code);
  if (input !== undefined) expect(r.error!.message).toContain(input);
}

/** An unreadable untrusted entry, skipped with a warning naming it (issue 11 item 5), and the warning. */
function expectSkipped(r: VerifyResult, input: string, code?: keyof typeof ERROR_CODES): string {
  const w = (r.warnings ?? []).find((x) => x.startsWith("skipped an unreadable untrusted certificate: ") && x.includes(input));
  expect(w, JSON.stringify(r.warnings)).toBeDefined();
  if (code) expect(w).toContain(`(${code})`);
  return w!;
}

// ---------- the cases ----------

describe("hostile inputs: size and nesting", () => {
  it("baseline: PKITS 4.1.1 is valid (so every failure below comes from the mutation)", async () => {
    const r = await run(caseOptions(C411));
    expect(r.valid, JSON.stringify(r.error)).toBe(true);
  });

  it("a 20 MB DER buffer (over the DER size cap) as an intermediate, the target, an anchor and a CRL", async () => {
    const big = bigSequence(20 * 1024 * 1024);
    const zeros = new Uint8Array(20 * 1024 * 1024);

    // An untrusted entry is skipped with a warning naming it; the call goes on without it.
    let r = await run({ ...caseOptions(C411), intermediates: [GOOD_CA, GOOD_CA, GOOD_CA, big] });
    expect(r.valid, JSON.stringify(r.error)).toBe(true);
    expect(expectSkipped(r, "intermediates[3]", "MALFORMED_CERTIFICATE")).toMatch(/cap|too large|exceeds/i);

    r = await run({ ...caseOptions(C411), intermediates: [zeros] });
    expectError(r, "NO_PATH", "1 unreadable untrusted entry was skipped");
    expectSkipped(r, "intermediates[0]", "MALFORMED_CERTIFICATE");

    r = await run({ ...caseOptions(C411), target: big });
    expectError(r, "MALFORMED_CERTIFICATE", "target");
    expect(r.error!.certIndex).toBe(0);

    r = await run({ ...caseOptions(C411), trustAnchors: [big] });
    expectError(r, "MALFORMED_CERTIFICATE", "trustAnchors[0]");

    r = await run({ ...caseOptions(C411), revocation: { mode: "hard", crls: [big] } });
    expectError(r, "MALFORMED_CRL", "revocation.crls[0]");
  });

  it("a 20 MB DER object as PEM text", async () => {
    const text = pem(bigSequence(20 * 1024 * 1024));
    const r = await run({ ...caseOptions(C411), intermediates: [GOOD_CA, text] });
    expect(r.valid, JSON.stringify(r.error)).toBe(true);
    expectSkipped(r, "intermediates[1]", "MALFORMED_CERTIFICATE");
  });

  it("DER with an indefinite length (outer SEQUENCE 30 80 ... 00 00)", async () => {
    const tbsEtc = EE_411.subarray(signedParts(EE_411).outer.content);
    const indefinite = concat(new Uint8Array([0x30, 0x80]), tbsEtc, new Uint8Array([0, 0]));
    let r = await run({ ...caseOptions(C411), target: indefinite });
    expectError(r, "MALFORMED_CERTIFICATE", "target");
    expect(r.error!.certIndex).toBe(0);

    const crl = C411.bytes.crls[1]!;
    const crlIndef = concat(new Uint8Array([0x30, 0x80]), crl.subarray(signedParts(crl).outer.content), new Uint8Array([0, 0]));
    r = await run({ ...caseOptions(C411), revocation: { mode: "hard", crls: [C411.bytes.crls[0]!, crlIndef] } });
    expectError(r, "MALFORMED_CRL", "revocation.crls[1]");
  });

  it("DER with an indefinite length inside (tbsCertificate 30 80 ... 00 00 in a definite outer SEQUENCE)", async () => {
    const p = signedParts(EE_411);
    const innerIndef = concat(
      new Uint8Array([0x30, 0x80]),
      EE_411.subarray(p.tbs.content, p.tbs.end),
      new Uint8Array([0, 0]),
      slice(EE_411, p.alg),
      slice(EE_411, p.sig),
    );
    const cert = tlv(0x30, innerIndef);
    const r = await run({ ...caseOptions(C411), target: cert });
    // Not DER (RFC 5280 4.1: certificates are DER): malformed, not merely a bad signature.
    expectError(r, "MALFORMED_CERTIFICATE", "target");
    expect(r.error!.certIndex).toBe(0);
  });

  it("100k nested SEQUENCEs with indefinite lengths (30 80 30 80 ...)", async () => {
    const nested = new Uint8Array(200_000);
    for (let i = 0; i < nested.length; i += 2) nested.set([0x30, 0x80], i);
    let r = await run({ ...caseOptions(C411), target: nested });
    expectError(r, "MALFORMED_CERTIFICATE", "target");
    r = await run({ ...caseOptions(C411), intermediates: [GOOD_CA, nested] });
    expect(r.valid, JSON.stringify(r.error)).toBe(true);
    expectSkipped(r, "intermediates[1]", "MALFORMED_CERTIFICATE");
    r = await run({ ...caseOptions(C411), revocation: { mode: "hard", crls: [nested] } });
    expectError(r, "MALFORMED_CRL", "revocation.crls[0]");
  });

  it("100k nested SEQUENCEs with definite lengths (no stack overflow escapes)", async () => {
    const n = 100_000;
    const nested = new Uint8Array(6 * n);
    for (let i = 0; i < n; i++) {
      const len = 6 * (n - i - 1);
      nested.set([0x30, 0x84, len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff], 6 * i);
    }
    let r = await run({ ...caseOptions(C411), target: nested });
    expectError(r, "MALFORMED_CERTIFICATE", "target");
    r = await run({ ...caseOptions(C411), intermediates: [GOOD_CA, GOOD_CA, GOOD_CA, nested] });
    expect(r.valid, JSON.stringify(r.error)).toBe(true);
    expectSkipped(r, "intermediates[3]", "MALFORMED_CERTIFICATE");
    r = await run({ ...caseOptions(C411), trustAnchors: [nested] });
    expectError(r, "MALFORMED_CERTIFICATE", "trustAnchors[0]");
    r = await run({ ...caseOptions(C411), revocation: { mode: "hard", crls: [C411.bytes.crls[0]!, nested] } });
    expectError(r, "MALFORMED_CRL", "revocation.crls[1]");
  });
});

describe("hostile inputs: structure", () => {
  /** The certificate with its first extension repeated at the end of the extension list. */
  function duplicateFirstExtension(der: Uint8Array): Uint8Array {
    const p = signedParts(der);
    const tbsFields = children(der, p.tbs);
    const extsWrapper = tbsFields[tbsFields.length - 1]!;
    expect(extsWrapper.tag).toBe(0xa3);
    const extSeq = readTlv(der, extsWrapper.content);
    const exts = children(der, extSeq);
    const newExts = tlv(0xa3, tlv(0x30, ...exts.map((e) => slice(der, e)), slice(der, exts[0]!)));
    const newTbs = tlv(0x30, ...tbsFields.slice(0, -1).map((f) => slice(der, f)), newExts);
    return tlv(0x30, newTbs, slice(der, p.alg), slice(der, p.sig));
  }

  it("a certificate with a duplicated extension (RFC 5280 4.2), as the target and as an intermediate", async () => {
    let r = await run({ ...caseOptions(C411), target: duplicateFirstExtension(EE_411) });
    expectError(r, "MALFORMED_CERTIFICATE", "target");
    expect(r.error!.message).toMatch(/twice|duplicate/i);
    expect(r.error!.certIndex).toBe(0);

    r = await run({ ...caseOptions(C411), intermediates: [duplicateFirstExtension(GOOD_CA)] });
    expectError(r, "NO_PATH");
    expect(expectSkipped(r, "intermediates[0]", "MALFORMED_CERTIFICATE")).toMatch(/twice|duplicate/i);
  });

  it("a PEM file with 1000 CERTIFICATE blocks of garbage", async () => {
    let text = "";
    for (let i = 0; i < 1000; i++) text += pem(new TextEncoder().encode(`garbage block ${i} `.repeat(5)));
    let r = await run({ ...caseOptions(C411), intermediates: [GOOD_CA, GOOD_CA, GOOD_CA, text] });
    expect(r.valid, JSON.stringify(r.error)).toBe(true);
    // Each block is tried on its own: five named, then a count.
    expectSkipped(r, "intermediates[3]#0", "MALFORMED_CERTIFICATE");
    expect(r.warnings).toContain("skipped 995 more unreadable PEM blocks of intermediates[3] (1000 of 1000 in all)");
    r = await run({ ...caseOptions(C411), target: text });
    expect(r.valid).toBe(false);
    expect(r.error!.code, r.error!.message).toBe("MALFORMED_CERTIFICATE");
    expect(r.error!.message).toContain("target");
    // The same as CRL blocks.
    const crlText = text.replace(/CERTIFICATE/g, "X509 CRL");
    r = await run({ ...caseOptions(C411), revocation: { mode: "hard", crls: [crlText] } });
    expectError(r, "MALFORMED_CRL", "revocation.crls[0]");
  });

  it("an empty Uint8Array in each input position", async () => {
    const empty = new Uint8Array(0);
    let r = await run({ ...caseOptions(C411), target: empty });
    expectError(r, "MALFORMED_CERTIFICATE", "target");
    expect(r.error!.certIndex).toBe(0);
    r = await run({ ...caseOptions(C411), intermediates: [GOOD_CA, empty] });
    expect(r.valid, JSON.stringify(r.error)).toBe(true);
    expect(expectSkipped(r, "intermediates[1]", "MALFORMED_CERTIFICATE")).toContain("it holds an empty input");
    r = await run({ ...caseOptions(C411), trustAnchors: [empty] });
    expectError(r, "MALFORMED_CERTIFICATE", "trustAnchors[0]");
    r = await run({ ...caseOptions(C411), revocation: { mode: "hard", crls: [empty] } });
    expectError(r, "MALFORMED_CRL", "revocation.crls[0]");
  });

  it("a string that is not PEM in each input position", async () => {
    const text = "this is not a certificate\n";
    let r = await run({ ...caseOptions(C411), target: text });
    expect(r.valid).toBe(false);
    expect(r.error!.code, r.error!.message).toBe("MALFORMED_CERTIFICATE");
    expect(r.error!.message).toContain("target");
    r = await run({ ...caseOptions(C411), intermediates: [GOOD_CA, text] });
    expect(r.valid, JSON.stringify(r.error)).toBe(true);
    expectSkipped(r, "intermediates[1]", "MALFORMED_CERTIFICATE");
    r = await run({ ...caseOptions(C411), trustAnchors: [""] });
    expect(r.error!.code, r.error!.message).toBe("MALFORMED_CERTIFICATE");
    expect(r.error!.message).toContain("trustAnchors[0]");
    r = await run({ ...caseOptions(C411), revocation: { mode: "hard", crls: [text] } });
    expect(r.error!.code, r.error!.message).toBe("MALFORMED_CRL");
    expect(r.error!.message).toContain("revocation.crls[0]");
  });

  it("PEM with a non-CERTIFICATE label only (a private key block) is not a certificate", async () => {
    const r = await run({ ...caseOptions(C411), target: pem(EE_411, "PRIVATE KEY") });
    expect(r.valid).toBe(false);
    expect(r.error!.code, r.error!.message).toBe("MALFORMED_CERTIFICATE");
    expect(r.error!.message).toContain("target");
  });

  it("a target given as PEM holding two certificates is MALFORMED_INPUT", async () => {
    const r = await run({ ...caseOptions(C411), target: pem(EE_411) + pem(GOOD_CA) });
    expectError(r, "MALFORMED_INPUT", "target");
    // The same certificate as a single PEM block is fine.
    const ok = await run({ ...caseOptions(C411), target: pem(EE_411) });
    expect(ok.valid, JSON.stringify(ok.error)).toBe(true);
  });

  it("PEM bodies with broken base64 or a missing END line", async () => {
    const good = pem(EE_411);
    let r = await run({ ...caseOptions(C411), target: good.replace("\n", "\n*") });
    expectError(r, "MALFORMED_CERTIFICATE", "target");
    r = await run({ ...caseOptions(C411), target: good.replace(/-----END CERTIFICATE-----\n$/, "") });
    expect(r.valid).toBe(false);
    expect(r.error!.code, r.error!.message).toBe("MALFORMED_CERTIFICATE");
    expect(r.error!.message).toContain("target");
    r = await run({ ...caseOptions(C411), intermediates: [pem(GOOD_CA).replace(/-----END CERTIFICATE-----\n$/, "")] });
    expectError(r, "NO_PATH");
    expectSkipped(r, "intermediates[0]");
  });
});

describe("hostile inputs: malformed trust anchors (certificate or TrustAnchorInfo shaped)", () => {
  // trustAnchors[] also accepts RFC 5914 TrustAnchorInfo / TrustAnchorChoice DER; every
  // malformed form must come back as MALFORMED_* naming the anchor, never as a throw.
  const int0 = tlv(0x02, Uint8Array.of(0));
  function spkiOf(der: Uint8Array): Uint8Array {
    const fields = children(der, signedParts(der).tbs);
    return slice(der, fields[fields[0]!.tag === 0xa0 ? 6 : 5]!);
  }
  const spki = spkiOf(GOOD_CA);
  const keyId = tlv(0x04, Uint8Array.of(1, 2, 3));
  const tai = (...certPath: Uint8Array[]) => tlv(0x30, spki, keyId, tlv(0x30, ...certPath));
  const inputs: [string, Uint8Array][] = [
    ["SEQUENCE nest ending in an empty GeneralizedTime", Uint8Array.of(0x30, 8, 0x30, 6, 0x30, 4, 0x30, 2, 0x18, 0)],
    ["TrustAnchorChoice [2] around an empty GeneralizedTime", Uint8Array.of(0xa2, 10, 0x30, 8, 0x30, 6, 0x30, 4, 0x30, 2, 0x18, 0)],
    ["TrustAnchorInfo whose taName holds an INTEGER", tai(tlv(0x30, tlv(0x30, int0)))],
    ["TrustAnchorInfo whose taName RDN holds an INTEGER", tai(tlv(0x30, tlv(0x31, tlv(0x30, int0))))],
    ["TrustAnchorInfo with bad policySet [1]", tai(tlv(0x30), tlv(0xa1, int0))],
    ["TrustAnchorInfo with bad nameConstr [3]", tai(tlv(0x30), tlv(0xa3, int0))],
    ["TrustAnchorInfo with a certificate [0] that is not one", tai(tlv(0x30), tlv(0xa0, int0))],
  ];
  it.each(inputs)("%s", async (_name, anchor) => {
    const r = await run({ ...caseOptions(C411), trustAnchors: [GOOD_CA, anchor] });
    expect(r.valid).toBe(false);
    expect(["MALFORMED_CERTIFICATE", "MALFORMED_INPUT"], r.error!.message).toContain(r.error!.code);
    expect(r.error!.message).toContain("trustAnchors[1]");
  });
});

describe("hostile inputs: non-DER encodings of otherwise good certificates and CRLs", () => {
  // A single bit flip that leaves the signed bytes alone; each must still be refused,
  // since the mutated object is not the DER the issuer signed (RFC 5280 4.1, 5.1).

  it("signatureValue BIT STRING with a nonzero unused-bits count (certificate)", async () => {
    const p = signedParts(EE_411);
    const mutated = EE_411.slice();
    mutated[p.sig.content] = 0x01; // unused bits: 0 -> 1; the signature bytes are unchanged
    const r = await run({ ...caseOptions(C411), target: mutated });
    expect(r.valid, "a signature BIT STRING with 1 unused bit was accepted as the 2048-bit signature").toBe(false);
    expect(r.error!.code, r.error!.message).toBe("INVALID_SIGNATURE");
  });

  it("signatureAlgorithm with a context-specific tag instead of SEQUENCE (0x30 -> 0xB0)", async () => {
    const p = signedParts(EE_411);
    const mutated = EE_411.slice();
    mutated[p.alg.start] = 0xb0;
    const r = await run({ ...caseOptions(C411), target: mutated });
    expect(r.valid, "signatureAlgorithm tagged [16] constructed (0xB0) was accepted as a SEQUENCE").toBe(false);
    expect(r.error!.code, r.error!.message).toBe("MALFORMED_CERTIFICATE");
  });

  it("CRL signatureValue BIT STRING with a nonzero unused-bits count", async () => {
    const crl = C411.bytes.crls[1]!; // GoodCACRL, needed for the EE's status in hard mode
    const p = signedParts(crl);
    const mutated = crl.slice();
    mutated[p.sig.content] = 0x01;
    const r = await run({ ...caseOptions(C411), revocation: { mode: "hard", crls: [C411.bytes.crls[0]!, mutated] } });
    expect(r.valid, "a CRL whose signature BIT STRING has 1 unused bit was used").toBe(false);
  });

  it("CRL signatureAlgorithm that differs from tbsCertList.signature (NULL params 05 00 -> 04 00)", async () => {
    const crl = C411.bytes.crls[1]!;
    const p = signedParts(crl);
    const algBytes = slice(crl, p.alg);
    const nullAt = p.alg.start + algBytes.length - 2;
    expect([crl[nullAt], crl[nullAt + 1]]).toEqual([0x05, 0x00]);
    const mutated = crl.slice();
    mutated[nullAt] = 0x04; // AlgorithmIdentifier parameters: NULL -> empty OCTET STRING
    const r = await run({ ...caseOptions(C411), revocation: { mode: "hard", crls: [C411.bytes.crls[0]!, mutated] } });
    // RFC 5280 5.1.1.2: signatureAlgorithm MUST equal tbsCertList.signature.
    expect(r.valid, "a CRL whose outer signatureAlgorithm differs from tbsCertList.signature was used").toBe(false);
  });

  it("CRL signatureAlgorithm with a context-specific tag instead of SEQUENCE (0x30 -> 0xB0)", async () => {
    const crl = C411.bytes.crls[1]!;
    const p = signedParts(crl);
    const mutated = crl.slice();
    mutated[p.alg.start] = 0xb0;
    const r = await run({ ...caseOptions(C411), revocation: { mode: "hard", crls: [C411.bytes.crls[0]!, mutated] } });
    expect(r.valid, "a CRL with signatureAlgorithm tagged 0xB0 was used").toBe(false);
  });
});

describe("hostile inputs: CRL bags", () => {
  // An indirect CRL (RFC 5280 5.2.5 indirectCRL) only speaks for certificates whose
  // distribution point names its issuer as cRLIssuer, or for entries under a
  // certificateIssuer naming their issuer (RFC 5280 6.3.3 (b)(1), 5.3.3). It is no
  // answer for a certificate of another issuer with no such distribution point.
  const C442 = byId("4.4.2"); // GoodCA -> Revoked subCA (revoked by GoodCACRL) -> EE
  const C1424 = byId("4.14.24"); // indirectCRL CA1 and its indirect CRL
  const CA1 = C1424.bytes.path[1]!;
  const CA1_CRL = C1424.bytes.crls[1]!;

  it("an unrelated indirect CRL placed first does not hide the issuer's CRL that revokes a CA (4.4.2 + indirectCRL CA1)", async () => {
    const base = caseOptions(C442);
    for (const crls of [[CA1_CRL, ...C442.bytes.crls], [...C442.bytes.crls, CA1_CRL]]) {
      const r = await run({ ...base, intermediates: [...base.intermediates!, CA1], revocation: { mode: "hard", crls } });
      expect(r.valid, `revoked sub-CA accepted; statuses: ${JSON.stringify(r.revocation)}`).toBe(false);
      expectError(r, "REVOKED");
      expect(r.error!.certIndex).toBe(1);
    }
  });

  it("an indirect CRL of indirectCRL CA1 is no status for indirectCRL CA2's own certificate (4.14.24 without TrustAnchorRootCRL)", async () => {
    const r = await run({ ...caseOptions(C1424), revocation: { mode: "hard", crls: [CA1_CRL] } });
    // indirectCRL CA2's certificate (issued by the Trust Anchor, no cRLDistributionPoints)
    // needs a CRL from the Trust Anchor; none is given, so hard mode cannot pass it.
    expect(r.valid, `statuses: ${JSON.stringify(r.revocation)}`).toBe(false);
    expectError(r, "REVOCATION_UNKNOWN");
    expect(r.error!.certIndex).toBe(1);
  });
});

describe("hostile inputs: bags of issuers", () => {
  it("5000 copies of the same intermediate: deduplicated, valid and fast", async () => {
    const bag = Array.from({ length: 5000 }, () => GOOD_CA.slice());
    const r = await run({ ...caseOptions(C411), intermediates: bag });
    expect(r.valid, JSON.stringify(r.error)).toBe(true);
    expect(r.path.map((e) => e.subject).length).toBe(3);
    expect(r.spent!.signatureChecks).toBeLessThanOrEqual(4);
    expect(r.spent!.candidatePaths).toBe(1);
  });

  it("2000 distinct-looking decoys around the real intermediate: valid via the real one, bounded signature checks", async () => {
    const bag = decoys(2000, 0);
    // Real one first: the decoys are never needed.
    let r = await run({ ...caseOptions(C411), intermediates: [GOOD_CA, ...bag] });
    expect(r.valid, JSON.stringify(r.error)).toBe(true);
    expect(r.path[1]!.der).toEqual(GOOD_CA);
    expect(r.spent!.signatureChecks).toBeLessThanOrEqual(10);

    // Real one after 1500 decoys. Every decoy has the real one's name and key, so the
    // target's signature under that key needs checking once; each decoy then costs one
    // failed check of its own signature, and the default budget (2000) suffices.
    r = await run({ ...caseOptions(C411), intermediates: [...bag.slice(0, 1500), GOOD_CA, ...bag.slice(1500)] });
    expect(r.valid, JSON.stringify({ error: r.error, spent: r.spent })).toBe(true);
    expect(r.path[1]!.der).toEqual(GOOD_CA);
    expect(r.spent!.signatureChecks).toBeLessThanOrEqual(1500 + 10);
    expect(r.spent!.candidatePaths).toBe(1);
  });

  it("2000 decoys ahead of the real one: the work stays within the default signature budget", async () => {
    const r = await run({ ...caseOptions(C411, false), intermediates: [...decoys(2000, 0), GOOD_CA] });
    // Either the real one is reached, or the default budget (2000 signature checks) stops the call.
    if (!r.valid) expectError(r, "BUDGET_EXCEEDED");
    expect(r.spent!.signatureChecks).toBeLessThanOrEqual(2000 + 2);
  });

  it("limits.maxSignatureChecks on a decoy bag gives BUDGET_EXCEEDED after exactly that many checks", async () => {
    const r = await run({ ...caseOptions(C411, false), intermediates: [...decoys(300, 0), GOOD_CA], limits: { maxSignatureChecks: 50 } });
    expectError(r, "BUDGET_EXCEEDED");
    expect(r.error!.message).toMatch(/maxSignatureChecks/);
    expect(r.spent!.signatureChecks).toBeLessThanOrEqual(50);
  });
});

describe("limits", () => {
  it("baseline: PKITS 4.8.3/1 (two CAs) is valid with 3 signature checks", async () => {
    const r = await run(caseOptions(C483, false));
    expect(r.valid, JSON.stringify(r.error)).toBe(true);
    expect(r.path).toHaveLength(4);
  });

  it("maxSignatureChecks: 1 on a two-CA path gives BUDGET_EXCEEDED", async () => {
    const r = await run({ ...caseOptions(C483, false), limits: { maxSignatureChecks: 1 } });
    expectError(r, "BUDGET_EXCEEDED");
    expect(r.error!.message).toMatch(/maxSignatureChecks/);
    expect(r.spent!.signatureChecks).toBeLessThanOrEqual(1);
  });

  it("maxDepth: 2 on a path of three certificates gives BUDGET_EXCEEDED", async () => {
    const r = await run({ ...caseOptions(C483, false), limits: { maxDepth: 2 } });
    expectError(r, "BUDGET_EXCEEDED");
    expect(r.error!.message).toMatch(/maxDepth/);
  });

  it("timeoutMs: 1 on a big bag gives BUDGET_EXCEEDED quickly (the bound covers the whole call)", async () => {
    // Fresh decoys (never parsed before in this process): parsing them is part of the call.
    const bag = decoys(2000, 1);
    bag.push(GOOD_CA);
    const t0 = performance.now();
    const r = await verify({ ...caseOptions(C411, false), intermediates: bag, limits: { timeoutMs: 1 } });
    const ms = performance.now() - t0;
    wellFormed(r);
    expectError(r, "BUDGET_EXCEEDED");
    expect(r.error!.message).toMatch(/timeoutMs/);
    // It stopped on its own budget while reading, well before the end of the bag (speed
    // itself is measured in bench/; the wall bound here is only a hang guard).
    const at = /stopped at intermediates\[(\d+)\] of (\d+)/.exec(r.error!.message);
    expect(at, r.error!.message).not.toBeNull();
    expect(Number(at![1])).toBeLessThan(bag.length - 1);
    expect(ms, `timeoutMs: 1 returned after ${ms.toFixed(0)} ms`).toBeLessThan(CALL_BOUND_MS);
  });
});

describe("options of the wrong type throw TypeError", () => {
  const good = () => caseOptions(C411);
  const cases: [string, () => unknown][] = [
    ["options null", () => null],
    ["target a number", () => ({ ...good(), target: 42 })],
    ["target missing", () => ({ ...good(), target: undefined })],
    ["target an array", () => ({ ...good(), target: [EE_411] })],
    ["intermediates not an array", () => ({ ...good(), intermediates: GOOD_CA })],
    ["intermediates holding a number", () => ({ ...good(), intermediates: [GOOD_CA, 7] })],
    ["trustAnchors a string", () => ({ ...good(), trustAnchors: "anchor" })],
    ['revocation.mode "bogus"', () => ({ ...good(), revocation: { mode: "bogus" } })],
    ["revocation.crls not an array", () => ({ ...good(), revocation: { mode: "hard", crls: C411.bytes.crls[0] } })],
    ['time "not a date"', () => ({ ...good(), time: "not a date" })],
    ["time a number", () => ({ ...good(), time: 1_300_000_000_000 })],
    ["time an invalid Date", () => ({ ...good(), time: new Date(NaN) })],
    ["limits.maxSignatureChecks negative", () => ({ ...good(), limits: { maxSignatureChecks: -1 } })],
    ["limits.timeoutMs a string", () => ({ ...good(), limits: { timeoutMs: "5" } })],
    ["policy.initialPolicySet not OIDs", () => ({ ...good(), policy: { initialPolicySet: ["any"] } })],
    ["extendedKeyUsage a string", () => ({ ...good(), extendedKeyUsage: "1.3.6.1.5.5.7.3.1" })],
  ];
  it.each(cases)("%s", async (_name, make) => {
    await expect(verify(make() as VerifyOptions)).rejects.toThrow(TypeError);
  });
});
