// Issue 10 items 1 and 2: quadratic INTEGER decoding and quadratic PEM splitting. Each
// input below took from 37 s to minutes of CPU before the fix (figures in bench/HOSTILE.md);
// the timeouts here are hang guards, not speed requirements.
import { describe, expect, it } from "vitest";
import { verify } from "../../src/index.js";
import { parseCertificate } from "../../src/parsing/certificate.js";
import { parseCrl } from "../../src/parsing/crl.js";
import { scanPem } from "../../src/parsing/pem.js";
import { at, case411, encode, parse, prim } from "./der-tree.js";

const { anchor, ca, ee, crls, time } = case411();
const HANG_GUARD_MS = 20_000;

/** `der` with the tbsCertificate's serialNumber replaced by a positive INTEGER of `octets` octets. */
function withSerial(der: Uint8Array, octets: number): Uint8Array {
  const n = parse(der);
  const content = new Uint8Array(octets).fill(0xab);
  content[0] = 0x01;
  at(n, 0, 1).content = content;
  return encode(n);
}

/** The basicConstraints extension value of `der` replaced by `value`. */
function withBasicConstraints(der: Uint8Array, value: Uint8Array): Uint8Array {
  const n = parse(der);
  const exts = at(n, 0).kids!.find((k) => k.tag === 0xa3)!.kids![0]!;
  const bc = exts.kids!.find((e) => Buffer.from(e.kids![0]!.content!).toString("hex") === "551d13")!;
  bc.kids![bc.kids!.length - 1]!.content = value;
  return encode(n);
}

describe("INTEGER decoding is linear; counters are small (issue 10 item 1)", () => {
  it("a 256 KiB serialNumber: the serial is kept as its octets (hex), the call ends on the signature", { timeout: HANG_GUARD_MS }, async () => {
    const big = withSerial(ee, 256 * 1024);
    const c = parseCertificate(big, "big serial");
    expect(c.serialOctets).toBe(256 * 1024);
    expect(c.serial).toBe("1" + "ab".repeat(256 * 1024 - 1));
    const r = await verify({ target: big, intermediates: [ca], trustAnchors: [anchor], time, limits: { timeoutMs: 5_000 } });
    expect(r.error?.code, r.error?.message).toBe("INVALID_SIGNATURE");
  });

  it("a negative serial keeps its sign and value (two's complement, -0x7f55)", () => {
    const n = parse(ee);
    at(n, 0, 1).content = new Uint8Array([0x80, 0xab]);
    expect(parseCertificate(encode(n), "negative").serial).toBe("-7f55");
  });

  it("a 256 KiB CRL entry serial parses in linear time", { timeout: HANG_GUARD_MS }, () => {
    const n = parse(crls[crls.length - 1]!);
    const tbs = at(n, 0);
    const content = new Uint8Array(256 * 1024).fill(0x5a);
    const entry = { tag: 0x30, kids: [prim(0x02, content), prim(0x17, Buffer.from("100101083000Z"))] };
    const list = tbs.kids!.find((k, i) => k.tag === 0x30 && i > 2);
    if (list) list.kids!.push(entry);
    else tbs.kids!.splice(5, 0, { tag: 0x30, kids: [entry] });
    const crl = parseCrl(encode(n), "big entry");
    expect(crl.revoked.entries().at(-1)!.serial).toBe("5a".repeat(256 * 1024));
  });

  it("a pathLenConstraint of 5 octets is MALFORMED_CERTIFICATE (a counter longer than 4 octets)", async () => {
    // SEQUENCE { BOOLEAN TRUE, INTEGER 01 00 00 00 00 }
    const bad = withBasicConstraints(ca, encode({ tag: 0x30, kids: [prim(0x01, [0xff]), prim(0x02, [1, 0, 0, 0, 0])] }));
    expect(() => parseCertificate(bad, "ca")).toThrow(/pathLenConstraint: INTEGER of 5 octets/);
    // As the issuing CA given among the untrusted intermediates it is skipped as unreadable; as the target it is malformed.
    const r = await verify({ target: ee, intermediates: [bad], trustAnchors: [anchor], time });
    expect(r.error?.code).toBe("NO_PATH");
    expect(r.warnings?.[0]).toMatch(/intermediates\[0\].*pathLenConstraint: INTEGER of 5 octets/);
    const t = await verify({ target: bad, trustAnchors: [anchor], time });
    expect(t.error?.code).toBe("MALFORMED_CERTIFICATE");
  });

  it("a 64 KiB pathLenConstraint is refused without converting it", { timeout: HANG_GUARD_MS }, () => {
    const big = new Uint8Array(64 * 1024).fill(0x11);
    const bad = withBasicConstraints(ca, encode({ tag: 0x30, kids: [prim(0x01, [0xff]), prim(0x02, big)] }));
    expect(() => parseCertificate(bad, "ca")).toThrow(/INTEGER of 65536 octets/);
  });

  it("an INTEGER with a redundant leading octet (00 05) is not DER (X.690 8.3.2)", () => {
    const bad = withBasicConstraints(ca, encode({ tag: 0x30, kids: [prim(0x01, [0xff]), prim(0x02, [0, 5])] }));
    expect(() => parseCertificate(bad, "ca")).toThrow(/redundant leading octet/);
  });
});

describe("PEM splitting is linear (issue 10 item 2)", () => {
  const BEGIN = "-----BEGIN CERTIFICATE-----\n";

  it("2 MiB of BEGIN lines without END as the target is MALFORMED_CERTIFICATE, promptly", { timeout: HANG_GUARD_MS }, async () => {
    const text = BEGIN.repeat(Math.ceil((2 * 1024 * 1024) / BEGIN.length));
    const r = await verify({ target: text, trustAnchors: [anchor], time });
    expect(r.error?.code).toBe("MALFORMED_CERTIFICATE");
    expect(r.error?.message).toContain("target: no PEM block labelled CERTIFICATE");
  });

  it("BEGIN lines without END, then one good block: the good block is found (the last BEGIN before END starts it)", { timeout: HANG_GUARD_MS }, () => {
    const good = `-----BEGIN CERTIFICATE-----\n${Buffer.from(ee).toString("base64")}\n-----END CERTIFICATE-----\n`;
    const blocks = scanPem(BEGIN.repeat(100_000) + good + "-----END CERTIFICATE-----\n".repeat(100_000));
    expect(blocks.map((b) => b.label)).toEqual(["CERTIFICATE"]);
    expect(Buffer.from(blocks[0]!.body.replace(/\s/g, ""), "base64").equals(Buffer.from(ee))).toBe(true);
  });

  it("blocks with different labels and text around them split as before", () => {
    const text = `junk\n-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\nmid\n-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n-----BEGIN A-----\n-----END B-----\n`;
    expect(scanPem(text).map((b) => [b.label, b.body.trim()])).toEqual([
      ["X509 CRL", "AAAA"],
      ["CERTIFICATE", "BBBB"],
    ]);
  });

  it("a PEM text over the size cap is refused before scanning", async () => {
    const r = await verify({ target: "x".repeat(33 * 1024 * 1024), trustAnchors: [anchor], time });
    expect(r.error?.code).toBe("MALFORMED_CERTIFICATE");
  });
});
