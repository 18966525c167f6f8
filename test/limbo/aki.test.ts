// x509-limbo limbo/testcases/rfc5280/aki.py (RFC 5280 4.2.1.1), rebuilt with our generator.
// limbo builds root -> EE (or root -> ICA -> EE) and trusts the root certificate; certpath
// applies the profile rules to the anchor certificate too (anchor constraints are on by default).
//
// | limbo id                                   | limbo   | certpath strict                                     | certpath default                    | verdict |
// | ------------------------------------------ | ------- | --------------------------------------------------- | ----------------------------------- | ------- |
// | rfc5280::aki::critical-aki                 | FAILURE | PROFILE at the anchor (authorityKeyIdentifier-non-critical) | valid, that deviation       | agree   |
// | rfc5280::aki::leaf-missing-aki             | FAILURE | PROFILE at the EE (authorityKeyIdentifier-present)  | valid, that deviation               | agree   |
// | rfc5280::aki::intermediate-missing-aki     | FAILURE | PROFILE at the ICA (authorityKeyIdentifier-present) | valid, that deviation               | agree   |
// | rfc5280::aki::self-signed-root-missing-aki | SUCCESS | valid                                               | valid, no deviation                 | agree   |
// | rfc5280::aki::cross-signed-root-missing-aki| FAILURE (pedantic) | PROFILE at the anchor, which is not self-signed (authorityKeyIdentifier-present) | valid, that deviation | agree |
//
// A variant of ours on the sentence leaf-missing-aki quotes ("The keyIdentifier field ... MUST be
// included"): an AKI of authorityCertIssuer and serial only passed strict before the rule
// authorityKeyIdentifier-keyIdentifier.
import { describe, it } from "vitest";
import type { Profile } from "../../src/index.js";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { pki, run } from "../rules/helpers.js";
import { strictOnly, validInBoth } from "./outcomes.js";

const p = pki("limbo-aki");
const root = p.root("CN=x509-limbo-root");
const S = "RFC 5280 4.2.1.1";
const go = (ee: Entity, anchor: Entity, intermediates: Entity[] = []) => (profile: Profile) => run(ee, { anchors: [anchor], intermediates, options: { profile } });

describe("x509-limbo rfc5280/aki.py", () => {
  it("rfc5280::aki::critical-aki", async () => {
    const r = p.root("CN=Root With Critical AKI", { extensions: { authorityKeyIdentifier: "auto", critical: { authorityKeyIdentifier: true } } });
    await strictOnly(go(p.ee("CN=EE Under Critical AKI", r), r), 1, "authorityKeyIdentifier-non-critical", S);
  });
  it("rfc5280::aki::leaf-missing-aki", async () => {
    await strictOnly(go(p.ee("CN=EE Without AKI", root, { extensions: { authorityKeyIdentifier: false } }), root), 0, "authorityKeyIdentifier-present", S);
  });
  it("rfc5280::aki::intermediate-missing-aki", async () => {
    const ica = p.ca("CN=ICA Without AKI", root, { pathLen: 0, extensions: { authorityKeyIdentifier: false } });
    await strictOnly(go(p.ee("CN=EE Under ICA Without AKI", ica), root, [ica]), 1, "authorityKeyIdentifier-present", S);
  });
  it("rfc5280::aki::self-signed-root-missing-aki", async () => {
    const r = p.root("CN=Root Without AKI", { extensions: { authorityKeyIdentifier: false } });
    await validInBoth(go(p.ee("CN=EE Under Root Without AKI", r), r));
  });
  it("rfc5280::aki::cross-signed-root-missing-aki", async () => {
    // The trusted "root" is a CA certificate issued by another root, without AKI.
    const xsigned = p.ca("CN=Cross-Signed Root", root, { pathLen: 0, extensions: { authorityKeyIdentifier: false } });
    await strictOnly(go(p.ee("CN=EE Under Cross-Signed Root", xsigned), xsigned), 1, "authorityKeyIdentifier-present", S);
  });

  describe("variants", () => {
    it("leaf AKI with authorityCertIssuer and serial but no keyIdentifier", async () => {
      const ee = p.ee("CN=EE AKI Without keyIdentifier", root, { extensions: { authorityKeyIdentifier: { keyId: false, issuer: ["dn:CN=x509-limbo-root"], serial: root.serial } } });
      await strictOnly(go(ee, root), 0, "authorityKeyIdentifier-keyIdentifier", S);
    });
    it("a self-signed root whose AKI has no keyIdentifier: the exception of 4.2.1.1", async () => {
      const r = p.root("CN=Root AKI Issuer Serial", { extensions: { authorityKeyIdentifier: { keyId: false, issuer: ["dn:CN=Root AKI Issuer Serial"], serial: 1 } } });
      await validInBoth(go(p.ee("CN=EE Under Root AKI Issuer Serial", r), r));
    });
  });
});
