// x509-limbo's CRL cases, rebuilt with our generator: limbo/testcases/rfc5280/crl.py
// (rfc5280::crl::*) and its later split into limbo/testcases/crl/structure.py, idp.py and
// temporal.py (crl::structure::*, crl::idp::*, crl::temporal::*). The modules share most
// cases, so each case is built once here, by its limbo name, and run under every id that
// carries it.
//
// limbo's common shape: a trusted root issuing the leaf and a CRL of that root handed in;
// its harnesses require a determined status. certpath: `revocation: { crls, mode: "hard" }`
// (a CRL that cannot be used leaves the status undetermined: REVOCATION_UNKNOWN). The
// validation time is the generator's reference time, the CRLs' and entries' dates are
// relative to it as limbo's are to its validation time.
//
// | limbo case (ids)                                 | limbo   | certpath strict and default                                       | verdict |
// | ------------------------------------------------ | ------- | ----------------------------------------------------------------- | ------- |
// | revoked-certificate-with-crl (rfc5280)           | FAILURE | REVOKED at the leaf                                               | agree   |
// | crlnumber-missing (rfc5280)                      | FAILURE | REVOCATION_UNKNOWN at the leaf, the CRL refused (5.2.3)           | agree   |
// | certificate-not-on-crl (rfc5280)                 | SUCCESS | valid                                                             | agree   |
// | certificate-serial-on-crl-different-issuer (rfc5280) | SUCCESS | valid (the other root's CRL is not the leaf issuer's)         | agree   |
// | crlnumber-critical (rfc5280)                     | FAILURE | REVOCATION_UNKNOWN, the CRL refused (5.2.3)                       | agree   |
// | issuer-missing-crlsign (rfc5280)                 | FAILURE | REVOCATION_UNKNOWN, the CRL refused (6.3.3 (f))                   | agree   |
// | issuer-no-keyusage-extension (rfc5280)           | SUCCESS | default: valid, deviation keyUsage-present-in-CA at the anchor; strict: PROFILE there (RFC 5280 4.2.1.3: "Conforming CAs MUST include this extension in certificates that contain public keys that are used to validate digital signatures on other public key certificates or CRLs"; limbo's own description quotes it and accepts because 6.3.3 (f) is conditional) | disagree in strict, reasoned |
// | issuer-valid-crlsign-and-keycertsign (rfc5280)   | SUCCESS | valid                                                             | agree   |
// | crl-invalid-signature (rfc5280, structure)       | FAILURE | REVOCATION_UNKNOWN, the CRL refused (6.3.3 (f), (g))              | agree   |
// | crl-wrong-signing-key (rfc5280, structure)       | FAILURE | REVOCATION_UNKNOWN, the CRL refused (6.3.3 (f), (g))              | agree   |
// | crl-empty (rfc5280, structure)                   | SUCCESS | valid                                                             | agree   |
// | crl-very-large (rfc5280, structure)              | SUCCESS | valid (10,000 entries)                                            | agree   |
// | crl-unknown-critical-extension (rfc5280, structure) | FAILURE | REVOCATION_UNKNOWN, the CRL refused (5.2)                     | agree   |
// | crl-unknown-noncritical-extension (rfc5280, structure) | SUCCESS | valid                                                      | agree   |
// | entry-unknown-critical-extension (rfc5280)       | FAILURE | REVOCATION_UNKNOWN, the CRL refused (5.3: not used for any certificate) | agree |
// | entry-unknown-noncritical-extension (rfc5280)    | FAILURE | REVOKED at the leaf                                               | agree   |
// | crl-duplicate-revoked-serial (structure)         | FAILURE | valid: RFC 5280 section 5 has no sentence forbidding two entries with one serial (limbo cites CA/B Forum servercert issue 589), and the leaf is on neither | disagree, reasoned |
//
// Variants of ours on crl-duplicate-revoked-serial (see the end of the file): the TARGET listed
// twice, removeFromCRL first and keyCompromise second, in a complete CRL and in a delta CRL.
// Before the fix the first entry decided and the certificate passed as unrevoked; the answer
// depended on the order of a list that has none.
// | idp-cdp-scope-mismatch (rfc5280, idp)            | FAILURE | REVOCATION_UNKNOWN, out of scope (6.3.3 (b)(2)(i))                | agree   |
// | idp-cdp-scope-match (rfc5280, idp)               | SUCCESS | valid                                                             | agree   |
// | idp-only-contains-user-certs-ca-target (rfc5280, idp) | FAILURE | REVOCATION_UNKNOWN at the intermediate (6.3.3 (b)(2)(ii))    | agree   |
// | idp-only-contains-ca-certs-ee-target (rfc5280, idp) | FAILURE | REVOCATION_UNKNOWN at the leaf (6.3.3 (b)(2)(iii))             | agree   |
// | idp-present-certificate-missing-cdp (rfc5280, idp) | FAILURE | REVOCATION_UNKNOWN: the IDP's URI is not the implied distribution point's cRLIssuer, the certificate issuer (6.3.3 (b)(2)(i)) | agree |
// | idp-present-certificate-cdp-non-uri-generalname (idp) | FAILURE | valid: one of the IDP's names matches one of the distribution point's, which is all RFC 5280 6.3.3 (b)(2)(i) asks; the failure comes from CA/B Forum BR 7.1.2.11.2 (fullName only URIs), a cabf rule outside RFC 5280 | disagree (cabf), reasoned |
// | idp-only-contains-attribute-certs (rfc5280, idp) | FAILURE | REVOCATION_UNKNOWN (6.3.3 (b)(2)(iv))                             | agree   |
// | this-update-in-future (rfc5280, temporal)        | FAILURE | REVOCATION_UNKNOWN, not current (6.3.3 (a))                       | agree   |
// | next-update-in-past (rfc5280, temporal)          | FAILURE | REVOCATION_UNKNOWN, not current (6.3.3 (a))                       | agree   |
// | revocation-date-in-future (rfc5280, temporal)    | FAILURE | REVOKED (6.3.3 (i), (j) compare serial numbers, not dates)       | agree   |
// | revocation-date-before-not-before (rfc5280, temporal) | FAILURE | REVOKED                                                      | agree   |
// | crl-validity-no-overlap (rfc5280, temporal)      | FAILURE | REVOCATION_UNKNOWN, not current (6.3.3 (a))                       | agree   |
import { describe, expect, it } from "vitest";
import type { ErrorCode, Profile } from "../../src/index.js";
import { keyIdentifier } from "../../testsuite/src/generate/keys.js";
import type { Entity, IssuedCrl } from "../../testsuite/src/generate/pki.js";
import { pki, run } from "../rules/helpers.js";
import { failsInBoth, strictOnly, validInBoth } from "./outcomes.js";

