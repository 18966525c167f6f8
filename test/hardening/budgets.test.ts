// Issue 10 items 3 and 5: one deadline and one budget per call, consulted inside parsing,
// name-constraint checks and between sibling candidate issuers; RSA public exponents
// capped; COSE signature and bag-entry caps; caches bounded in bytes. Time limits here
// are hang guards; the figures are in bench/HOSTILE.md.
import { describe, expect, it } from "vitest";
import { coseSign, coseSign1, COSE_ALG, COSE_HEADER, verify, verifyCose, configureCaches, cacheUsage } from "../../src/index.js";
import { TestPki, publicKeyFromSpki } from "../../testsuite/src/generate/pki.js";
import { MAX_COSE_SIGNATURES } from "../../src/cose/sign1.js";
import { MAX_COSE_X509_CERTS } from "../../src/cose/headers.js";
import { at, case411, encode, parse, prim, type Node } from "./der-tree.js";
import { parseCertificate } from "../../src/parsing/certificate.js";
import { applyNameConstraints, checkNameConstraints, initialNameConstraintState } from "../../src/validate/name-constraints.js";
import { WorkLimitError, withWorkLimit } from "../../src/parsing/deadline.js";
import { pemBlocks } from "../../src/parsing/der.js";
import { pemDecode } from "../../src/parsing/pem.js";
import { parseCrl } from "../../src/parsing/crl.js";
import { NodeSignatureVerifier } from "../../src/crypto/verifier.js";
import { largeCrl } from "../../testsuite/src/generate/large-crl.js";
import { permittedFlood } from "../../testsuite/src/generate/hostile.js";
import { PathBuilder } from "../../src/pathbuilder/path-builder.js";
import { Budget } from "../../src/pathbuilder/budget.js";
import { MemoryIssuerSource } from "../../src/stores/issuer-source.js";
import { TrustAnchorStore } from "../../src/stores/trust-anchors.js";

const NOW = new Date("2025-01-01T00:00:00Z");
const p = new TestPki({ now: NOW, seed: "hardening-budgets" });
const HANG_GUARD_MS = 30_000;

/** An RSA SubjectPublicKeyInfo with a 2048-bit modulus and an exponent of `expBits` bits (nothing can sign for it). */
function rsaSpki(expBits: number, salt: number): Uint8Array {
  const mod = new Uint8Array(257).fill(0xc3);
  mod[0] = 0;
  mod[256] = salt & 0xff;
  mod[255] = (salt >> 8) & 0xff;
  const magnitude = new Uint8Array(Math.ceil(expBits / 8)).fill(0xff);
  magnitude[0] = 0xff >> (8 - (expBits % 8 || 8));
  // Minimal two's complement: a leading zero octet only when the top bit is set.
  const exp = magnitude[0]! & 0x80 ? new Uint8Array([0, ...magnitude]) : magnitude;
  const rsaKey = encode({ tag: 0x30, kids: [prim(0x02, mod), prim(0x02, exp)] });
  const alg: Node = { tag: 0x30, kids: [prim(0x06, [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]), prim(0x05, [])] };
  return encode({ tag: 0x30, kids: [alg, prim(0x03, [0, ...rsaKey])] });
}

