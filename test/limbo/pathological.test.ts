// x509-limbo pathological::* (C2SP/x509-limbo limbo/testcases/pathological.py) recreated
// with our generator: chain-building traps and a name-constraint work blow-up.
// Outcomes in both profiles: "valid" or "CODE@certIndex" (0 = leaf, the anchor last;
// NO_PATH has none).
//
// | limbo id                                               | limbo   | strict            | default            | agrees |
// | ------------------------------------------------------ | ------- | ----------------- | ------------------ | ------ |
// | pathological::multiple-chains-expired-intermediate     | SUCCESS | valid             | valid              | yes |
// | pathological::intermediate-cycle-distinct-cas          | FAILURE | NO_PATH           | NO_PATH            | yes |
// | pathological::intermediate-cycle-distinct-cas-max-depth | FAILURE | NO_PATH          | NO_PATH            | yes |
// | pathological::intermediate-cycle-same-logical-ca       | FAILURE | NO_PATH           | NO_PATH            | yes |
// | pathological::nc-dos-1                                 | FAILURE | PROFILE@1         | NAME_CONSTRAINTS@0 | yes (strict: the anchor's ".test" subtree, nameConstraints-dNSName-syntax; default: the SAN ".test" is a malformed dNSName; a verdict in ~30 ms, within the budget) |
//
// 5 cases: 5 agree.
import { describe, expect, it } from "vitest";
import { EKU_OIDS } from "../../testsuite/src/generate/pki.js";
import { pki } from "../rules/helpers.js";
import { both, same } from "./helpers.js";

const p = pki("limbo-pathological");
const SERVER = { extendedKeyUsage: [EKU_OIDS.serverAuth!] };
const EMPTY_NAME = new Uint8Array([0x30, 0x00]);
const leafOpts = { extensions: { extKeyUsage: ["serverAuth"], subjectAltName: ["dns:example.com"] } };

describe("x509-limbo pathological", () => {
  it("pathological::multiple-chains-expired-intermediate", async () => {
    // "Chain of pain": root's name and key certified by root 2, that certificate expired in 1988.
    const root = p.root("CN=x509-limbo-root");
    const root2 = p.root("CN=x509-limbo-root-2");
    const expired = p.cross(root2, root, { pathLen: 1, notBefore: new Date("1970-01-01T00:00:00Z"), notAfter: new Date("1988-11-25T00:00:00Z") });
    const ee = p.ee("CN=x509-limbo-ee", root, leafOpts);
    expect(await both(ee, { anchors: [root, root2], intermediates: [expired], options: SERVER })).toEqual(same("valid"));
  });

  // Two CAs that certify each other and nothing that reaches the anchor.
  const cycle = (n1: string, n2: string) => {
    const e1 = p.root(n1, { keySeed: "1" });
    const e2 = p.root(n2, { keySeed: "2" });
    const ica1 = p.cross(e2, e1);
    const ica2 = p.cross(e1, e2);
    return { ica1, ica2, ee: p.ee("CN=x509-limbo-ee", ica1, leafOpts) };
  };
  const root = p.root("CN=x509-limbo-root");

  it("pathological::intermediate-cycle-distinct-cas", async () => {
    const { ica1, ica2, ee } = cycle("CN=intermediate-cycle-distinct-ca1", "CN=intermediate-cycle-distinct-ca2");
    expect(await both(ee, { anchors: [root], intermediates: [ica1, ica2], options: SERVER })).toEqual(same("NO_PATH@undefined"));
  });

  it("pathological::intermediate-cycle-distinct-cas-max-depth", async () => {
    const { ica1, ica2, ee } = cycle("CN=intermediate-cycle-distinct-ca1", "CN=intermediate-cycle-distinct-ca2");
    const options = { ...SERVER, limits: { maxDepth: 255 } };
    expect(await both(ee, { anchors: [root], intermediates: [ica1, ica2], options })).toEqual(same("NO_PATH@undefined"));
  });

  it("pathological::intermediate-cycle-same-logical-ca", async () => {
    const { ica1, ica2, ee } = cycle("CN=intermediate-cycle-same-logical-ca", "CN=intermediate-cycle-same-logical-ca");
    expect(await both(ee, { anchors: [root], intermediates: [ica1, ica2], options: SERVER })).toEqual(same("NO_PATH@undefined"));
  });

  it("pathological::nc-dos-1", async () => {
    // The anchor permits t0.test .. t512.test and ".test", excludes x0.test .. x512.test;
    // the leaf (empty subject) names the 514 permitted bases in its SAN.
    const permitted = [...Array.from({ length: 513 }, (_, i) => `dns:t${i}.test`), "dns:.test"];
    const excluded = Array.from({ length: 513 }, (_, i) => `dns:x${i}.test`);
    const r = p.root("CN=NC DoS Root", { extensions: { nameConstraints: { permitted, excluded } } });
    const ee = p.ee(EMPTY_NAME, r, {
      keySeed: "nc-dos-1",
      extensions: { extKeyUsage: ["serverAuth"], subjectAltName: permitted, critical: { subjectAltName: true } },
    });
    const t0 = Date.now();
    expect(await both(ee, { anchors: [r], options: SERVER })).toEqual({ strict: "PROFILE@1", rfc5280: "NAME_CONSTRAINTS@0" });
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