interface CrlCase {
  target: Entity;
  intermediates?: Entity[];
  anchors: Entity[];
  crls: IssuedCrl[];
}

const p = pki("limbo-crl");
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
/** An OID under limbo's private arc that no validator knows (the extension is empty: OCTET STRING {}). */
const UNKNOWN_OID = "1.3.6.1.4.1.55738.666.1";
const EMPTY = new Uint8Array(0);

/** A serial number on no certificate of these PKIs (the generator's are 127-bit digests). */
const OTHER_SERIAL = 0x1234_5678_9abcn;

const BUILD: Record<string, () => CrlCase> = (() => {
  const root = p.root("CN=x509-limbo-root");
  // One leaf per case, so that a cached status of one case can never answer another.
  const leaf = (name: string, o = {}) => p.ee(`CN=${name}.example.com`, root, o);
  const simple = (name: string, crl: (ee: Entity) => IssuedCrl, o = {}): CrlCase => {
    const ee = leaf(name, o);
    return { target: ee, anchors: [root], crls: [crl(ee)] };
  };
  const cdp = (uri: string) => ({ extensions: { crlDistributionPoints: [`uri:${uri}`] } });

  return {
    "revoked-certificate-with-crl": () => simple("revoked", (ee) => p.crl(root, { revoked: [ee] })),
    "crlnumber-missing": () => simple("missing-crlnumber", () => p.crl(root, { revoked: [{ cert: OTHER_SERIAL }], crlNumber: null })),
    "certificate-not-on-crl": () => simple("not-on-crl", () => p.crl(root, { revoked: [{ cert: OTHER_SERIAL }, { cert: OTHER_SERIAL + 1n, date: -2 }] })),
    "certificate-serial-on-crl-different-issuer": () => {
      const root1 = p.root("CN=Root CA 1");
      const root2 = p.root("CN=Root CA 2");
      const ee = p.ee("CN=serial-elsewhere.example.com", root1);
      return { target: ee, anchors: [root1, root2], crls: [p.crl(root1), p.crl(root2, { revoked: [{ cert: ee.serial }] })] };
    },
    "crlnumber-critical": () =>
      simple("crlnumber-critical", () =>
        // cRLNumber 12345 written by hand to mark it critical: INTEGER 0x3039.
        p.crl(root, { revoked: [{ cert: OTHER_SERIAL }], crlNumber: null, custom: [{ oid: "2.5.29.20", critical: true, valueDer: new Uint8Array([0x02, 0x02, 0x30, 0x39]) }] }),
      ),
    "issuer-missing-crlsign": () => {
      const r = p.root("CN=Root Without cRLSign", { extensions: { keyUsage: ["keyCertSign"], critical: { keyUsage: false } } });
      const ee = p.ee("CN=issuer-missing-crlsign.example.com", r);
      return { target: ee, anchors: [r], crls: [p.crl(r, { revoked: [{ cert: OTHER_SERIAL }] })] };
    },
    "issuer-no-keyusage-extension": () => {
      const r = p.root("CN=Root Without keyUsage", { extensions: { keyUsage: null } });
      const ee = p.ee("CN=issuer-no-keyusage.example.com", r);
      return { target: ee, anchors: [r], crls: [p.crl(r, { revoked: [{ cert: OTHER_SERIAL }] })] };
    },
    "issuer-valid-crlsign-and-keycertsign": () => {
      const r = p.root("CN=Root With cRLSign", { extensions: { keyUsage: ["keyCertSign", "cRLSign"], critical: { keyUsage: false } } });
      const ee = p.ee("CN=issuer-valid-crlsign.example.com", r);
      return { target: ee, anchors: [r], crls: [p.crl(r, { revoked: [{ cert: OTHER_SERIAL }] })] };
    },
    // The root's name and key identifier, signed by a key of no certificate.
    "crl-invalid-signature": () =>
      simple("crl-invalid-signature", () =>
        p.crl(root, { revoked: [{ cert: OTHER_SERIAL }], signer: p.keyFor("CN=ephemeral"), authorityKeyIdentifier: hex(keyIdentifier(root.key.spki)) }),
      ),
    // Root CA 1's name, Root CA 2's key (both trusted).
    "crl-wrong-signing-key": () => {
      const root1 = p.root("CN=Root CA 1");
      const root2 = p.root("CN=Root CA 2");
      const ee = p.ee("CN=wrong-signing-key.example.com", root1);
      return { target: ee, anchors: [root1, root2], crls: [p.crl(root1, { revoked: [{ cert: OTHER_SERIAL }], signer: root2 })] };
    },
    "crl-empty": () => simple("crl-empty", () => p.crl(root)),
    "crl-very-large": () =>
      simple("crl-very-large", () => p.crl(root, { revoked: Array.from({ length: 10_000 }, (_, i) => ({ cert: OTHER_SERIAL + BigInt(i), date: new Date(0) })) })),
    "crl-unknown-critical-extension": () =>
      simple("crl-unknown-critical", () => p.crl(root, { revoked: [{ cert: OTHER_SERIAL }], custom: [{ oid: UNKNOWN_OID, critical: true, valueDer: EMPTY }] })),
    "crl-unknown-noncritical-extension": () =>
      simple("crl-unknown-noncritical", () => p.crl(root, { revoked: [{ cert: OTHER_SERIAL }], custom: [{ oid: UNKNOWN_OID, critical: false, valueDer: EMPTY }] })),
    "entry-unknown-critical-extension": () =>
      simple("entry-unknown-critical", (ee) => p.crl(root, { revoked: [{ cert: ee, custom: [{ oid: UNKNOWN_OID, critical: true, valueDer: EMPTY }] }] })),
    "entry-unknown-noncritical-extension": () =>
      simple("entry-unknown-noncritical", (ee) => p.crl(root, { revoked: [{ cert: ee, custom: [{ oid: UNKNOWN_OID, critical: false, valueDer: EMPTY }] }] })),
    "crl-duplicate-revoked-serial": () => simple("duplicate-serial", () => p.crl(root, { revoked: [{ cert: OTHER_SERIAL }, { cert: OTHER_SERIAL }] })),
    "idp-cdp-scope-mismatch": () =>
      simple("idp-mismatch", () => p.crl(root, { issuingDistributionPoint: { fullName: ["uri:http://example.com/other.crl"] } }), cdp("http://example.com/cdp.crl")),
    "idp-cdp-scope-match": () =>
      simple("idp-match", () => p.crl(root, { issuingDistributionPoint: { fullName: ["uri:http://example.com/partition.crl"] } }), cdp("http://example.com/partition.crl")),
    "idp-only-contains-user-certs-ca-target": () => {
      const ica = p.ca("CN=x509-limbo-intermediate", root, { extensions: { keyUsage: ["keyCertSign", "cRLSign"], critical: { keyUsage: false } } });
      const ee = p.ee("CN=user-certs-ca-target.example.com", ica);
      return { target: ee, intermediates: [ica], anchors: [root], crls: [p.crl(root, { issuingDistributionPoint: { onlyContainsUserCerts: true } }), p.crl(ica)] };
    },
    "idp-only-contains-ca-certs-ee-target": () => simple("ca-certs-ee-target", () => p.crl(root, { issuingDistributionPoint: { onlyContainsCACerts: true } })),
    "idp-present-certificate-missing-cdp": () =>
      simple("idp-no-cdp", () => p.crl(root, { issuingDistributionPoint: { fullName: ["uri:http://example.com/partition.crl"] } })),
    "idp-present-certificate-cdp-non-uri-generalname": () =>
      simple("idp-cdp-dns", () => p.crl(root, { issuingDistributionPoint: { fullName: ["uri:http://example.com/partition.crl"] } }), {
        extensions: { crlDistributionPoints: [{ fullName: ["uri:http://example.com/partition.crl", "dns:example.com"] }] },
      }),
    "idp-only-contains-attribute-certs": () =>
      simple("idp-attribute-certs", () => p.crl(root, { revoked: [{ cert: OTHER_SERIAL }], issuingDistributionPoint: { onlyContainsAttributeCerts: true } })),
    "this-update-in-future": () => simple("this-update-future", () => p.crl(root, { thisUpdate: 1, nextUpdate: 30 })),
    "next-update-in-past": () => simple("next-update-past", () => p.crl(root, { thisUpdate: -60, nextUpdate: -30 })),
    "revocation-date-in-future": () => simple("revocation-date-future", (ee) => p.crl(root, { revoked: [{ cert: ee, date: 1 }], thisUpdate: -1, nextUpdate: 30 })),
    "revocation-date-before-not-before": () =>
      simple("revocation-before-issue", (ee) => p.crl(root, { revoked: [{ cert: ee, date: -60 }], thisUpdate: -1, nextUpdate: 30 }), { notBefore: -30 }),
    "crl-validity-no-overlap": () =>
      simple("crl-no-overlap", () => p.crl(root, { thisUpdate: -365, nextUpdate: -180 }), { notBefore: -30, notAfter: 30 }),
  };
})();


