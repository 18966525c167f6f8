// x509-limbo limbo/testcases/rfc5280/san.py (RFC 5280 4.2.1.6), rebuilt with our generator.
// noncritical-with-empty-subject names a DNS peer; its verdict is the extension's criticality,
// not the name (certpath does no peer-name matching), so it applies.
//
// | limbo id                                      | limbo   | certpath strict                                  | certpath default                 | verdict |
// | --------------------------------------------- | ------- | ------------------------------------------------ | -------------------------------- | ------- |
// | rfc5280::san::malformed                       | FAILURE | MALFORMED_CERTIFICATE at the target              | the same                         | agree   |
// | rfc5280::san::noncritical-with-empty-subject  | FAILURE | PROFILE at the EE (subjectAltName-critical-when-subject-empty) | valid, that deviation | agree |
//
// Later limbo versions add two dNSName spelling cases; the stored san.py predates them, so
// they are rebuilt from their ids (third-party harnesses record both as FAILURE). RFC 5280
// 4.2.1.6: a dNSName "MUST be in the 'preferred name syntax', as specified by Section 3.5 of
// [RFC1034] and as modified by Section 2.1 of [RFC1123]": letters, digits and hyphens, and
// (RFC 1123 2.1) never the dotted-decimal form, the highest-level label being alphabetic.
//
// | rfc5280::san::underscore-dns | FAILURE | PROFILE at the EE (subjectAltName-dNSName-syntax); tolerated before | valid, that deviation | agree (was a strict miss) |
// | rfc5280::san::ip-in-dns      | FAILURE | PROFILE at the EE (subjectAltName-dNSName-syntax); accepted before  | valid, that deviation | agree (was a strict miss) |
import { describe, it } from "vitest";
import type { Profile } from "../../src/index.js";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { pki, run } from "../rules/helpers.js";
import { failsInBoth, strictOnly, validInBoth } from "./outcomes.js";

const p = pki("limbo-san");
const root = p.root("CN=x509-limbo-root");
const go = (ee: Entity) => (profile: Profile) => run(ee, { anchors: [root], options: { profile } });

describe("x509-limbo rfc5280/san.py", () => {
  it("rfc5280::san::malformed", async () => {
    // extnValue holds the ASCII octets "example.com", not a DER GeneralNames.
    const ee = p.ee("CN=EE Malformed SAN", root, { extensions: { custom: [{ oid: "2.5.29.17", valueDer: new TextEncoder().encode("example.com") }] } });
    await failsInBoth(go(ee), "MALFORMED_CERTIFICATE", 0, "2.5.29.17");
  });
  it("rfc5280::san::noncritical-with-empty-subject", async () => {
    const ee = p.ee(new Uint8Array([0x30, 0x00]), root, { keySeed: "empty-subject", extensions: { subjectAltName: ["dns:example.com"] } });
    await strictOnly(go(ee), 0, "subjectAltName-critical-when-subject-empty", "RFC 5280 4.2.1.6");
  });

  it("rfc5280::san::underscore-dns", async () => {
    const ee = p.ee("CN=EE Underscore DNS", root, { extensions: { subjectAltName: ["dns:foo_bar.example.com"] } });
    await strictOnly(go(ee), 0, "subjectAltName-dNSName-syntax", "RFC 5280 4.2.1.6");
  });
  it("rfc5280::san::ip-in-dns", async () => {
    const ee = p.ee("CN=EE IP In DNS", root, { extensions: { subjectAltName: ["dns:127.0.0.1"] } });
    await strictOnly(go(ee), 0, "subjectAltName-dNSName-syntax", "RFC 5280 4.2.1.6");
  });
  it("digits are fine below an alphabetic top label (RFC 1123 2.1: 3com.example, 1.2.3.example)", async () => {
    const ee = p.ee("CN=EE Digit Labels", root, { extensions: { subjectAltName: ["dns:3com.example", "dns:1.2.3.example", "dns:*.x-1.example"] } });
    await validInBoth(go(ee));
  });

  it("variant of underscore-dns: an rfc822Name whose domain has '_' (RFC 5321 sub-domain = Let-dig [Ldh-str])", async () => {
    const ee = p.ee("CN=EE Underscore Mail Domain", root, { extensions: { subjectAltName: ["email:user@mail_host.example.com"] } });
    await strictOnly(go(ee), 0, "subjectAltName-rfc822Name-syntax", "RFC 5280 4.2.1.6");
  });
  it("an '_' in the local part is atext (RFC 5321 4.1.2): no deviation", async () => {
    const ee = p.ee("CN=EE Underscore Local Part", root, { extensions: { subjectAltName: ["email:first_last@example.com"] } });
    await validInBoth(go(ee));
  });
});
