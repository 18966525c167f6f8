// x509-limbo limbo/testcases/rfc5280/pc.py (RFC 5280 4.2.1.11), rebuilt with our generator.
//
// | limbo id                         | limbo   | certpath strict                                   | certpath default      | verdict |
// | -------------------------------- | ------- | ------------------------------------------------- | --------------------- | ------- |
// | rfc5280::pc::ica-noncritical-pc  | FAILURE | PROFILE at the ICA (policyConstraints-critical)   | valid, that deviation | agree   |
// (28 PKITS valid paths carry the same non-critical policyConstraints: the reason it is a
// strict rule and not a "both" one, README "Profiles".)
import { describe, it } from "vitest";
import type { Profile } from "../../src/index.js";
import { pki, run } from "../rules/helpers.js";
import { strictOnly } from "./outcomes.js";

const p = pki("limbo-pc");
const root = p.root("CN=x509-limbo-root");

describe("x509-limbo rfc5280/pc.py", () => {
  it("rfc5280::pc::ica-noncritical-pc", async () => {
    // requireExplicitPolicy 3: the path (2 certificates below the anchor) never reaches it.
    const ica = p.ca("CN=ICA Non-Critical PC", root, { extensions: { policyConstraints: { requireExplicitPolicy: 3 }, critical: { policyConstraints: false } } });
    const ee = p.ee("CN=EE Under Non-Critical PC", ica);
    await strictOnly((profile: Profile) => run(ee, { anchors: [root], intermediates: [ica], options: { profile } }), 1, "policyConstraints-critical", "RFC 5280 4.2.1.11");
  });
});