/** What certpath answers for a case (the same in both profiles unless `strictOnly`). */
type Outcome =
  | { valid: true }
  | { code: ErrorCode; at: number; cites: string }
  | { strictOnly: { at: number; rule: string; section: string } };

const UNKNOWN = "REVOCATION_UNKNOWN" as const;
const EXPECT: Record<string, Outcome> = {
  "revoked-certificate-with-crl": { code: "REVOKED", at: 0, cites: "RFC 5280 6.3.3 (j)" },
  "crlnumber-missing": { code: UNKNOWN, at: 0, cites: "it has no cRLNumber, which a CRL MUST carry (RFC 5280 5.2.3)" },
  "certificate-not-on-crl": { valid: true },
  "certificate-serial-on-crl-different-issuer": { valid: true },
  "crlnumber-critical": { code: UNKNOWN, at: 0, cites: "its cRLNumber is marked critical, which it MUST NOT be (RFC 5280 5.2.3)" },
  "issuer-missing-crlsign": { code: UNKNOWN, at: 0, cites: "does not assert cRLSign (RFC 5280 6.3.3 (f))" },
  "issuer-no-keyusage-extension": { strictOnly: { at: 1, rule: "keyUsage-present-in-CA", section: "RFC 5280 4.2.1.3" } },
  "issuer-valid-crlsign-and-keycertsign": { valid: true },
  "crl-invalid-signature": { code: UNKNOWN, at: 0, cites: "no certificate of its issuer both signed it and validates to the same trust anchor (RFC 5280 6.3.3 (f), (g))" },
  "crl-wrong-signing-key": { code: UNKNOWN, at: 0, cites: "no certificate of its issuer both signed it and validates to the same trust anchor (RFC 5280 6.3.3 (f), (g))" },
  "crl-empty": { valid: true },
  "crl-very-large": { valid: true },
  "crl-unknown-critical-extension": { code: UNKNOWN, at: 0, cites: "unrecognised critical extension 1.3.6.1.4.1.55738.666.1 (RFC 5280 5.2)" },
  "crl-unknown-noncritical-extension": { valid: true },
  "entry-unknown-critical-extension": { code: UNKNOWN, at: 0, cites: "unrecognised critical CRL entry extension 1.3.6.1.4.1.55738.666.1 (RFC 5280 5.3)" },
  "entry-unknown-noncritical-extension": { code: "REVOKED", at: 0, cites: "RFC 5280 6.3.3 (j)" },
  "crl-duplicate-revoked-serial": { valid: true },
  "idp-cdp-scope-mismatch": { code: UNKNOWN, at: 0, cites: "its issuingDistributionPoint name matches no distribution point name of the certificate (RFC 5280 6.3.3 (b)(2)(i))" },
  "idp-cdp-scope-match": { valid: true },
  "idp-only-contains-user-certs-ca-target": { code: UNKNOWN, at: 1, cites: "it only covers end-entity certificates (onlyContainsUserCerts) (RFC 5280 6.3.3 (b)(2)(ii))" },
  "idp-only-contains-ca-certs-ee-target": { code: UNKNOWN, at: 0, cites: "it only covers CA certificates (onlyContainsCACerts) (RFC 5280 6.3.3 (b)(2)(iii))" },
  "idp-present-certificate-missing-cdp": { code: UNKNOWN, at: 0, cites: "its issuingDistributionPoint name matches neither a distribution point nor the cRLIssuer (RFC 5280 6.3.3 (b)(2)(i))" },
  "idp-present-certificate-cdp-non-uri-generalname": { valid: true },
  "idp-only-contains-attribute-certs": { code: UNKNOWN, at: 0, cites: "it only covers attribute certificates (onlyContainsAttributeCerts) (RFC 5280 6.3.3 (b)(2)(iv))" },
  "this-update-in-future": { code: UNKNOWN, at: 0, cites: "(RFC 5280 6.3.3 (a))" },
  "next-update-in-past": { code: UNKNOWN, at: 0, cites: "(RFC 5280 6.3.3 (a))" },
  "revocation-date-in-future": { code: "REVOKED", at: 0, cites: "RFC 5280 6.3.3 (j)" },
  "revocation-date-before-not-before": { code: "REVOKED", at: 0, cites: "RFC 5280 6.3.3 (j)" },
  "crl-validity-no-overlap": { code: UNKNOWN, at: 0, cites: "(RFC 5280 6.3.3 (a))" },
};

