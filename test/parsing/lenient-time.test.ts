// lenientTime: the Time forms X.680 allows besides DER's, read the same in every time zone
// (a CRL entry's revocationDate; src/parsing/crl-entries.ts).
import { describe, expect, it } from "vitest";
import { lenientTime } from "../../src/parsing/der.js";

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