describe("call budgets (issue 10 item 3)", () => {
  it("RSA public exponents over 33 bits are refused before any arithmetic: 100 same-named decoys with 3064-bit exponents cost no signature computation", { timeout: HANG_GUARD_MS }, async () => {
    const root = p.root("CN=Exp Root,O=Hardening,C=US");
    const ica = p.ca("CN=Exp CA,O=Hardening,C=US", root, { keyAlg: "rsa2048" });
    const ee = p.ee("CN=Exp EE,O=Hardening,C=US", ica);
    // Same name as the issuing CA (which is not given), issued by the root, each with a huge-exponent key.
    const decoys = Array.from({ length: 100 }, (_, i) => p.ca("CN=Exp CA,O=Hardening,C=US", root, { key: publicKeyFromSpki(rsaSpki(3064, i + 1)) }).der);
    const r = await verify({ target: ee.der, intermediates: decoys, trustAnchors: [root.der], time: NOW, limits: { timeoutMs: 1000 } });
    expect(r.valid).toBe(false);
    expect(r.error?.code, r.error?.message).toBe("WEAK_KEY");
    expect(r.error?.message).toMatch(/RSA public exponent of 3064 bits is over the 33-bit cap/);
    expect(r.spent!.signatureChecks).toBe(0);
  });

  it("a 33-bit exponent is still accepted as a key (the cap is not below what is in use)", async () => {
    const root = p.root("CN=Exp33 Root,O=Hardening,C=US");
    const ica = p.ca("CN=Exp33 CA,O=Hardening,C=US", root, { key: publicKeyFromSpki(rsaSpki(33, 7)) });
    // Nothing can sign for the fabricated key: the check is computed and fails as a signature, not as a key.
    const ee = p.ee("CN=Exp33 EE,O=Hardening,C=US", ica, { signatureValue: new Uint8Array(256).fill(1), signature: { hash: "sha256" } as never });
    const r = await verify({ target: ee.der, intermediates: [ica.der], trustAnchors: [root.der], time: NOW });
    expect(r.error?.code, r.error?.message).toBe("INVALID_SIGNATURE");
    expect(r.spent!.signatureChecks).toBeGreaterThan(0);
  });

  // 4990 permitted dNSName subtrees against 4000 SANs that all lie in the last one.
  function bigNameConstraintCase() {
    const { root, ca, leaf: ee } = permittedFlood(p, 4990, 4000, ",O=Hardening,C=US");
    return { root, ca, ee };
  }

  it("name constraints: 4990 permitted dNSName subtrees against 4000 SANs, comparison counter lifted: VALID within the hang guard", { timeout: HANG_GUARD_MS }, async () => {
    const { root, ca, ee } = bigNameConstraintCase();
    const r = await verify({ target: ee.der, intermediates: [ca.der], trustAnchors: [root.der], time: NOW, limits: { timeoutMs: 20_000, maxNameConstraintChecks: 1e12 } as never });
    expect(r.error, r.error?.message).toBeUndefined();
    expect(r.valid).toBe(true);
  });

  it("name constraints consult the call's deadline inside the comparisons: a spent deadline stops checkNameConstraints with WorkLimitError", () => {
    const { ca } = bigNameConstraintCase();
    // A wildcard dNSName is compared subtree by subtree (the suffix index answers plain names
    // without comparisons): the loop whose length the CA decides, where the deadline must count.
    const ee = p.ee("CN=NC Wildcard EE,O=Hardening,C=US", ca, { extensions: { keyUsage: ["digitalSignature"], subjectAltName: ["dns:*.host4989.permitted.example"] } });
    const caCert = parseCertificate(ca.der);
    const eeCert = parseCertificate(ee.der);
    const state = applyNameConstraints(initialNameConstraintState(), caCert.nameConstraints!);
    // Without a limit the same check completes and accepts every name.
    expect(checkNameConstraints(state, eeCert)).toEqual({ ok: true });
    let reads = 0;
    const spent = { checkTime() { reads++; throw new WorkLimitError("timeoutMs of 0 ms spent"); } };
    expect(() => withWorkLimit(spent, () => checkNameConstraints(state, eeCert))).toThrow(WorkLimitError);
    expect(reads).toBe(1);
  });

  it("name constraints consult the deadline on the indexed path too: 4000 plain SANs against 4990 subtrees stop at a spent deadline", () => {
    // Plain names are answered by the suffix index without subtree comparisons; the
    // deadline must still be read per name checked and per subtree indexed.
    const { ca, ee } = bigNameConstraintCase();
    const caCert = parseCertificate(ca.der);
    const eeCert = parseCertificate(ee.der);
    const state = applyNameConstraints(initialNameConstraintState(), caCert.nameConstraints!);
    let reads = 0;
    const spent = { checkTime() { reads++; throw new WorkLimitError("timeoutMs of 0 ms spent"); } };
    expect(() => withWorkLimit(spent, () => checkNameConstraints(state, eeCert))).toThrow(WorkLimitError);
    expect(reads).toBe(1);
    // Without a limit the same check completes and accepts every name.
    expect(checkNameConstraints(state, eeCert)).toEqual({ ok: true });
  });

  it("a 200,000-entry CRL stops at limits.timeoutMs inside its parse, naming the input", { timeout: HANG_GUARD_MS }, async () => {
    const { anchor, ca, ee, crls, time } = case411();
    const n = parse(crls[crls.length - 1]!);
    const tbs = at(n, 0);
    const date = prim(0x17, Buffer.from("100101083000Z"));
    const entries = Array.from({ length: 200_000 }, (_, i) => ({ tag: 0x30, kids: [prim(0x02, [0x01, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff]), date] }));
    const listAt = tbs.kids!.findIndex((k, i) => k.tag === 0x30 && i > 2);
    if (listAt >= 0) tbs.kids![listAt] = { tag: 0x30, kids: entries };
    else tbs.kids!.splice(5, 0, { tag: 0x30, kids: entries });
    const big = encode(n);
    // The certificates are parsed (and cached) first, so the CRL's parse is the call's only long work.
    for (const d of [ee, ca, anchor]) parseCertificate(d);
    const r = await verify({ target: ee, intermediates: [ca], trustAnchors: [anchor], time, revocation: { mode: "hard", crls: [big] }, limits: { timeoutMs: 50 } });
    expect(r.error?.code, r.error?.message).toBe("BUDGET_EXCEEDED");
    expect(r.error?.message).toContain("stopped at revocation.crls[0] of 1");
  });
});

