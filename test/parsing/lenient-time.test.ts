// lenientTime: the Time forms X.680 allows besides DER's, read the same in every time zone
// (a CRL entry's revocationDate; src/parsing/crl-entries.ts).
import { describe, expect, it } from "vitest";
import { lenientTime } from "../../src/parsing/der.js";
import { parseCertificate } from "../../src/parsing/certificate.js";
import { parseCrl } from "../../src/parsing/crl.js";
import { pki } from "../rules/helpers.js";

const read = (tag: number, s: string) => {
  const b = new Uint8Array([tag, s.length, ...new TextEncoder().encode(s)]);
  return lenientTime(b, { tag, headerStart: 0, start: 2, end: b.length })?.toISOString();
};

describe("lenientTime", () => {
  it("DER forms as derTime reads them", () => {
    expect(read(0x18, "20240101120000Z")).toBe("2024-01-01T12:00:00.000Z");
    expect(read(0x17, "240101120000Z")).toBe("2024-01-01T12:00:00.000Z");
  });
  it("no zone: read as UTC", () => {
    expect(read(0x18, "20240101120000")).toBe("2024-01-01T12:00:00.000Z");
    expect(read(0x17, "240101120000")).toBe("2024-01-01T12:00:00.000Z");
  });
  it("minutes and seconds left out, a fraction, an offset", () => {
    expect(read(0x18, "2024010112")).toBe("2024-01-01T12:00:00.000Z");
    expect(read(0x18, "202401011230Z")).toBe("2024-01-01T12:30:00.000Z");
    expect(read(0x18, "20240101120000.5+0130")).toBe("2024-01-01T10:30:00.500Z");
    expect(read(0x18, "20240101120000-05")).toBe("2024-01-01T17:00:00.000Z");
    expect(read(0x17, "2401011200-0500")).toBe("2024-01-01T17:00:00.000Z");
  });
  it("no time at all: undefined", () => {
    expect(read(0x18, "2024013212")).toBeUndefined(); // day 32
    expect(read(0x18, "20240101120000+2500")).toBeUndefined();
    expect(read(0x18, "hello")).toBeUndefined();
    expect(read(0x17, "20240101120000Z")).toBeUndefined(); // a GeneralizedTime's digits under the UTCTime tag
  });
});

describe("a CRL entry's dates that are not DER, in three time zones", () => {
  const p = pki("lenient-entry-dates");
  const root = p.root("CN=Lenient Dates Root");
  const ee = p.ee("CN=Lenient Dates EE", root);
  const time = (s: string) => new Uint8Array([0x18, s.length, ...new TextEncoder().encode(s)]);
  const crl = p.crl(root, { revoked: [{ cert: ee, dateDer: time("20240101120000"), custom: [{ oid: "2.5.29.24", valueDer: time("20231231230000") }] }] });
  for (const tz of ["UTC", "America/New_York", "Asia/Kolkata"]) {
    it(`TZ=${tz}: revocationDate 2024-01-01T12:00Z, invalidityDate 2023-12-31T23:00Z`, () => {
      const before = process.env.TZ;
      process.env.TZ = tz;
      try {
        const [entry] = parseCrl(crl.der, "crl").revoked.find(parseCertificate(ee.der, "ee").serial);
        expect(entry!.revocationDate.toISOString()).toBe("2024-01-01T12:00:00.000Z");
        expect(entry!.invalidityDate!.toISOString()).toBe("2023-12-31T23:00:00.000Z");
      } finally {
        if (before === undefined) delete process.env.TZ;
        else process.env.TZ = before;
      }
    });
  }
});
