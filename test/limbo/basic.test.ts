// x509-limbo basic::* and invalid::* (C2SP/x509-limbo limbo/testcases/basic.py, invalid.py)
// recreated with our generator: structurally invalid certificates.
// Outcomes in both profiles: "valid" or "CODE@certIndex" (0 = leaf, the anchor last;
// NO_PATH has none).
//
// | limbo id                     | limbo   | strict                  | default                 | agrees |
// | ---------------------------- | ------- | ----------------------- | ----------------------- | ------ |
// | basic::duplicate-extensions  | FAILURE | MALFORMED_CERTIFICATE@0 | MALFORMED_CERTIFICATE@0 | yes |
// | invalid::invalid-issuer-key  | FAILURE | NO_PATH                 | NO_PATH                 | yes (no path to the trusted root at all) |
//
// 2 cases: 2 agree. Variants of invalid-issuer-key (not limbo cases):
// - the intermediate's root trusted, so the malformed key is used to check the leaf's
//   signature: UNSUPPORTED_ALGORITHM@0 in both profiles, "public key cannot be loaded", as
//   for a malformed EC key (it was WEAK_KEY, "RSA key of 0 bits");
// - the malformed key in the target itself (RSA, EC, Ed25519): MALFORMED_CERTIFICATE@0 in
//   both profiles. Before the fix certpath returned valid: no signature is checked with a
//   target's key, and nothing else looked at it.
import { describe, expect, it } from "vitest";
import { encodeGeneralName, EKU_OIDS } from "../../testsuite/src/generate/pki.js";
import { oid, seq, nullValue, tlv } from "../../testsuite/src/generate/der.js";
import { pki, run } from "../rules/helpers.js";
import { both, same } from "./helpers.js";

const p = pki("limbo-basic");
const SERVER = { extendedKeyUsage: [EKU_OIDS.serverAuth!] };

describe("x509-limbo basic", () => {
  it("basic::duplicate-extensions", async () => {
    // Two subjectAltName extensions (RFC 5280 4.2: a certificate MUST NOT include more than one instance of a particular extension).
    const r = p.root("CN=x509-limbo-root");
    const san = seq(encodeGeneralName("dns:example.com"));
    const ee = p.ee("CN=x509-limbo-ee", r, {
      extensions: { extKeyUsage: ["serverAuth"], subjectAltName: ["dns:example.com"], custom: [{ oid: "2.5.29.17", valueDer: san }] },
    });
    expect(await both(ee, { anchors: [r], options: SERVER })).toEqual(same("MALFORMED_CERTIFICATE@0"));
  });
});

describe("x509-limbo invalid", () => {
  // An intermediate (under root 2) whose RSA key is an empty BIT STRING and whose
  // "signature" on the leaf is SEQUENCE {}.
  const invalidIssuerKey = () => {
    const root2 = p.root("CN=x509-limbo-root-2");
    const badSpki = seq(seq(oid("1.2.840.113549.1.1.1"), nullValue()), tlv(0x03, new Uint8Array([0])));
    const ica = p.ca("CN=x509-limbo-intermediate", root2, { key: { alg: "rsa2048", spki: badSpki } });
    const ee = p.ee("CN=x509-limbo-ee", ica, {
      signatureValue: seq(),
      extensions: { extKeyUsage: ["serverAuth"], subjectAltName: ["dns:example.com"] },
    });
    return { root2, ica, ee };
  };

  it("invalid::invalid-issuer-key", async () => {
    // The trusted root is another one.
    const root1 = p.root("CN=x509-limbo-root-1");
    const { ica, ee } = invalidIssuerKey();
    expect(await both(ee, { anchors: [root1], intermediates: [ica], options: SERVER })).toEqual(same("NO_PATH@undefined"));
  });

  it("invalid::invalid-issuer-key, variant: the intermediate's root trusted (the malformed key is used)", async () => {
    const { root2, ica, ee } = invalidIssuerKey();
    expect(await both(ee, { anchors: [root2], intermediates: [ica], options: SERVER })).toEqual(same("UNSUPPORTED_ALGORITHM@0"));
    // The message says why the issuer's key cannot be used (it read "RSA key of 0 bits" before).
    const r = await run(ee, { anchors: [root2], intermediates: [ica], options: SERVER });
    expect(r.error!.message).toContain("public key cannot be loaded: the key is not an RSAPublicKey (RFC 3279 2.3.1)");
    expect(r.error!.message).toContain("CN=x509-limbo-intermediate");
  });

  // The same idea with the malformed key in the target: no signature is ever checked with
  // it, but the path's output, the target's public key (RFC 5280 6.1.6), is unusable. Go and
  // pyca/cryptography refuse such a certificate when they parse it, OpenSSL when it takes the
  // key (its security-level check); certpath returned valid before.
  const root = p.root("CN=x509-limbo-root-3");
  const targets: [string, Uint8Array][] = [
    // rsaEncryption with an empty BIT STRING: no RSAPublicKey (RFC 3279 2.3.1).
    ["RSA, no RSAPublicKey", seq(seq(oid("1.2.840.113549.1.1.1"), nullValue()), tlv(0x03, new Uint8Array([0])))],
    // id-ecPublicKey P-256 with a point that is neither compressed nor uncompressed (RFC 5480 2.2).
    ["EC, a 4-octet point", seq(seq(oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")), tlv(0x03, new Uint8Array([0, 4, 1, 2, 3])))],
    // Ed25519 with 3 key octets instead of 32 (RFC 8410 3).
    ["Ed25519, 3 octets", seq(seq(oid("1.3.101.112")), tlv(0x03, new Uint8Array([0, 1, 2, 3])))],
  ];
  for (const [what, spki] of targets) {
    it(`invalid::invalid-issuer-key, variant: the target's own key malformed (${what})`, async () => {
      const ee = p.ee(`CN=x509-limbo-ee ${what.replace(",", "")}`, root, { key: { alg: "p256", spki }, extensions: { extKeyUsage: ["serverAuth"] } });
      expect(await both(ee, { anchors: [root], options: SERVER })).toEqual(same("MALFORMED_CERTIFICATE@0"));
    });
  }
});
