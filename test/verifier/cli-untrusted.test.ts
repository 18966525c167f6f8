// `certpath verify` builds one verifier per invocation; an unreadable file among
// --untrusted is skipped with a warning naming it (the path is still found through the
// readable ones); a wrong kind of file as TARGET says what it holds.
import { describe, expect, it } from "vitest";
import { createVerifier, verify } from "../../src/index.js";
import { main } from "../../src/cli/main.js";
import { capturingIo } from "../cli-io.js";
import { NOW, pki } from "../discovery/helpers.js";

const p = pki("verifier-cli");
const root = p.root("CN=CLI Root,O=CLI,C=US");
const ca = p.ca("CN=CLI CA,O=CLI,C=US", root);
const ee = p.ee("CN=CLI EE,O=CLI,C=US", ca);
const pemOf = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n")}\n-----END CERTIFICATE-----\n`;
const FILES: Record<string, Uint8Array> = {
  "ee.der": ee.der,
  "root.der": root.der,
  "ca.der": ca.der,
  "junk.der": new Uint8Array([0x30, 0x03, 1, 2, 3]),
  // A bundle with a corrupt block between two good ones.
  "bundle.pem": new TextEncoder().encode(pemOf(root.der) + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" + pemOf(ca.der)),
  "ca.crl": p.crl(ca).der,
};
const files = (path: string) => {
  const f = FILES[path];
  if (!f) throw Object.assign(new Error("no such file"), { code: "ENOENT" });
  return f;
};
const at = NOW.toISOString();

describe("certpath verify through one verifier", () => {
  it("a junk file and a corrupt PEM block among --untrusted are skipped with warnings naming them; the path is found", async () => {
    let built = 0;
    const io = capturingIo(files);
    const code = await main(["verify", "ee.der", "--anchor", "root.der", "--untrusted", "junk.der", "--untrusted", "bundle.pem", "--at", at, "--json"], {
      verify,
      io,
      createVerifier: (c) => {
        built++;
        return createVerifier(c);
      },
    });
    expect(code, io.err).toBe(0);
    expect(built).toBe(1);
    const out = JSON.parse(io.out) as { valid: boolean; warnings: string[] };
    expect(out.valid).toBe(true);
    expect(out.warnings).toHaveLength(2);
    expect(out.warnings[0]).toMatch(/^skipped an unreadable untrusted certificate: intermediates\[0\]: .*\(MALFORMED_CERTIFICATE\)/);
    // The CLI hands a PEM file's certificate blocks over one by one: the corrupt one is the second block of bundle.pem.
    expect(out.warnings[1]).toMatch(/^skipped an unreadable untrusted certificate: intermediates\[2\]: .*\(MALFORMED_CERTIFICATE\)/);
  });

  it("a CRL given as TARGET: exit 1, and the error says it holds a CRL", async () => {
    const io = capturingIo(files);
    const code = await main(["verify", "ca.crl", "--anchor", "root.der", "--untrusted", "ca.der", "--at", at, "--json"], { verify, io, createVerifier });
    expect(code).toBe(1);
    const out = JSON.parse(io.out) as { error: { code: string; message: string } };
    expect(out.error.code).toBe("MALFORMED_CERTIFICATE");
    expect(out.error.message).toContain("it holds a CRL, not a certificate");
  });
});