const MODULES: Record<string, string[]> = {
  "rfc5280::crl": [
    "revoked-certificate-with-crl", "crlnumber-missing", "certificate-not-on-crl", "certificate-serial-on-crl-different-issuer", "crlnumber-critical",
    "issuer-missing-crlsign", "issuer-no-keyusage-extension", "issuer-valid-crlsign-and-keycertsign", "crl-invalid-signature", "crl-wrong-signing-key",
    "crl-empty", "crl-very-large", "crl-unknown-critical-extension", "crl-unknown-noncritical-extension", "entry-unknown-critical-extension",
    "entry-unknown-noncritical-extension", "idp-cdp-scope-mismatch", "idp-cdp-scope-match", "idp-only-contains-user-certs-ca-target",
    "idp-only-contains-ca-certs-ee-target", "idp-present-certificate-missing-cdp", "idp-only-contains-attribute-certs", "this-update-in-future",
    "next-update-in-past", "revocation-date-in-future", "revocation-date-before-not-before", "crl-validity-no-overlap",
  ],
  "crl::structure": [
    "crl-invalid-signature", "crl-wrong-signing-key", "crl-empty", "crl-very-large", "crl-unknown-critical-extension", "crl-unknown-noncritical-extension",
    "crl-duplicate-revoked-serial",
  ],
  "crl::idp": [
    "idp-cdp-scope-mismatch", "idp-cdp-scope-match", "idp-only-contains-user-certs-ca-target", "idp-only-contains-ca-certs-ee-target",
    "idp-present-certificate-missing-cdp", "idp-present-certificate-cdp-non-uri-generalname", "idp-only-contains-attribute-certs",
  ],
  "crl::temporal": ["this-update-in-future", "next-update-in-past", "revocation-date-in-future", "revocation-date-before-not-before", "crl-validity-no-overlap"],
};

