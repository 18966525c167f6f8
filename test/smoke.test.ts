import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { parseCertificate } from "../src/parsing/certificate.js";

describe("parsing", () => {
  it("parses a PKITS certificate from source", () => {
    const c = parseCertificate(new Uint8Array(readFileSync("testsuite/vectors/pkits/certs/GoodCACert.crt")), "GoodCACert");
    expect(c.subject.text).toBe("C=US, O=Test Certificates 2011, CN=Good CA");
  });
});
