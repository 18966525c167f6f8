// The revoked list of a CRL is walked once (src/parsing/crl-entries.ts), not twice: the
// generic DER check (der.ts checkDer) skips it and the entry walk applies the same X.690
// rules as it indexes. Strictness kept: each re-encoding below of a PKITS CRL's revoked
// entries is valid BER of the same value and must still be MALFORMED_CRL. Work is counted
// (elements visited by checkDer), never timed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCrl } from "../../src/parsing/crl.js";
import { derStats } from "../../src/parsing/der.js";
import { TestPki } from "../../testsuite/src/generate/pki.js";
import { largeCrl } from "../../testsuite/src/generate/large-crl.js";
import { at, clone, encode, parse, prim, type Node } from "../hardening/der-tree.js";

// PKITS GoodCACRL: tbsCertList = { version, signature, issuer, thisUpdate, nextUpdate, revoked [5], crlExtensions };
// revoked entry 0 = { INTEGER 0x0e, UTCTime, { { OID reasonCode, OCTET STRING } } }.
const GOOD = new Uint8Array(readFileSync(join(import.meta.dirname, "..", "..", "testsuite", "vectors", "pkits", "crls", "GoodCACRL.crl")));

function malformedMessage(der: Uint8Array): string {
  try {
    parseCrl(der, "crl");
  } catch (e) {
    expect((e as { code?: string }).code).toBe("MALFORMED_CRL");
    return (e as Error).message;
  }
  return "parsed";
}

describe("a CRL's revoked list: one walk, the same DER rules", () => {
  it("baseline: GoodCACRL parses, its two entries found", () => {
    expect(parseCrl(GOOD, "good").revoked.find("e").map((e) => e.reason)).toEqual([1]);
  });

  const variants: [string, (n: Node) => void, RegExp][] = [
    ["an entry's SEQUENCE length in the long form", (n) => (at(n, 0, 5, 0).lengthOctets = 1), /^crl: not valid DER \(length \d+ in the long form; X\.690 10\.1/],
    ["a serial number with a redundant leading 0x00", (n) => (at(n, 0, 5, 0, 0).content = Uint8Array.of(0x00, 0x0e)), /^crl: not valid DER \(INTEGER with a redundant leading octet; X\.690 8\.3\.2\)$/],
    ["a revocationDate length with a leading zero octet", (n) => (at(n, 0, 5, 0, 1).lengthOctets = 2), /^crl: not valid DER \(length with a leading zero octet; X\.690 10\.1/],
    ["an entry extension's critical BOOLEAN encoded as 0x01", (n) => at(n, 0, 5, 1, 2, 0).kids!.splice(1, 0, prim(0x01, [0x01])), /^crl: not valid DER \(BOOLEAN not encoded as one octet 0x00 or 0xFF; X\.690 11\.1\)$/],
    ["an entry extension OID with a leading 0x80 in an arc", (n) => (at(n, 0, 5, 1, 2, 0, 0).content = Uint8Array.of(0x2a, 0x80, 0x03)), /^crl: not valid DER \(OBJECT IDENTIFIER arc with a leading 0x80 \(X\.690 8\.19\.2\)\)$/],
    ["the revoked list's own length with a leading zero octet", (n) => (at(n, 0, 5).lengthOctets = 3), /^crl: not valid DER \(length with a leading zero octet; X\.690 10\.1/],
  ];
  for (const [name, change, message] of variants)
    it(`MALFORMED_CRL: ${name}`, () => {
      const n = clone(parse(GOOD));
      change(n);
      const der = encode(n);
      expect(Buffer.compare(Buffer.from(der), Buffer.from(GOOD))).not.toBe(0);
      expect(malformedMessage(der)).toMatch(message);
    });

  it("checkDer visits the CRL's other elements only: the same count for 100 and 3,000 entries", () => {
    const p = new TestPki({ now: new Date("2025-01-01T00:00:00Z"), seed: "crl-strict" });
    const root = p.root("CN=Strict CRL Root");
    const counted = (count: number) => {
      const der = largeCrl({ issuer: root, count, thisUpdate: new Date("2024-12-01Z"), nextUpdate: new Date("2025-02-01Z"), seed: `strict-${count}` });
      const before = derStats.elementsChecked;
      expect(parseCrl(der, `crl-${count}`).revoked.count).toBe(count);
      return derStats.elementsChecked - before;
    };
    const small = counted(100);
    const large = counted(3000);
    // Before: checkDer walked every entry too (at least 3 elements each: 9,000 more for the large one).
    expect(large).toBe(small);
    expect(small).toBeLessThan(60);
  });
});
