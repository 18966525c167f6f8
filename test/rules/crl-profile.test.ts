// The CRL profile rules of RFC 5280 section 5 (src/revocation/crl-profile.ts, README
// "Profiles"): each strict rule broken by one CRL built here. In the strict profile the CRL
// is not used, so with hard revocation the target's status is undetermined and the message
// names the rule's sentence; in the default profile the CRL is used and the rule is listed
// in `deviations` against the certificate whose status it gave.
import { describe, expect, it } from "vitest";
import { generalizedTime, ia5, integer, oid, seq, tlv } from "../../testsuite/src/generate/der.js";
import { keyIdentifier } from "../../testsuite/src/generate/keys.js";
import type { CrlOptions, IssuedCrl } from "../../testsuite/src/generate/pki.js";
import type { Profile, VerifyResult } from "../../src/index.js";
import { NOW, expectError, expectValid, pki, run } from "./helpers.js";

const p = pki("crl-profiles");
const root = p.root("CN=CRL Profile Root");
const ca = p.ca("CN=CRL Profile CA", root);
const ee = p.ee("CN=CRL Profile EE", ca);
const rootCrl = p.crl(root);

const hard = (crls: IssuedCrl[], profile?: Profile): Promise<VerifyResult> =>
  run(ee, { intermediates: [ca], anchors: [root], crls: [...crls, rootCrl], options: { revocation: { mode: "hard" }, ...(profile ? { profile } : {}) } });

const uri = (u: string) => tlv(0x86, ia5(u).subarray(2));
const caKeyId = keyIdentifier(ca.key.spki);
/** AuthorityKeyIdentifier with the key identifier method. */
const akiKeyId = seq(tlv(0x80, caKeyId));
/** AuthorityKeyIdentifier with issuer name and serial only (no keyIdentifier). */
const akiIssuerSerial = seq(tlv(0xa1, tlv(0xa4, root.nameDer)), tlv(0x82, new Uint8Array([0x05])));
/** One DistributionPoint with a full-name URI (RFC 5280 4.2.1.13). */
const dps = seq(seq(tlv(0xa0, tlv(0xa0, uri("http://127.0.0.1/delta.crl")))));
/** AuthorityInfoAccess with one caIssuers URI (RFC 5280 5.2.7). */
const aia = seq(seq(oid("1.3.6.1.5.5.7.48.2"), uri("http://127.0.0.1/ca.cer")));
/** IssuingDistributionPoint with onlyContainsUserCerts TRUE. */
const idpUsers = seq(tlv(0x81, new Uint8Array([0xff])));

interface CrlCase {
  /** The rules the CRL breaks, in table order; the strict message names the first. */
  rules: string[];
  section: string;
  crls: () => IssuedCrl[];
}

/**
 * A complete CRL of `ca` numbered 10 that holds the target (certificateHold), and a delta
 * on it built with `o` that releases it (removeFromCRL): the target is good only if the
 * delta is used (RFC 5280 6.3.3 (c), (k)).
 */
const withDelta = (o: CrlOptions) => [
  p.crl(ca, { crlNumber: 10, revoked: [{ cert: ee, reason: "certificateHold" }] }),
  p.crl(ca, { crlNumber: 11, revoked: [{ cert: ee, reason: "removeFromCRL" }], ...o }),
];
const DELTA_RULES = new Set(["crl-deltaCRLIndicator-critical", "crl-freshestCRL-not-in-delta"]);