// Loops between the deadline's checkpoints that bench/deadlines.mjs found running long
// (bench/HOSTILE.md "Deadlines"): each is shown to consult the active limit (a counting or
// a spent limit, no clock involved).
describe("the deadline inside long synchronous steps (issue 10 item 3, bench/deadlines.mjs)", () => {
  /** `n` distinct certificates named `subject` (one template, serials patched), parsed. */
  function sameNamed(subject: string, n: number) {
    const template = Buffer.from(p.ca(subject, p.root("CN=Step Root,O=Hardening,C=US"), { serial: 0xabcdefn }).der);
    const at = template.indexOf(Buffer.from([0xab, 0xcd, 0xef]));
    return Array.from({ length: n }, (_, i) => {
      const d = Buffer.from(template);
      d[at + 1] = (i >> 8) & 0xff;
      d[at + 2] = i & 0xff;
      return new Uint8Array(d);
    });
  }
  const counting = () => ({ reads: 0, checkTime() { this.reads++; } });
  const spent = () => ({ reads: 0, checkTime() { this.reads++; throw new WorkLimitError("timeoutMs spent"); } });

  it("PEM: the scan and the base64 decoding consult the limit once per block (30,000 blocks held it for ~280 ms with no check)", () => {
    const one = Buffer.from(sameNamed("CN=Pem Filler,O=Hardening,C=US", 1)[0]!).toString("base64");
    const text = `-----BEGIN CERTIFICATE-----\n${one}\n-----END CERTIFICATE-----\n`.repeat(2000);
    // Without a limit, all 2000 blocks are decoded.
    expect(pemBlocks(text, ["CERTIFICATE"], "MALFORMED_CERTIFICATE", "bag")).toHaveLength(2000);
    const c = counting();
    withWorkLimit(c, () => pemBlocks(text, ["CERTIFICATE"], "MALFORMED_CERTIFICATE", "bag"));
    // 2001 scan steps and 2000 decoding steps, the clock read at the first and every 64th.
    expect(c.reads).toBe(Math.ceil(4001 / 64));
    const s = spent();
    expect(() => withWorkLimit(s, () => pemBlocks(text, ["CERTIFICATE"], "MALFORMED_CERTIFICATE", "bag"))).toThrow(WorkLimitError);
    expect(s.reads).toBe(1);
  });

  it("PEM: one block of 4 Mi base64 characters is cleaned, checked and decoded a slice (256 Ki characters) at a time, the clock read between slices (a 22 M-character block took ~300-400 ms as one step)", () => {
    const text = `-----BEGIN CERTIFICATE-----\n${"QUFB".repeat(1 << 20)}\n-----END CERTIFICATE-----\n`;
    const c = counting();
    const [der] = withWorkLimit(c, () => pemBlocks(text, ["CERTIFICATE"], "MALFORMED_CERTIFICATE", "target"));
    expect(der!.length).toBe(3 << 20);
    expect(der!.every((x) => x === 0x41)).toBe(true);
    // 1 read by the scan, 16 between the 17 slices of the body (4 Mi characters and two line breaks).
    expect(c.reads).toBe(17);
    let reads = 0;
    const spentAfterScan = { checkTime() { if (++reads > 1) throw new WorkLimitError("timeoutMs spent"); } };
    expect(() => withWorkLimit(spentAfterScan, () => pemBlocks(text, ["CERTIFICATE"], "MALFORMED_CERTIFICATE", "target"))).toThrow(WorkLimitError);
    expect(reads).toBe(2);
  });

  it("PEM: slice-wise decoding gives what one Buffer.from gives, across slice boundaries and padding split by them", () => {
    // Oracle: strip whitespace, one regular expression, one Buffer.from (no shared code).
    const oracle = (body: string) => {
      const b = body.replace(/[\r\n\t ]/g, "");
      return /^[A-Za-z0-9+/]*={0,2}$/.test(b) ? new Uint8Array(Buffer.from(b, "base64")) : undefined;
    };
    const bytes = new Uint8Array(400_003).map((_, i) => (i * 131 + (i >> 7)) & 0xff);
    const b64 = Buffer.from(bytes).toString("base64"); // ends in "="
    const SLICE = 1 << 18;
    const bodies = [
      b64.replace(/.{64}/g, "$&\r\n"),
      b64,
      // The "=" padding alone in the next slice, and split over two slices.
      b64.slice(0, -1).padEnd(SLICE, " ") + "=",
      b64.slice(0, -1) + " ".repeat(SLICE - ((b64.length - 1) % SLICE)) + "=",
      "QUJD".repeat(SLICE / 4 - 1) + "QQ=" + " ".repeat(4) + "=",
      // Invalid: "=" before the end, a third "=", a character outside the alphabet in a later slice.
      "QQ==" + "QUJD".repeat(SLICE / 4),
      "QUJD".repeat(SLICE / 4) + "Q===",
      "QUJD".repeat(SLICE / 4) + "QU*D",
    ];
    for (const [i, body] of bodies.entries()) expect(pemDecode(body), `body ${i}`).toEqual(oracle(body));
    expect(pemDecode(bodies[0]!)).toEqual(bytes);
    expect(bodies.slice(5).map(pemDecode)).toEqual([undefined, undefined, undefined]);
  });

  it("PEM: a block whose base64 would decode past the 16 MiB DER cap is refused before it is cleaned or decoded", () => {
    const text = `-----BEGIN CERTIFICATE-----\n${"QUFB".repeat(6 << 20)}\n-----END CERTIFICATE-----\n`;
    const c = counting();
    expect(() => withWorkLimit(c, () => pemBlocks(text, ["CERTIFICATE"], "MALFORMED_CERTIFICATE", "target"))).toThrow(`target: PEM block CERTIFICATE of ${(24 << 20) + 2} characters exceeds the 16777216-byte cap once decoded`);
    expect(c.reads).toBe(1);
  });

  // ECDSA stands for the hash-then-verify schemes (RSA PKCS #1 v1.5, PSS, DSA take the same sliced path; an RSA key costs a second to make).
  it("signatures over large objects: ECDSA hashes a 1 MiB slice at a time with the clock read between slices, and still verifies; EdDSA (one call) first asks for the time it needs", () => {
    const crlOf = (keyAlg: "p256" | "ed25519") => {
      const issuer = p.root(`CN=Big Signed ${keyAlg},O=Hardening,C=US`, { keyAlg });
      const der = largeCrl({ issuer, count: 80_000, thisUpdate: NOW, nextUpdate: new Date(NOW.getTime() + 86_400_000), seed: `slices-${keyAlg}`, reasonEvery: 0 });
      return { crl: parseCrl(der, keyAlg), key: parseCertificate(issuer.der).publicKey };
    };
    for (const alg of ["p256"] as const) {
      const { crl, key } = crlOf(alg);
      expect(crl.tbs.length, alg).toBeGreaterThan(2 << 20);
      const c = counting();
      expect(withWorkLimit(c, () => new NodeSignatureVerifier(10).verify(crl, key)), alg).toEqual({ ok: true });
      expect(c.reads, alg).toBe(Math.ceil(crl.tbs.length / (1 << 20)) - 1);
      const s = spent();
      expect(() => withWorkLimit(s, () => new NodeSignatureVerifier(10).verify(crl, key)), alg).toThrow(WorkLimitError);
    }
    const { crl, key } = crlOf("ed25519");
    const asked: (number | undefined)[] = [];
    const limit = { checkTime(aheadMs?: number) { asked.push(aheadMs); } };
    expect(withWorkLimit(limit, () => new NodeSignatureVerifier(10).verify(crl, key))).toEqual({ ok: true });
    expect(asked).toEqual([crl.tbs.length / 300_000]);
  });

  it("the parse caches hash a large input 1 MiB at a time, the clock read between slices (before any parsing)", () => {
    const junk = new Uint8Array(3 << 20).fill(0x30); // not DER: the parse would fail at once
    expect(() => parseCertificate(junk)).toThrow("certificate: DER length says 50 bytes but 3145728 were given (truncated or trailing data)");
    const c = counting();
    expect(() => withWorkLimit(c, () => parseCertificate(junk))).toThrow("certificate: DER length says 50 bytes but 3145728 were given (truncated or trailing data)");
    expect(c.reads).toBe(2);
    expect(() => withWorkLimit(spent(), () => parseCertificate(junk))).toThrow(WorkLimitError);
  });

  it("path building: ranking 640 same-named candidate issuers consults the limit per candidate, before any signature check", () => {
    const decoys = sameNamed("CN=Step CA,O=Hardening,C=US", 640).map((d) => parseCertificate(d));
    const target = parseCertificate(p.ee("CN=Step EE,O=Hardening,C=US", p.ca("CN=Step CA,O=Hardening,C=US", p.root("CN=Step Root,O=Hardening,C=US"))).der);
    const builder = (budget: Budget) => new PathBuilder({ target, sources: [new MemoryIssuerSource(decoys)], anchors: new TrustAnchorStore([]), time: NOW, budget, reachable: null });
    const c = counting();
    const free = new Budget({ timeoutMs: 600_000, maxDepth: 1 });
    withWorkLimit(c, () => [...builder(free).paths()]);
    // Each deepening pass ranks the 640 candidates (a loop step and the sort's comparisons each count).
    expect(c.reads).toBeGreaterThanOrEqual(640 / 64);
    const s = spent();
    const budget = new Budget({ timeoutMs: 600_000 });
    expect(() => withWorkLimit(s, () => [...builder(budget).paths()])).toThrow(WorkLimitError);
    expect(s.reads).toBe(1);
    expect(budget.verifier.checks).toBe(0);
  });

  it("path building: the name-reachability pass over a 640-certificate bag consults the limit", () => {
    const decoys = sameNamed("CN=Reach CA,O=Hardening,C=US", 640).map((d) => parseCertificate(d));
    const target = parseCertificate(p.ee("CN=Reach EE,O=Hardening,C=US", p.ca("CN=Reach CA,O=Hardening,C=US", p.root("CN=Step Root,O=Hardening,C=US"))).der);
    const s = spent();
    // `reachable` absent: the builder computes it from the bag in its constructor.
    expect(() => withWorkLimit(s, () => new PathBuilder({ target, sources: [new MemoryIssuerSource(decoys)], anchors: new TrustAnchorStore([]), time: NOW, budget: new Budget() }))).toThrow(WorkLimitError);
    expect(s.reads).toBe(1);
  });
});

