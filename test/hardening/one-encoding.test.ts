// Issue 10 item 8: one encoding per certificate, CRL and OCSP response. The parts outside
// the signature (outer SEQUENCE, signatureAlgorithm, signature BIT STRING) can be
// re-encoded by anyone; each re-encoding below is valid BER of the same value, and each
// verified as VALID with its own SHA-256 before the DER reader checked X.690 10.
import { describe, expect, it } from "vitest";
import { verify } from "../../src/index.js";
import { parseCertificate } from "../../src/parsing/certificate.js";
import { at, case411, clone, encode, parse, prim, type Node } from "./der-tree.js";

const { anchor, ca, ee, crls, time } = case411();

async function verdict(target: Uint8Array, crlList: readonly Uint8Array[] = crls) {
  return verify({ target, intermediates: [ca], trustAnchors: [anchor], time, revocation: { mode: "hard", crls: [...crlList] } });
}

/** The six re-encodings of the end entity's unsigned outer parts. */
function reencodings(der: Uint8Array): [string, Uint8Array][] {
  const base = parse(der);
  const variant = (name: string, change: (n: Node) => void): [string, Uint8Array] => {
    const n = clone(base);
    change(n);
    return [name, encode(n)];
  };
  return [
    variant("signatureAlgorithm OID with a leading 0x80 octet in its last arc", (n) => {
      const oid = at(n, 1, 0);
      const c = oid.content!;
      oid.content = new Uint8Array([...c.subarray(0, c.length - 1), 0x80, c[c.length - 1]!]);
    }),
    variant("AlgorithmIdentifier with an extra element", (n) => at(n, 1).kids!.push(prim(0x05, []))),
    variant("NULL parameters encoded as 05 81 00", (n) => (at(n, 1, 1).lengthOctets = 1)),
    variant("signature BIT STRING length with a leading zero octet", (n) => (at(n, 2).lengthOctets = 3)),
    variant("outer SEQUENCE length with a leading zero octet", (n) => (n.lengthOctets = 3)),
    variant("signatureAlgorithm SEQUENCE length in the long form", (n) => (at(n, 1).lengthOctets = 1)),
  ];
}

describe("one encoding per signed object (issue 10 item 8, X.690 10)", () => {
  it("baseline: the PKITS 4.1.1 end entity is VALID as received", async () => {
    const r = await verdict(ee);
    expect(r.valid, r.error?.message).toBe(true);
  });

  for (const [name, der] of reencodings(ee)) {
    it(`a re-encoded end entity is MALFORMED_CERTIFICATE: ${name}`, async () => {
      expect(Buffer.compare(Buffer.from(der), Buffer.from(ee))).not.toBe(0);
      const r = await verdict(der);
      expect(r.valid).toBe(false);
      expect(r.error?.code, r.error?.message).toBe("MALFORMED_CERTIFICATE");
      expect(r.error?.message).toContain("target");
    });
  }

  it("a re-encoded intermediate is not used: skipped as unreadable (untrusted entries are read leniently), the warning names the DER rule", async () => {
    const [, bad] = reencodings(ca)[2]!;
    const r = await verify({ target: ee, intermediates: [bad], trustAnchors: [anchor], time });
    expect(r.error?.code).toBe("NO_PATH");
    expect(r.warnings).toEqual([expect.stringMatching(/^skipped an unreadable untrusted certificate: intermediates\[0\]: not valid DER \(length with a leading zero octet; X\.690 10\.1/)]);
  });

  it("a CRL whose signatureAlgorithm NULL is re-encoded as 05 81 00 is MALFORMED_CRL", async () => {
    const i = crls.length - 1;
    const n = parse(crls[i]!);
    at(n, 1, 1).lengthOctets = 1;
    const r = await verdict(ee, crls.map((c, k) => (k === i ? encode(n) : c)));
    expect(r.error?.code, r.error?.message).toBe("MALFORMED_CRL");
    expect(r.error?.message).toContain(`revocation.crls[${i}]`);
  });

  it("a BOOLEAN DEFAULT FALSE encoded as FALSE (cA in basicConstraints) is malformed: one BOOLEAN rule, X.690 11.5", () => {
    // basicConstraints SEQUENCE { BOOLEAN FALSE } inside the (unsigned-checked) parser path: the
    // signature would not survive the change, but the parser refuses the encoding first.
    const n = parse(ca);
    const exts = at(n, 0).kids!.find((k) => k.tag === 0xa3)!.kids![0]!;
    const bc = exts.kids!.find((e) => Buffer.from(e.kids![0]!.content!).toString("hex") === "551d13")!;
    const value = bc.kids![bc.kids!.length - 1]!;
    value.content = encode({ tag: 0x30, kids: [prim(0x01, [0x00])] });
    expect(() => parseCertificate(encode(n), "ca")).toThrow(/cA must be encoded only when TRUE/);
  });
});
