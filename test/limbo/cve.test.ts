// x509-limbo cve::* (C2SP/x509-limbo limbo/testcases/cve.py) recreated with our generator.
// Outcomes in both profiles: "valid" or "CODE@certIndex" (0 = leaf, the anchor last).
// The two CVE-2025-61727 cases name a peer in limbo, but their verdict does not depend on
// it: the leaf's own wildcard SAN is checked against the subtrees (RFC 5280 6.1.3 (b), (c)).
//
// | limbo id                                | limbo   | strict             | default            | agrees |
// | --------------------------------------- | ------- | ------------------ | ------------------ | ------ |
// | cve::cve-2024-0567                      | SUCCESS | valid              | valid              | yes |
// | cve::cve-2025-61727                     | FAILURE | NAME_CONSTRAINTS@0 | NAME_CONSTRAINTS@0 | yes |
// | cve::cve-2025-61727-nc-permits-variant  | FAILURE | NAME_CONSTRAINTS@0 | NAME_CONSTRAINTS@0 | yes |
//
// 3 cases: 3 agree.
import { describe, expect, it } from "vitest";
import { EKU_OIDS } from "../../testsuite/src/generate/pki.js";
import { pki } from "../rules/helpers.js";
import { both, same } from "./helpers.js";

const p = pki("limbo-cve");
const SERVER = { extendedKeyUsage: [EKU_OIDS.serverAuth!] };
const EMPTY_NAME = new Uint8Array([0x30, 0x00]);

describe("x509-limbo cve", () => {
  it("cve::cve-2024-0567", async () => {
    // leaf -> A1 -> A, where A, B and C cross-certify each other (every pair, both ways)
    // and B and C each have a subordinate; only A's self-signed certificate is trusted.
    // The search must get out of the A <-> B <-> C cycles (GnuTLS before 3.8.3 did not).
    const a = p.root("CN=Root A");
    const b = p.root("CN=Root B"); // signs as B; its self-signed certificate is not given
    const c = p.root("CN=Root C");
    const a1 = p.ca("CN=Intermediate A1", a);
    const cross = [p.cross(b, a), p.cross(c, a), p.cross(a, b), p.cross(c, b), p.cross(a, c), p.cross(b, c)];
    const subs = [p.ca("CN=Intermediate B1", b), p.ca("CN=Intermediate C1", c)];
    const ee = p.ee(EMPTY_NAME, a1, {
      keySeed: "cve-2024-0567",
      extensions: { extKeyUsage: ["serverAuth"], subjectAltName: ["dns:cve-2024-0567.example.com"], critical: { subjectAltName: true } },
    });
    expect(await both(ee, { anchors: [a], intermediates: [a1, ...cross, ...subs], options: SERVER })).toEqual(same("valid"));
  });

  it("cve::cve-2025-61727", async () => {
    // A wildcard SAN whose names include an excluded one (bar.example.com) is excluded.
    const r = p.root("CN=CVE Root 2");
    const ica = p.ca("CN=CVE ICA 2", r, { extensions: { nameConstraints: { permitted: ["dns:example.com"], excluded: ["dns:bar.example.com"] } } });
    const ee = p.ee("CN=x509-limbo-ee", ica, { extensions: { extKeyUsage: ["serverAuth"], subjectAltName: ["dns:*.example.com"] } });
    expect(await both(ee, { anchors: [r], intermediates: [ica], options: SERVER })).toEqual(same("NAME_CONSTRAINTS@0"));
  });

  it("cve::cve-2025-61727-nc-permits-variant", async () => {
    // A wildcard SAN whose names are not all in the permitted subtree foo.example.com.
    const r = p.root("CN=CVE Root 3");
    const ica = p.ca("CN=CVE ICA 3", r, { extensions: { nameConstraints: { permitted: ["dns:foo.example.com"] } } });
    const ee = p.ee("CN=x509-limbo-ee", ica, { extensions: { extKeyUsage: ["serverAuth"], subjectAltName: ["dns:*.example.com"] } });
    expect(await both(ee, { anchors: [r], intermediates: [ica], options: SERVER })).toEqual(same("NAME_CONSTRAINTS@0"));
  });
});
