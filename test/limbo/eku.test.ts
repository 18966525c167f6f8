// x509-limbo limbo/testcases/rfc5280/eku.py (RFC 5280 4.2.1.12), rebuilt with our generator.
// limbo's "server validation" asks for id-kp-serverAuth in ee-wrong-eku: certpath's
// `extendedKeyUsage` option.
//
// | limbo id                       | limbo   | certpath strict and default                 | verdict |
// | ------------------------------ | ------- | ------------------------------------------- | ------- |
// | rfc5280::eku::ee-wrong-eku     | FAILURE | EXTENDED_KEY_USAGE at the EE                | agree   |
// | rfc5280::eku::ee-without-eku   | SUCCESS | valid, no deviation                         | agree   |
// | rfc5280::eku::ee-eku-empty     | FAILURE | PROFILE at the EE (extKeyUsage-not-empty: ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX)) | agree |
// (ee-eku-empty is a later limbo case, rebuilt from its id: the stored eku.py predates it.)
import { describe, it } from "vitest";
import type { Profile } from "../../src/index.js";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { pki, run } from "../rules/helpers.js";
import { failsInBoth, validInBoth } from "./outcomes.js";

const p = pki("limbo-eku");
const root = p.root("CN=x509-limbo-root");
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const go = (ee: Entity, eku?: string[]) => (profile: Profile) => run(ee, { anchors: [root], options: { profile, ...(eku ? { extendedKeyUsage: eku } : {}) } });

describe("x509-limbo rfc5280/eku.py", () => {
  it("rfc5280::eku::ee-wrong-eku", async () => {
    const ee = p.ee("CN=EE clientAuth Only", root, { extensions: { extKeyUsage: ["clientAuth"] } });
    await failsInBoth(go(ee, [SERVER_AUTH]), "EXTENDED_KEY_USAGE", 0, SERVER_AUTH);
  });
  it("rfc5280::eku::ee-without-eku", async () => {
    await validInBoth(go(p.ee("CN=EE Without EKU", root)));
  });

  it("rfc5280::eku::ee-eku-empty", async () => {
    const ee = p.ee("CN=EE Empty EKU", root, { extensions: { custom: [{ oid: "2.5.29.37", valueDer: new Uint8Array([0x30, 0x00]) }] } });
    await failsInBoth(go(ee), "PROFILE", 0, "[extKeyUsage-not-empty, both profiles] (RFC 5280 4.2.1.12)");
  });
});
