// x509-limbo limbo/testcases/rfc5280/validity.py (RFC 5280 6.1.3 (a)(2), 4.1.2.5), rebuilt with
// our generator: root 2016-2026 (2016-2020 when expired), intermediate 2016-2026 (2016-2020),
// leaf 2018-2023 (2018-2021), validated on 2022-01-01.
//
// | limbo id                               | limbo   | certpath strict and default                        | verdict |
// | -------------------------------------- | ------- | -------------------------------------------------- | ------- |
// | rfc5280::validity::expired-root        | FAILURE | ANCHOR_CONSTRAINTS at the anchor (index 2): the anchor certificate's validity applies (RFC 5937, on by default) | agree |
// | rfc5280::validity::expired-intermediate| FAILURE | EXPIRED at the intermediate (index 1)              | agree   |
// | rfc5280::validity::expired-leaf        | FAILURE | EXPIRED at the leaf (index 0)                      | agree   |
//
// Later limbo versions add boundary cases to this module; the stored copy of validity.py
// predates them, so they are rebuilt from their ids and the expectations third-party limbo
// harnesses record (Go's crypto/x509 lists notafter-fractional among its unexpected
// failures: limbo expects SUCCESS there). RFC 5280 4.1.2.5 writes validity in whole seconds,
// so a validation time is compared at that granularity (truncated, README "Profiles").
//
// | rfc5280::validity::notbefore-exact            | SUCCESS | valid at notBefore itself                         | agree |
// | rfc5280::validity::notafter-exact             | SUCCESS | valid at notAfter itself                          | agree |
// | rfc5280::validity::notbefore-fractional       | FAILURE | NOT_YET_VALID 1 ms before notBefore (truncates to the second before) | agree |
// | rfc5280::validity::notafter-fractional        | SUCCESS | valid 999 ms after notAfter (truncates to notAfter) | agree |
// | rfc5280::validity::not-yet-valid-1-second     | FAILURE | NOT_YET_VALID one second before notBefore         | agree |
// | rfc5280::validity::valid-not-before-boundary  | SUCCESS | valid one second after notBefore                  | agree |
//
// A variant of ours on the fractional cases: the fraction in the CERTIFICATE. RFC 5280
// 4.1.2.5.2: "GeneralizedTime values MUST NOT include fractional seconds." certpath read such
// a time (keeping the milliseconds) and no strict rule looked at it: now validity-whole-seconds.
// And a GeneralizedTime without its "Z" (a local time: X.690 11.7.1 and RFC 5280 4.1.2.5.2
// require Zulu) was handed to a lenient reader that took the machine's time zone, so the
// verdict near a boundary depended on TZ: now MALFORMED_CERTIFICATE in both profiles.
import { describe, it } from "vitest";
import type { Profile } from "../../src/index.js";
import { seq, tlv } from "../../testsuite/src/generate/der.js";
import { TestPki } from "../../testsuite/src/generate/pki.js";
import { run } from "../rules/helpers.js";
import { failsInBoth, strictOnly, validInBoth } from "./outcomes.js";

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

  describe("later limbo boundary cases", () => {
    // root -> leaf, the leaf valid from T to U (whole seconds); validated around them.
    const T = new Date("2021-06-01T12:00:00Z");
    const U = new Date("2022-06-01T12:00:00Z");
    const root = p.root("CN=Boundary Root", { notBefore: d("2016"), notAfter: d("2026") });
    const leaf = p.ee("CN=Boundary Leaf", root, { notBefore: T, notAfter: U });
    const at = (ms: number, from: Date) => (profile: Profile) => run(leaf, { anchors: [root], options: { profile, time: new Date(from.getTime() + ms) } });
    it("rfc5280::validity::notbefore-exact", async () => {
      await validInBoth(at(0, T));
    });
    it("rfc5280::validity::notafter-exact", async () => {
      await validInBoth(at(0, U));
    });
    it("rfc5280::validity::notbefore-fractional", async () => {
      await failsInBoth(at(-1, T), "NOT_YET_VALID", 0, "RFC 5280 6.1.3 (a)(2)");
    });
    it("rfc5280::validity::notafter-fractional", async () => {
      await validInBoth(at(999, U));
    });
    it("rfc5280::validity::not-yet-valid-1-second", async () => {
      await failsInBoth(at(-1000, T), "NOT_YET_VALID", 0, "RFC 5280 6.1.3 (a)(2)");
    });
    it("rfc5280::validity::valid-not-before-boundary", async () => {
      await validInBoth(at(1000, T));
    });
    it("one second after notAfter (the other side of notafter-fractional)", async () => {
      await failsInBoth(at(1000, U), "EXPIRED", 0, "RFC 5280 6.1.3 (a)(2)");
    });
  });

  it("a notAfter GeneralizedTime with fractional seconds (20500101000000.5Z)", async () => {
    const root = p.root("CN=Fraction Root", { notBefore: d("2016"), notAfter: d("2060") });
    const text = (t: string) => new TextEncoder().encode(t);
    const leaf = p.ee("CN=Fraction Leaf", root, { validityDer: seq(tlv(0x17, text("210601120000Z")), tlv(0x18, text("20500101000000.5Z"))) });
    await strictOnly((profile: Profile) => run(leaf, { anchors: [root], options: { profile, time: AT } }), 0, "validity-whole-seconds", "RFC 5280 4.1.2.5");
  });

  it("a notAfter GeneralizedTime without Z (20500101000000, a local time): malformed", async () => {
    const root = p.root("CN=Local Time Root", { notBefore: d("2016"), notAfter: d("2060") });
    const text = (t: string) => new TextEncoder().encode(t);
    const leaf = p.ee("CN=Local Time Leaf", root, { validityDer: seq(tlv(0x17, text("210601120000Z")), tlv(0x18, text("20500101000000"))) });
    await failsInBoth((profile: Profile) => run(leaf, { anchors: [root], options: { profile, time: AT } }), "MALFORMED_CERTIFICATE", 0, "RFC 5280 4.1.2.5");
  });
});