describe("COSE caps (issue 10 item 3)", () => {
  const root = p.root("CN=COSE Root,O=Hardening,C=US");
  const signer = p.ee("CN=COSE Signer,O=Hardening,C=US", root, { keyAlg: "ed25519" });
  const payload = new Uint8Array([1, 2, 3]);
  const anchors = [root.der];

  it(`a COSE_Sign with ${MAX_COSE_SIGNATURES + 1} signatures is BUDGET_EXCEEDED without checking any`, async () => {
    const signers = Array.from({ length: MAX_COSE_SIGNATURES + 1 }, () => ({ key: signer.key, alg: COSE_ALG.Ed25519, protected: [[COSE_HEADER.x5chain, signer.der]] as never }));
    const r = await verifyCose(coseSign(payload, signers), { anchors: anchors as never, time: NOW } as never);
    expect(r.valid).toBe(false);
    expect(r.error?.code).toBe("BUDGET_EXCEEDED");
    expect(r.error?.message).toContain(`more than the cap of ${MAX_COSE_SIGNATURES}`);
  });

  it(`an x5bag of ${MAX_COSE_X509_CERTS + 1} certificates is BUDGET_EXCEEDED before any is parsed`, async () => {
    const bag = Array.from({ length: MAX_COSE_X509_CERTS + 1 }, () => new Uint8Array([0x30, 0x00]));
    const msg = coseSign1(payload, signer.key, COSE_ALG.Ed25519, { protected: [[COSE_HEADER.x5chain, signer.der]] as never, unprotected: [[COSE_HEADER.x5bag, bag]] as never });
    const r = await verifyCose(msg, { anchors: anchors as never, time: NOW } as never);
    expect(r.error?.code).toBe("BUDGET_EXCEEDED");
    expect(r.error?.message).toMatch(/x5bag holds 33 certificates/);
  });

  it('require "any" stops at the first valid signature', async () => {
    const one = { key: signer.key, alg: COSE_ALG.Ed25519, protected: [[COSE_HEADER.x5chain, signer.der]] as never };
    const r = await verifyCose(coseSign(payload, [one, one, one]), { anchors: anchors as never, time: NOW } as never);
    expect(r.valid, r.error?.message).toBe(true);
    expect(r.signatures).toHaveLength(1);
  });
});

describe("caches bounded in bytes (issue 10 item 5)", () => {
  it("the certificate cache evicts down to its byte bound; inputs over the DER cap are never hashed or kept", async () => {
    const before = cacheUsage();
    try {
      configureCaches({ certificateBytes: 200_000 });
      const root = p.root("CN=Cache Root,O=Hardening,C=US");
      const many = Array.from({ length: 60 }, (_, i) => p.ee(`CN=Cache EE ${i},O=Hardening,C=US`, root).der);
      await verify({ target: many[0]!, intermediates: many.slice(1), trustAnchors: [root.der], time: NOW });
      const u = cacheUsage().certificates;
      expect(u.bytes).toBeLessThanOrEqual(200_000);
      expect(u.entries).toBeLessThan(61);
      expect(u.entries).toBeGreaterThan(0);
    } finally {
      configureCaches({ certificateBytes: before.certificates.maxBytes });
    }
  });
});
