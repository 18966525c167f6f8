// The lazy CRL index (src/parsing/crl-entries.ts) against an independent full decode:
// pkijs's CertificateRevocationList (its own ASN.1 schemas; no code shared with the index).
// Every PKITS CRL, generated CRLs with entry extensions (reason codes, invalidity dates,
// certificateIssuer switches of indirect CRLs, negative serials), a large generated CRL,
// the deadline inside a long parse, and the byte-bounded cache.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { TestPki } from "../../testsuite/src/generate/pki.js";
import { largeCrl } from "../../testsuite/src/generate/large-crl.js";
import { crlCacheLimits, parseCrl, setCrlCacheLimits, type Crl } from "../../src/parsing/crl.js";
import { verify } from "../../src/index.js";

const PKITS_CRLS = join(import.meta.dirname, "..", "..", "testsuite", "vectors", "pkits", "crls");

/** One entry as the oracle reads it. */
interface OracleEntry {
  serial: string;
  revocationDate: number;
  reason?: number;
  invalidityDate?: number;
  /** The governing certificateIssuer (RFC 5280 5.3.3, carried forward): attribute values of each directoryName, or "crl-issuer". */
  issuer: string;
  unknownCritical: string[];
}

const KNOWN = new Set(["2.5.29.21", "2.5.29.24", "2.5.29.29"]);

function oracle(der: Uint8Array): { entries: OracleEntry[]; unknownCritical: Set<string> } {
  const crl = pkijs.CertificateRevocationList.fromBER(der);
  let issuer = "crl-issuer";
  const unknownCritical = new Set<string>();
  const entries = (crl.revokedCertificates ?? []).map((rc) => {
    const e: OracleEntry = {
      serial: BigInt.asIntN(4096, rc.userCertificate.toBigInt()).toString(16),
      revocationDate: rc.revocationDate.value.getTime(),
      issuer,
      unknownCritical: [],
    };
    for (const x of rc.crlEntryExtensions?.extensions ?? []) {
      const inner = asn1js.fromBER(x.extnValue.valueBlock.valueHexView).result;
      if (x.extnID === "2.5.29.21") e.reason = (inner as asn1js.Enumerated).valueBlock.valueDec;
      else if (x.extnID === "2.5.29.24") e.invalidityDate = (inner as asn1js.GeneralizedTime).toDate().getTime();
      else if (x.extnID === "2.5.29.29") {
        const names = new pkijs.GeneralNames({ schema: inner });
        issuer = names.names
          .map((n) => (n.type === 4 ? `dn:${(n.value as pkijs.RelativeDistinguishedNames).typesAndValues.map((a) => a.value.valueBlock.value).join(",")}` : `t${n.type}`))
          .join("|");
        e.issuer = issuer;
      } else if (x.critical && !KNOWN.has(x.extnID)) {
        e.unknownCritical.push(x.extnID);
        unknownCritical.add(x.extnID);
      }
    }
    return e;
  });
  return { entries, unknownCritical };
}

/** The index's answer in the oracle's shape. */
function fromIndex(crl: Crl, serial: string): OracleEntry[] {
  return crl.revoked.find(serial).map((e) => ({
    serial: e.serial,
    revocationDate: e.revocationDate.getTime(),
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    ...(e.invalidityDate ? { invalidityDate: e.invalidityDate.getTime() } : {}),
    issuer:
      e.certificateIssuer === "crl-issuer"
        ? "crl-issuer"
        : e.certificateIssuer.map((n) => (n.kind === "directoryName" ? `dn:${n.name.rdns.flatMap((r) => r.map((a) => a.text)).join(",")}` : `t?`)).join("|"),
    unknownCritical: [...e.unknownCriticalExtensions],
  }));
}

/** Every serial in the oracle is found with exactly the oracle's entries; serials next to them are not. */
function expectSameAnswers(crl: Crl, der: Uint8Array): number {
  const o = oracle(der);
  expect(crl.revoked.count).toBe(o.entries.length);
  expect(new Set(crl.revoked.unknownCriticalEntryExtensions)).toEqual(o.unknownCritical);
  const bySerial = new Map<string, OracleEntry[]>();
  for (const e of o.entries) bySerial.set(e.serial, [...(bySerial.get(e.serial) ?? []), e]);
  for (const [serial, want] of bySerial) expect(fromIndex(crl, serial)).toEqual(want);
  // Absent serials: neighbours of present ones.
  for (const serial of [...bySerial.keys()].slice(0, 50)) {
    const v = serial.startsWith("-") ? -BigInt(`0x${serial.slice(1)}`) : BigInt(`0x${serial}`);
    for (const n of [v + 1n, v - 1n, -v]) {
      const hex = n < 0n ? `-${(-n).toString(16)}` : n.toString(16);
      if (!bySerial.has(hex)) expect(crl.revoked.find(hex)).toEqual([]);
    }
  }
  return o.entries.length;
}

