// x509-limbo limbo/testcases/rfc5280/san.py (RFC 5280 4.2.1.6), rebuilt with our generator.
// noncritical-with-empty-subject names a DNS peer; its verdict is the extension's criticality,
// not the name (certpath does no peer-name matching), so it applies.
//
// | limbo id                                      | limbo   | certpath strict                                  | certpath default                 | verdict |
// | --------------------------------------------- | ------- | ------------------------------------------------ | -------------------------------- | ------- |
// | rfc5280::san::malformed                       | FAILURE | MALFORMED_CERTIFICATE at the target              | the same                         | agree   |
// | rfc5280::san::noncritical-with-empty-subject  | FAILURE | PROFILE at the EE (subjectAltName-critical-when-subject-empty) | valid, that deviation | agree |
import { describe, it } from "vitest";
import type { Profile } from "../../src/index.js";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { pki, run } from "../rules/helpers.js";
import { failsInBoth, strictOnly } from "./outcomes.js";

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
});