/** Each case built once, whichever module asks first. */
const built = new Map<string, CrlCase>();
function caseOf(name: string): CrlCase {
  let c = built.get(name);
  if (!c) built.set(name, (c = BUILD[name]!()));
  return c;
}

describe("x509-limbo CRL cases (revocation mode hard)", () => {
  for (const [module, names] of Object.entries(MODULES)) {
    describe(module, () => {
      for (const name of names) {
        it(`${module}::${name}`, async () => {
          const c = caseOf(name);
          const go = (profile: Profile) =>
            run(c.target, { anchors: c.anchors, intermediates: c.intermediates, crls: c.crls, options: { profile, revocation: { mode: "hard" } } });
          const e = EXPECT[name]!;
          if ("valid" in e) await validInBoth(go);
          else if ("strictOnly" in e) await strictOnly(go, e.strictOnly.at, e.strictOnly.rule, e.strictOnly.section);
          else await failsInBoth(go, e.code, e.at, e.cites);
        });
      }
    });
  }
});

describe("variants: a certificate listed twice on one CRL", () => {
  const root = p.root("CN=Duplicate Entries Root");
  const go = (ee: Entity, crls: IssuedCrl[]) => (profile: Profile) =>
    run(ee, { anchors: [root], crls, options: { profile, revocation: { mode: "hard" } } });
  it("complete CRL: removeFromCRL then keyCompromise revokes it", async () => {
    const ee = p.ee("CN=Listed Twice Complete", root);
    const crl = p.crl(root, { revoked: [{ cert: ee, reason: "removeFromCRL" }, { cert: ee, reason: "keyCompromise" }] });
    await failsInBoth(go(ee, [crl]), "REVOKED", 0, "(keyCompromise)");
  });
  it("complete CRL: keyCompromise then removeFromCRL revokes it", async () => {
    const ee = p.ee("CN=Listed Twice Complete Reversed", root);
    const crl = p.crl(root, { revoked: [{ cert: ee, reason: "keyCompromise" }, { cert: ee, reason: "removeFromCRL" }] });
    await failsInBoth(go(ee, [crl]), "REVOKED", 0, "(keyCompromise)");
  });
  it("delta CRL: removeFromCRL then keyCompromise over a certificateHold base revokes it", async () => {
    const ee = p.ee("CN=Listed Twice Delta", root);
    const base = p.crl(root, { revoked: [{ cert: ee, reason: "certificateHold" }], crlNumber: 10, freshestCrl: ["uri:http://127.0.0.1/delta.crl"] });
    const delta = p.crl(root, { revoked: [{ cert: ee, reason: "removeFromCRL" }, { cert: ee, reason: "keyCompromise" }], crlNumber: 11, deltaBase: 10 });
    await failsInBoth(go(ee, [base, delta]), "REVOKED", 0, "(keyCompromise)");
    // The entry came from the delta CRL: step (i), not (j).
    expect((await go(ee, [base, delta])("strict")).error!.message).toMatch(/per CRL revocation\.crls\[1\] .*\(RFC 5280 6\.3\.3 \(i\)\)$/);
  });
  it("delta CRL: a single removeFromCRL still releases a certificateHold (RFC 5280 6.3.3 (k))", async () => {
    const ee = p.ee("CN=Released From Hold", root);
    const base = p.crl(root, { revoked: [{ cert: ee, reason: "certificateHold" }], crlNumber: 20, freshestCrl: ["uri:http://127.0.0.1/delta.crl"] });
    const delta = p.crl(root, { revoked: [{ cert: ee, reason: "removeFromCRL" }], crlNumber: 21, deltaBase: 20 });
    await validInBoth(go(ee, [base, delta]));
  });
});

// A variant of ours on this-update-in-future / next-update-in-past: a thisUpdate written as a
// local time (GeneralizedTime without "Z"; RFC 5280 5.1.2.4 and X.690 11.7.1 require Zulu). It
// went to a lenient reader that used the machine's time zone, so whether the CRL was current
// depended on TZ; now the CRL is malformed (MALFORMED_CRL), as a certificate's such time is.
describe("variants: a CRL time without Z", () => {
  it("thisUpdate 20241231000000 (no Z): MALFORMED_CRL", async () => {
    const root = p.root("CN=Local Time CRL Root");
    const ee = p.ee("CN=Local Time CRL Leaf", root);
    const crl = p.crl(root, { thisUpdateDer: new Uint8Array([0x18, 14, ...new TextEncoder().encode("20241231000000")]) });
    await failsInBoth((profile: Profile) => run(ee, { anchors: [root], crls: [crl], options: { profile, revocation: { mode: "hard" } } }), "MALFORMED_CRL", undefined, "thisUpdate");
  });
});
