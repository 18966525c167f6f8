// x509-limbo limbo/testcases/rfc5280/ski.py (RFC 5280 4.2.1.2), rebuilt with our generator.
// The anchor certificate obeys the profile rules (anchor constraints are on by default).
//
// | limbo id                               | limbo   | certpath strict                                         | certpath default      | verdict |
// | -------------------------------------- | ------- | ------------------------------------------------------- | --------------------- | ------- |
// | rfc5280::ski::critical-ski             | FAILURE | PROFILE at the anchor (subjectKeyIdentifier-non-critical)| valid, that deviation | agree   |
// | rfc5280::ski::root-missing-ski         | FAILURE | PROFILE at the anchor (subjectKeyIdentifier-present-in-CA)| valid, that deviation | agree  |
// | rfc5280::ski::intermediate-missing-ski | FAILURE | PROFILE at the ICA (subjectKeyIdentifier-present-in-CA) | valid, that deviation | agree   |
import { describe, it } from "vitest";
import type { Profile } from "../../src/index.js";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { pki, run } from "../rules/helpers.js";
import { strictOnly } from "./outcomes.js";

const p = pki("limbo-ski");
const root = p.root("CN=x509-limbo-root");
const S = "RFC 5280 4.2.1.2";
const go = (ee: Entity, anchor: Entity, intermediates: Entity[] = []) => (profile: Profile) => run(ee, { anchors: [anchor], intermediates, options: { profile } });

describe("x509-limbo rfc5280/ski.py", () => {
  it("rfc5280::ski::critical-ski", async () => {
    const r = p.root("CN=Root With Critical SKI", { extensions: { critical: { subjectKeyIdentifier: true } } });
    await strictOnly(go(p.ee("CN=EE Under Critical SKI", r), r), 1, "subjectKeyIdentifier-non-critical", S);
  });
  it("rfc5280::ski::root-missing-ski", async () => {
    const r = p.root("CN=Root Without SKI", { extensions: { subjectKeyIdentifier: false } });
    await strictOnly(go(p.ee("CN=EE Under Root Without SKI", r), r), 1, "subjectKeyIdentifier-present-in-CA", S);
  });
  it("rfc5280::ski::intermediate-missing-ski", async () => {
    const ica = p.ca("CN=ICA Without SKI", root, { extensions: { subjectKeyIdentifier: false } });
    await strictOnly(go(p.ee("CN=EE Under ICA Without SKI", ica), root, [ica]), 1, "subjectKeyIdentifier-present-in-CA", S);
  });
});