const CASES: CrlCase[] = [
  { rules: ["crl-version-2-with-extensions"], section: "RFC 5280 5.1.2.1", crls: () => [p.crl(ca, { versionAbsent: true })] },
  // NOW is in 2025, so UTCTime is required for both times.
  { rules: ["crl-thisUpdate-encoding", "crl-nextUpdate-encoding"], section: "RFC 5280 5.1.2.4", crls: () => [p.crl(ca, { timeEncoding: "GeneralizedTime" })] },
  { rules: ["crl-nextUpdate-present"], section: "RFC 5280 5.1.2.5", crls: () => [p.crl(ca, { nextUpdate: null })] },
  { rules: ["crl-revokedCertificates-absent-when-empty"], section: "RFC 5280 5.1.2.6", crls: () => [p.crl(ca, { emptyRevokedList: true })] },
  { rules: ["crl-authorityKeyIdentifier-present"], section: "RFC 5280 5.2.1", crls: () => [p.crl(ca, { authorityKeyIdentifier: false })] },
  {
    rules: ["crl-authorityKeyIdentifier-keyIdentifier"],
    section: "RFC 5280 5.2.1",
    crls: () => [p.crl(ca, { authorityKeyIdentifier: false, custom: [{ oid: "2.5.29.35", valueDer: akiIssuerSerial }] })],
  },
  {
    rules: ["crl-authorityKeyIdentifier-non-critical"],
    section: "RFC 5280 4.2.1.1",
    crls: () => [p.crl(ca, { authorityKeyIdentifier: false, custom: [{ oid: "2.5.29.35", critical: true, valueDer: akiKeyId }] })],
  },
  {
    rules: ["crl-deltaCRLIndicator-critical"],
    section: "RFC 5280 5.2.4",
    crls: () => withDelta({ custom: [{ oid: "2.5.29.27", critical: false, valueDer: integer(10) }] }),
  },
  {
    rules: ["crl-issuingDistributionPoint-critical"],
    section: "RFC 5280 5.2.5",
    crls: () => [p.crl(ca, { custom: [{ oid: "2.5.29.28", critical: false, valueDer: idpUsers }] })],
  },
  {
    rules: ["crl-issuingDistributionPoint-not-empty"],
    section: "RFC 5280 5.2.5",
    crls: () => [p.crl(ca, { custom: [{ oid: "2.5.29.28", critical: true, valueDer: seq() }] })],
  },
  { rules: ["crl-freshestCRL-non-critical"], section: "RFC 5280 5.2.6", crls: () => [p.crl(ca, { custom: [{ oid: "2.5.29.46", critical: true, valueDer: dps }] })] },
  { rules: ["crl-freshestCRL-not-in-delta"], section: "RFC 5280 5.2.6", crls: () => withDelta({ deltaBase: 10, custom: [{ oid: "2.5.29.46", valueDer: dps }] }) },
  { rules: ["crl-authorityInfoAccess-non-critical"], section: "RFC 5280 5.2.7", crls: () => [p.crl(ca, { custom: [{ oid: "1.3.6.1.5.5.7.1.1", critical: true, valueDer: aia }] })] },
  // Entry rules: the entry is another certificate's, so the target stays good.
  {
    rules: ["crl-entry-reasonCode-non-critical"],
    section: "RFC 5280 5.3.1",
    crls: () => [p.crl(ca, { revoked: [{ cert: 4242n, custom: [{ oid: "2.5.29.21", critical: true, valueDer: tlv(0x0a, new Uint8Array([1])) }] }] })],
  },
  {
    rules: ["crl-entry-invalidityDate-non-critical"],
    section: "RFC 5280 5.3.2",
    crls: () => [p.crl(ca, { revoked: [{ cert: 4242n, custom: [{ oid: "2.5.29.24", critical: true, valueDer: generalizedTime(new Date(NOW.getTime() - 86_400_000 * 3)) }] }] })],
  },
  {
    rules: ["crl-entry-certificateIssuer-critical"],
    section: "RFC 5280 5.3.3",
    crls: () => [p.crl(ca, { revoked: [{ cert: 4242n, custom: [{ oid: "2.5.29.29", critical: false, valueDer: seq(tlv(0xa4, ca.nameDer)) }] }] })],
  },
];

describe("strict CRL rules: the CRL is not used in strict, a deviation in the default profile", () => {
  it("a clean generated CRL gives no deviation and is used in strict", async () => {
    const r = await hard([p.crl(ca)], "strict");
    expectValid(r);
    expect(r.deviations).toEqual([]);
    const d = await hard([p.crl(ca)]);
    expectValid(d);
    expect(d.deviations).toEqual([]);
  });

  for (const c of CASES) {
    describe(`${c.rules.join(", ")} (${c.section})`, () => {
      const crls = c.crls();
      it("default profile: valid, each rule listed against the target, naming the CRL", async () => {
        const r = await hard(crls);
        expectValid(r);
        const mine = r.deviations!.filter((d) => d.crl !== undefined);
        expect(mine.map(({ certIndex, rule }) => ({ certIndex, rule }))).toEqual(c.rules.map((rule) => ({ certIndex: 0, rule })));
        expect(mine[0]!.section).toBe(c.section);
        expect(mine[0]!.crl).toContain("issued by CN=CRL Profile CA");
      });
      if (!DELTA_RULES.has(c.rules[0]!))
        it("strict profile: REVOCATION_UNKNOWN for the target, the CRL refused citing the section", async () => {
          const r = await hard(crls, "strict");
          expectError(r, "REVOCATION_UNKNOWN", 0, "CN=CRL Profile EE", "RFC 5280 6.3.3 (k)");
          expect(r.error!.message).toContain(`(${c.section}; strict profile)`);
        });
      // A refused delta leaves the complete CRL, which still holds the target.
      else
        it("strict profile: the delta is not used, so the complete CRL's hold stands: REVOKED", async () => {
          const r = await hard(crls, "strict");
          expectError(r, "REVOKED", 0, "CN=CRL Profile EE", "RFC 5280 6.3.3 (j)");
          expect(r.error!.message).toContain("(certificateHold)");
        });
    });
  }
});
