// x509-limbo limbo/testcases/rfc5280/serial.py (RFC 5280 4.1.2.2), rebuilt with our generator.
// limbo marks these "pedantic_serial_number" and names a DNS peer "example.com"; the verdict
// is the serial number's, not the name's (the leaves carry that dNSName here).
//
// | limbo id                                 | limbo   | certpath strict                               | certpath default      | verdict |
// | ---------------------------------------- | ------- | --------------------------------------------- | --------------------- | ------- |
// | rfc5280::serial::serial-number-too-long  | FAILURE | PROFILE at the EE (serialNumber-length)       | valid, that deviation | agree   |
// | rfc5280::serial::serial-number-zero      | FAILURE | PROFILE at the EE (serialNumber-positive)     | valid, that deviation | agree   |
// | rfc5280::serial::serial-number-negative  | FAILURE | PROFILE (serialNumber-positive) at index 1: the target is its own trust anchor, so the path is [target, anchor], one certificate twice, and the anchor is checked first | valid, the deviation at both indexes | agree |
import { describe, it } from "vitest";
import type { Profile } from "../../src/index.js";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { pki, run } from "../rules/helpers.js";
import { strictOnly } from "./outcomes.js";

const p = pki("limbo-serial");
const root = p.root("CN=x509-limbo-root");
const S = "RFC 5280 4.1.2.2";
const go = (ee: Entity, anchor: Entity) => (profile: Profile) => run(ee, { anchors: [anchor], options: { profile } });
const dns = { extensions: { subjectAltName: ["dns:example.com"] } };

describe("x509-limbo rfc5280/serial.py", () => {
  it("rfc5280::serial::serial-number-too-long", async () => {
    // 22 content octets (limbo: many implementations let 21 slip through by a signedness error).
    const serial = BigInt("0x" + "5a".repeat(22));
    await strictOnly(go(p.ee("CN=EE Serial 22 Octets", root, { ...dns, serial }), root), 0, "serialNumber-length", S);
  });
  it("rfc5280::serial::serial-number-zero", async () => {
    await strictOnly(go(p.ee("CN=EE Serial Zero", root, { ...dns, serial: 0 }), root), 0, "serialNumber-positive", S);
  });
  it("rfc5280::serial::serial-number-negative", async () => {
    // limbo: one self-signed certificate with a negative serial, trusted and validated itself.
    const self = p.root("CN=gov.us Negative Serial", { serial: -0x2f0c5a1bn, extensions: { subjectAltName: ["dns:gov.us"] } });
    await strictOnly(go(self, self), 1, "serialNumber-positive", S, [
      { certIndex: 1, rule: "serialNumber-positive", section: S },
      { certIndex: 0, rule: "serialNumber-positive", section: S },
    ]);
  });
});
