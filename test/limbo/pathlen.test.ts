// x509-limbo pathlen::* and ee-pathlen::* (C2SP/x509-limbo limbo/testcases/pathlen.py,
// ee_pathlen.py) recreated with our generator; RFC 5280 4.2.1.9 and 6.1.4 (l), (m).
// Outcomes in both profiles: "valid" or "CODE@certIndex" (0 = leaf, the anchor last).
//
// | limbo id                                          | limbo   | strict                  | default                 | agrees |
// | ------------------------------------------------- | ------- | ----------------------- | ----------------------- | ------ |
// | pathlen::ee-with-intermediate-pathlen-0, -1, -2   | SUCCESS | valid                   | valid                   | yes |
// | pathlen::validation-ignores-pathlen-in-leaf       | SUCCESS | valid                   | valid                   | yes |
// | pathlen::intermediate-violates-pathlen-0          | FAILURE | PATH_LENGTH_EXCEEDED@1  | PATH_LENGTH_EXCEEDED@1  | yes |
// | pathlen::intermediate-pathlen-may-increase        | SUCCESS | valid                   | valid                   | yes |
// | pathlen::intermediate-pathlen-too-long            | FAILURE | PATH_LENGTH_EXCEEDED@1  | PATH_LENGTH_EXCEEDED@1  | yes |
// | pathlen::self-issued-certs-pathlen                | SUCCESS | valid                   | valid                   | yes |
// | ee-pathlen::ee-with-intermediate-pathlen-0, -1, -2 | SUCCESS | valid                  | valid                   | yes |
//
// 11 cases: 11 agree.
import { describe, expect, it } from "vitest";
import { EKU_OIDS, type Entity } from "../../testsuite/src/generate/pki.js";
import { pki } from "../rules/helpers.js";
import { both, same } from "./helpers.js";

const p = pki("limbo-pathlen");
const root = p.root("CN=x509-limbo-root");
const ica = (name: string, issuer: Entity, pathLen?: number) => p.ca(name, issuer, { pathLen });
const leaf = (issuer: Entity, eku: "serverAuth" | "clientAuth" = "serverAuth") =>
  p.ee("CN=x509-limbo-ee", issuer, { extensions: { extKeyUsage: [eku], subjectAltName: ["dns:example.com"] } });
const check = (target: Entity, intermediates: Entity[], eku: "serverAuth" | "clientAuth" = "serverAuth") =>
  both(target, { anchors: [root], intermediates, options: { extendedKeyUsage: [EKU_OIDS[eku]!] } });

describe("x509-limbo pathlen", () => {
  for (const n of [0, 1, 2]) {
    it(`pathlen::ee-with-intermediate-pathlen-${n}`, async () => {
      const i = ica(`CN=pathlen-${n}`, root, n);
      expect(await check(leaf(i), [i])).toEqual(same("valid"));
    });
  }

  it("pathlen::validation-ignores-pathlen-in-leaf", async () => {
    // The target is a CA certificate with pathLen 0 under another with pathLen 0: the last
    // certificate is not an intermediate (RFC 5280 4.2.1.9).
    const i1 = ica("CN=pathlen-leaf-1", root, 0);
    const i2 = ica("CN=pathlen-leaf-2", i1, 0);
    expect(await check(i2, [i1])).toEqual(same("valid"));
  });

  it("pathlen::intermediate-violates-pathlen-0", async () => {
    const i1 = ica("CN=pathlen-violates-1", root, 0);
    const i2 = ica("CN=pathlen-violates-2", i1, 0);
    expect(await check(leaf(i2), [i1, i2])).toEqual(same("PATH_LENGTH_EXCEEDED@1"));
  });

  it("pathlen::intermediate-pathlen-may-increase", async () => {
    const i1 = ica("CN=pathlen-increase-1", root, 1);
    const i2 = ica("CN=pathlen-increase-2", i1, 2);
    expect(await check(leaf(i2), [i1, i2])).toEqual(same("valid"));
  });

  it("pathlen::intermediate-pathlen-too-long", async () => {
    const i1 = ica("CN=pathlen-long-1", root, 1);
    const i2 = ica("CN=pathlen-long-2", i1, 0);
    const i3 = ica("CN=pathlen-long-3", i2, 0);
    expect(await check(leaf(i3), [i1, i2, i3])).toEqual(same("PATH_LENGTH_EXCEEDED@1"));
  });

  it("pathlen::self-issued-certs-pathlen", async () => {
    // ICA' (pathLen 1) -> ICA' self-issued under a new key (pathLen 1) -> ICA'' (pathLen 0):
    // a self-issued certificate does not count (RFC 5280 6.1.4 (l)).
    const a = ica("CN=pathlen-self-issued", root, 1);
    const a2 = p.rollover(a, { pathLen: 1 });
    const b = ica("CN=pathlen-self-issued-2", a2, 0);
    expect(await check(leaf(b), [a, a2, b])).toEqual(same("valid"));
  });
});

describe("x509-limbo ee-pathlen", () => {
  for (const n of [0, 1, 2]) {
    it(`ee-pathlen::ee-with-intermediate-pathlen-${n}`, async () => {
      const i = ica(`CN=ee-pathlen-${n}`, root, n);
      expect(await check(leaf(i, "clientAuth"), [i], "clientAuth")).toEqual(same("valid"));
    });
  }
});