describe("lazy CRL index answers exactly as a full decode", () => {
  it("on every PKITS CRL", () => {
    const files = readdirSync(PKITS_CRLS).filter((f) => f.endsWith(".crl"));
    expect(files.length).toBe(173);
    let entries = 0;
    for (const f of files) {
      const der = new Uint8Array(readFileSync(join(PKITS_CRLS, f)));
      entries += expectSameAnswers(parseCrl(der, f), der);
    }
    expect(entries).toBeGreaterThan(0);
  });

  const p = new TestPki({ now: new Date("2025-01-01T00:00:00Z"), seed: "crl-index" });
  const root = p.root("CN=Index Root");

  it("on generated CRLs with reason codes, invalidity dates and indirect-CRL certificateIssuer switches", () => {
    const other = ["dn:CN=Other CA,O=Gen,C=US"];
    const third = ["dn:CN=Third CA,O=Gen,C=US"];
    const d = (s: string) => new Date(`${s}T00:00:00Z`);
    const crl = p.crl(root, {
      issuingDistributionPoint: { indirectCRL: true },
      revoked: [
        { cert: 1n, date: d("2024-11-01"), reason: "keyCompromise", invalidityDate: d("2024-10-01") },
        { cert: 2n, date: d("2024-11-02") },
        { cert: 3n, date: d("2024-11-03"), reason: "cACompromise", certificateIssuer: other },
        { cert: 4n, date: d("2024-11-04"), reason: "certificateHold" },
        // The same serial under two issuers: both entries are answers, in CRL order.
        { cert: 1n, date: d("2024-11-05"), reason: "superseded" },
        { cert: 0x80n, date: d("2024-11-06"), certificateIssuer: third, invalidityDate: new Date("2024-11-01T12:00:00Z") },
        { cert: -5n, date: d("2024-11-07"), reason: "removeFromCRL" },
        { cert: 0xffn, date: d("2024-11-08"), reason: "privilegeWithdrawn" },
        { cert: 2n ** 159n - 1n, date: d("2024-11-09"), certificateIssuer: ["dn:CN=Index Root"] },
        { cert: 6n, date: d("2024-11-10"), reason: "aACompromise" },
      ],
    });
    const m = parseCrl(crl.der, "indirect");
    expect(expectSameAnswers(m, crl.der)).toBe(10);
    // Spot checks that the oracle itself read what was written.
    expect(fromIndex(m, "1").map((e) => [e.reason, e.issuer])).toEqual([
      [1, "crl-issuer"],
      [4, "dn:US,Gen,Other CA"],
    ]);
    expect(fromIndex(m, "-5")[0]!.issuer).toBe("dn:US,Gen,Third CA");
  });

  it("on a generated CRL with an unrecognised critical entry extension", () => {
    const crl = p.crl(root, {
      revoked: [{ cert: 7n }, { cert: 8n, custom: [{ oid: "1.2.3.4.5", critical: true, valueDer: Uint8Array.of(5, 0) }] }],
    });
    const m = parseCrl(crl.der, "unknown-critical");
    expectSameAnswers(m, crl.der);
    expect(m.revoked.unknownCriticalEntryExtensions).toEqual(["1.2.3.4.5"]);
  });

  it("on a generated CRL of 800 entries (reason codes on every 8th; the oracle's asn1js refuses above about 2,500)", () => {
    const der = largeCrl({ issuer: root, count: 800, thisUpdate: new Date("2024-12-01Z"), nextUpdate: new Date("2025-02-01Z"), seed: "idx-800", include: [0x1234n, 0x7fn] });
    expect(expectSameAnswers(parseCrl(der, "800"), der)).toBe(800);
  });
});

describe("deadline and cache", () => {
  const p = new TestPki({ now: new Date("2025-01-01T00:00:00Z"), seed: "crl-deadline" });
  const root = p.root("CN=Deadline Root", { keyAlg: "p256" });

  it("checks the deadline inside a long CRL's entry list, and caches nothing it stopped", () => {
    const der = largeCrl({ issuer: root, count: 50_000, thisUpdate: new Date("2024-12-01Z"), nextUpdate: new Date("2025-02-01Z"), seed: "deadline-unit" });
    let calls = 0;
    const stop = new Error("deadline");
    expect(() =>
      parseCrl(der, "50k", {
        checkTime: () => {
          if (++calls === 3) throw stop;
        },
      }),
    ).toThrow(stop);
    expect(calls).toBe(3);
    // Parsed in full afterwards: the stopped parse left nothing behind. 50,000 entries: 12 checks in the walk, 12 in the index.
    let later = 0;
    expect(parseCrl(der, "50k", { checkTime: () => void later++ }).revoked.count).toBe(50_000);
    expect(later).toBe(24);
  });

  it("a call whose CRL parse outlives its timeout ends with BUDGET_EXCEEDED", async () => {
    const leaf = p.ee("CN=Deadline Leaf", root);
    const der = largeCrl({ issuer: root, count: 200_000, thisUpdate: new Date("2024-12-01Z"), nextUpdate: new Date("2025-02-01Z"), seed: "deadline-call" });
    const opts = { target: leaf.der, trustAnchors: [root.der], time: new Date("2025-01-01Z") };
    // Target and anchor parsed once before (the parse cache), so the call's time goes to the CRL.
    expect((await verify(opts)).valid).toBe(true);
    const r = await verify({ ...opts, revocation: { mode: "hard", crls: [der] }, limits: { timeoutMs: 50 } });
    expect(r.valid).toBe(false);
    expect(r.error?.code).toBe("BUDGET_EXCEEDED");
    expect(r.error?.message).toContain("revocation.crls[0] of 1");
  });

  it("bounds the CRL cache by bytes, and exposes the bound", () => {
    const before = crlCacheLimits();
    expect(before.maxBytes).toBe(256 * 1024 * 1024);
    try {
      setCrlCacheLimits({ maxBytes: 400_000 });
      for (let i = 0; i < 4; i++) parseCrl(largeCrl({ issuer: root, count: 5_000, thisUpdate: new Date("2024-12-01Z"), nextUpdate: new Date("2025-02-01Z"), seed: `cache-${i}` }), `c${i}`);
      const now = crlCacheLimits();
      expect(now.maxBytes).toBe(400_000);
      expect(now.bytes).toBeLessThanOrEqual(400_000);
      expect(now.bytes).toBeGreaterThan(0);
    } finally {
      setCrlCacheLimits({ maxBytes: before.maxBytes });
    }
  });
});
