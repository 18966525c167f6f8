// x509-limbo limbo/testcases/rfc5280/validity.py (RFC 5280 6.1.3 (a)(2), 4.1.2.5), rebuilt with
// our generator: root 2016-2026 (2016-2020 when expired), intermediate 2016-2026 (2016-2020),
// leaf 2018-2023 (2018-2021), validated on 2022-01-01.
//
// | limbo id                               | limbo   | certpath strict and default                        | verdict |
// | -------------------------------------- | ------- | -------------------------------------------------- | ------- |
// | rfc5280::validity::expired-root        | FAILURE | ANCHOR_CONSTRAINTS at the anchor (index 2): the anchor certificate's validity applies (RFC 5937, on by default) | agree |
// | rfc5280::validity::expired-intermediate| FAILURE | EXPIRED at the intermediate (index 1)              | agree   |
// | rfc5280::validity::expired-leaf        | FAILURE | EXPIRED at the leaf (index 0)                      | agree   |
import { describe, it } from "vitest";
import type { Profile } from "../../src/index.js";
import { TestPki } from "../../testsuite/src/generate/pki.js";
import { run } from "../rules/helpers.js";
import { failsInBoth } from "./outcomes.js";

const AT = new Date("2022-01-01T00:00:00Z");
const p = new TestPki({ now: AT, seed: "limbo-validity" });
const d = (s: string) => new Date(`${s}-01-01T00:00:00Z`);

/** root -> intermediate -> leaf with these validity ends (years), validated at AT. */
function chain(tag: string, rootEnd: string, icaEnd: string, leafEnd: string) {
  const root = p.root(`CN=${tag} Root`, { notBefore: d("2016"), notAfter: d(rootEnd) });
  const ica = p.ca(`CN=${tag} Intermediate`, root, { notBefore: d("2016"), notAfter: d(icaEnd) });
  const leaf = p.ee(`CN=${tag} Leaf`, ica, { notBefore: d("2018"), notAfter: d(leafEnd) });
  return (profile: Profile) => run(leaf, { intermediates: [ica], anchors: [root], options: { profile, time: AT } });
}

describe("x509-limbo rfc5280/validity.py", () => {
  it("rfc5280::validity::expired-root", async () => {
    await failsInBoth(chain("Expired Root", "2020", "2026", "2023"), "ANCHOR_CONSTRAINTS", 2, "2020-01-01");
  });
  it("rfc5280::validity::expired-intermediate", async () => {
    await failsInBoth(chain("Expired ICA", "2026", "2020", "2023"), "EXPIRED", 1, "RFC 5280 6.1.3 (a)(2)");
  });
  it("rfc5280::validity::expired-leaf", async () => {
    await failsInBoth(chain("Expired Leaf", "2026", "2026", "2021"), "EXPIRED", 0, "RFC 5280 6.1.3 (a)(2)");
  });
});
