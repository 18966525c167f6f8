// x509-limbo rfc5280::nc::* (C2SP/x509-limbo limbo/testcases/rfc5280/nc.py) recreated with
// our generator: each case's PKI, its limbo verdict, and certpath's outcome in both profiles.
// Outcomes: "valid", "CODE@certIndex" (0 = leaf, the anchor last), "valid; deviations rule@i".
// NC_EE = NAME_CONSTRAINTS@0. limbo's peer-name checks are not certpath's (it matches no
// host names); every case here turns on the leaf's or an intermediate's own names
// (RFC 5280 6.1.3 (b), (c)), so none is skipped.
//
// | limbo id (rfc5280::nc::)                        | limbo   | strict             | default                                | agrees |
// | ----------------------------------------------- | ------- | ------------------ | -------------------------------------- | ------ |
// | permitted-dns-mismatch                          | FAILURE | NC_EE              | NC_EE                                  | yes |
// | excluded-dns-match                              | FAILURE | NC_EE              | NC_EE                                  | yes |
// | permitted-dns-match                             | SUCCESS | valid              | valid                                  | yes |
// | permitted-dns-match-noncritical                 | FAILURE | PROFILE@1          | valid; deviation nameConstraints-critical@1 | yes (4.2.1.10 MUST, section 4 only) |
// | permitted-dns-match-more                        | SUCCESS | valid              | valid                                  | yes |
// | excluded-dns-match-second                       | FAILURE | NC_EE              | NC_EE                                  | yes |
// | permitted-ip-mismatch                           | FAILURE | NC_EE              | NC_EE                                  | yes |
// | excluded-ipv4-match, excluded-ipv6-match        | FAILURE | NC_EE              | NC_EE                                  | yes |
// | permitted-ipv4-match, permitted-ipv6-match      | SUCCESS | valid              | valid                                  | yes |
// | permitted-dn-mismatch, excluded-dn-match        | FAILURE | NC_EE              | NC_EE                                  | yes |
// | permitted-dn-match                              | SUCCESS | valid              | valid                                  | yes |
// | permitted-dn-match-subject-san-mismatch         | FAILURE | NC_EE              | NC_EE                                  | yes |
// | excluded-dn-match-sub-mismatch                  | FAILURE | NC_EE              | NC_EE                                  | yes |
// | permitted-self-issued                           | SUCCESS | valid              | valid                                  | yes |
// | excluded-self-issued-leaf                       | FAILURE | NAME_CONSTRAINTS@1 | NAME_CONSTRAINTS@1                     | yes (the ICA's own SAN is already outside) |
// | excluded-match-permitted-and-excluded           | FAILURE | NC_EE              | NC_EE                                  | yes |
// | permitted-different-constraint-type             | SUCCESS | valid              | valid                                  | yes |
// | excluded-different-constraint-type              | SUCCESS | valid              | valid                                  | yes |
// | invalid-dnsname-wildcard                        | FAILURE | NAME_CONSTRAINTS@1 | NAME_CONSTRAINTS@1                     | yes (malformed subtree) |
// | invalid-dnsname-leading-period                  | FAILURE | PROFILE@1          | valid; deviation nameConstraints-dNSName-syntax@1 | yes (strict; the default keeps OpenSSL/Go's reading) |
// | invalid-ipv4-address, invalid-ipv6-address      | FAILURE | NAME_CONSTRAINTS@1 | NAME_CONSTRAINTS@1                     | yes (malformed subtree) |
// | invalid-email-address                           | FAILURE | NAME_CONSTRAINTS@1 | NAME_CONSTRAINTS@1                     | yes (malformed subtree) |
// | not-allowed-in-ee-noncritical, -critical        | FAILURE | PROFILE@0          | PROFILE@0                              | yes (nameConstraints-only-in-CA) |
// | intermediate-with-san-rejected-by-intermediate-nc | FAILURE | NAME_CONSTRAINTS@1 | NAME_CONSTRAINTS@1                   | yes |
// | intermediate-with-san-rejected-by-root-nc       | FAILURE | NAME_CONSTRAINTS@1 | NAME_CONSTRAINTS@1                     | yes |
// | restrictive-permits-in-intermediates-narrows    | FAILURE | NC_EE              | NC_EE                                  | yes |
// | restrictive-permits-in-intermediates-widens     | FAILURE | NC_EE              | NC_EE                                  | yes |
// | nc-permits-invalid-dns-san                      | FAILURE | PROFILE@0          | NC_EE                                  | yes (strict: subjectAltName-dNSName-syntax first) |
// | nc-permits-invalid-ip-san                       | FAILURE | PROFILE@0          | NC_EE                                  | yes (strict: subjectAltName-iPAddress-syntax first) |
// | nc-permits-invalid-email-san                    | FAILURE | PROFILE@0          | NC_EE                                  | yes (strict: subjectAltName-rfc822Name-syntax first) |
// | nc-forbids-alternate-chain-ica                  | SUCCESS | valid              | valid                                  | yes |
// | nc-forbids-same-chain-ica                       | SUCCESS | valid              | valid                                  | yes |
// | nc-permits-email-exact, nc-permits-email-domain | SUCCESS | valid              | valid                                  | yes |
// | nc-forbids-othername                            | FAILURE | NC_EE              | NC_EE                                  | yes |
// | nc-forbids-othername-noop                       | SUCCESS | valid              | valid                                  | yes |
//
// 41 cases: 41 agree (invalid-dnsname-leading-period since the strict rule
// nameConstraints-dNSName-syntax; before it both profiles accepted), 0 not applicable.
import { describe, expect, it } from "vitest";
import { EKU_OIDS, type CertOptions, type Entity } from "../../testsuite/src/generate/pki.js";
import { pki } from "../rules/helpers.js";
import { both, same } from "./helpers.js";

const p = pki("limbo-nc");
const SERVER = [EKU_OIDS.serverAuth!];
const CLIENT = [EKU_OIDS.clientAuth!];

type NC = { permitted?: string[]; excluded?: string[] };
/** A trust anchor (limbo's root_ca), optionally with name constraints. */
const root = (name: string, nc?: NC, o: CertOptions = {}) =>
  p.root(name, { ...o, extensions: { ...(nc ? { nameConstraints: nc } : {}), ...o.extensions } });
/** An intermediate CA (limbo's intermediate_ca). */
const ica = (name: string, issuer: Entity, nc?: NC, o: CertOptions = {}) =>
  p.ca(name, issuer, { ...o, extensions: { ...(nc ? { nameConstraints: nc } : {}), ...o.extensions } });
/** A leaf (limbo's leaf_cert: subject CN=x509-limbo-ee, serverAuth unless `eku` says otherwise). */
const leaf = (issuer: Entity, san: string[] | null, o: CertOptions & { name?: string; eku?: string[] } = {}) =>
  p.ee(o.name ?? "CN=x509-limbo-ee", issuer, {
    ...o,
    extensions: { extKeyUsage: o.eku ?? ["serverAuth"], ...(san ? { subjectAltName: san } : {}), ...o.extensions },
  });
const server = (ee: Entity, anchors: Entity[], intermediates: Entity[] = []) =>
  both(ee, { anchors, intermediates, options: { extendedKeyUsage: SERVER } });
const client = (ee: Entity, anchors: Entity[], intermediates: Entity[] = []) =>
  both(ee, { anchors, intermediates, options: { extendedKeyUsage: CLIENT } });

const NC_FAIL_EE = same("NAME_CONSTRAINTS@0");

describe("x509-limbo rfc5280::nc", () => {
  it("rfc5280::nc::permitted-dns-mismatch", async () => {
    const r = root("CN=NC Root 1", { permitted: ["dns:example.com"] });
    expect(await server(leaf(r, ["dns:not-example.com"]), [r])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::excluded-dns-match", async () => {
    const r = root("CN=NC Root 2");
    const i = ica("CN=NC ICA 2", r, { excluded: ["dns:example.com"] });
    expect(await server(leaf(i, ["dns:example.com"]), [r], [i])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::permitted-dns-match", async () => {
    const r = root("CN=NC Root 3", { permitted: ["dns:example.com"] });
    expect(await server(leaf(r, ["dns:example.com"]), [r])).toEqual(same("valid"));
  });

  it("rfc5280::nc::permitted-dns-match-noncritical", async () => {
    const r = root("CN=NC Root 4", { permitted: ["dns:example.com"] }, { extensions: { critical: { nameConstraints: false } } });
    expect(await server(leaf(r, ["dns:example.com"]), [r])).toEqual({
      strict: "PROFILE@1",
      rfc5280: "valid; deviations nameConstraints-critical@1",
    });
  });

  it("rfc5280::nc::permitted-dns-match-more", async () => {
    const r = root("CN=NC Root 5", { permitted: ["dns:example.com"] });
    expect(await server(leaf(r, ["dns:foo.bar.example.com"]), [r])).toEqual(same("valid"));
  });

  it("rfc5280::nc::excluded-dns-match-second", async () => {
    const r = root("CN=NC Root 6", { excluded: ["dns:not-allowed.example.com"] });
    expect(await server(leaf(r, ["dns:example.com", "dns:not-allowed.example.com"]), [r])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::permitted-ip-mismatch", async () => {
    const r = root("CN=NC Root 7", { permitted: ["ip:192.0.2.0/24"] });
    expect(await server(leaf(r, ["ip:192.0.3.1"]), [r])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::excluded-ipv4-match", async () => {
    const r = root("CN=NC Root 8", { excluded: ["ip:192.0.2.0/24"] });
    expect(await server(leaf(r, ["ip:192.0.2.1"]), [r])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::excluded-ipv6-match", async () => {
    const r = root("CN=NC Root 9", { excluded: ["ip:::1/128"] });
    expect(await server(leaf(r, ["ip:::1"]), [r])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::permitted-ipv4-match", async () => {
    const r = root("CN=NC Root 10", { permitted: ["ip:192.0.2.0/24"] });
    expect(await server(leaf(r, ["ip:192.0.2.1"]), [r])).toEqual(same("valid"));
  });

  it("rfc5280::nc::permitted-ipv6-match", async () => {
    const r = root("CN=NC Root 11", { permitted: ["ip:::1/128"] });
    expect(await server(leaf(r, ["ip:::1"]), [r])).toEqual(same("valid"));
  });

  it("rfc5280::nc::permitted-dn-mismatch", async () => {
    const r = root("CN=NC Root 12", { permitted: ["dn:CN=foo"] });
    expect(await server(leaf(r, ["dn:CN=not-foo"], { name: "CN=not-foo" }), [r])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::excluded-dn-match", async () => {
    const r = root("CN=NC Root 13", { excluded: ["dn:CN=foo"] });
    expect(await server(leaf(r, ["dn:CN=foo"], { name: "CN=foo" }), [r])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::permitted-dn-match", async () => {
    const r = root("CN=NC Root 14", { permitted: ["dn:CN=foo"] });
    expect(await server(leaf(r, ["dn:CN=foo"], { name: "CN=foo" }), [r])).toEqual(same("valid"));
  });

  it("rfc5280::nc::permitted-dn-match-subject-san-mismatch", async () => {
    const r = root("CN=NC Root 15", { permitted: ["dn:CN=foo"] });
    expect(await server(leaf(r, ["dn:CN=foo"], { name: "CN=not-foo" }), [r])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::excluded-dn-match-sub-mismatch", async () => {
    const r = root("CN=NC Root 16", { excluded: ["dn:CN=foo"] });
    expect(await server(leaf(r, ["dn:CN=not-foo"], { name: "CN=foo" }), [r])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::permitted-self-issued", async () => {
    // The anchor and the intermediate both named CN=not-example.com with a SAN outside the
    // anchor's permitted subtree: the intermediate is self-issued (RFC 5280 6.1.4 (b) skips it).
    const r = root("CN=not-example.com", { permitted: ["dns:example.com"] }, { extensions: { subjectAltName: ["dns:not-example.com"] } });
    const i = ica("CN=not-example.com", r, undefined, { keySeed: "ica", extensions: { subjectAltName: ["dns:not-example.com"] } });
    expect(await server(leaf(i, ["dns:example.com"]), [r], [i])).toEqual(same("valid"));
  });

  it("rfc5280::nc::excluded-self-issued-leaf", async () => {
    const r = root("CN=NC Root 18", { permitted: ["dns:example.com"] });
    const i = ica("CN=not-example.com", r, undefined, { extensions: { subjectAltName: ["dns:not-example.com"] } });
    const ee = leaf(i, ["dns:not-example.com"], { name: "CN=not-example.com", keySeed: "leaf" });
    expect(await server(ee, [r], [i])).toEqual(same("NAME_CONSTRAINTS@1"));
  });

  it("rfc5280::nc::excluded-self-issued-leaf, variant: the ICA inside the subtree, so only the self-issued leaf is outside", async () => {
    // What the limbo case says it tests (its ICA already breaks the constraint): a self-issued
    // certificate escapes name constraints except as the final certificate (RFC 5280 6.1.3 (b), (c); 4.2.1.10).
    const r = root("CN=NC Root 18b", { permitted: ["dns:example.com"] });
    const i = ica("CN=NC ICA 18b", r, undefined, { extensions: { subjectAltName: ["dns:ica.example.com"] } });
    const ee = leaf(i, ["dns:not-example.com"], { name: "CN=NC ICA 18b", keySeed: "leaf" });
    expect(await server(ee, [r], [i])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::excluded-match-permitted-and-excluded", async () => {
    const r = root("CN=NC Root 19", { permitted: ["dns:example.com"], excluded: ["dns:example.com"] });
    expect(await server(leaf(r, ["dns:example.com"]), [r])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::permitted-different-constraint-type", async () => {
    const r = root("CN=NC Root 20", { permitted: ["ip:192.0.2.0/24"] });
    expect(await server(leaf(r, ["dns:example.com"]), [r])).toEqual(same("valid"));
  });

  it("rfc5280::nc::excluded-different-constraint-type", async () => {
    const r = root("CN=NC Root 21", { excluded: ["ip:192.0.2.0/24"] });
    expect(await server(leaf(r, ["dns:example.com"]), [r])).toEqual(same("valid"));
  });

  it("rfc5280::nc::invalid-dnsname-wildcard", async () => {
    const r = root("CN=NC Root 22", { permitted: ["dns:*.example.com"] });
    expect(await server(leaf(r, ["dns:foo.example.com"]), [r])).toEqual(same("NAME_CONSTRAINTS@1"));
  });

  it("rfc5280::nc::invalid-dnsname-leading-period", async () => {
    // RFC 5280 4.2.1.10 gives DNS restrictions as "host.example.com"; the leading period is
    // the URI and rfc822Name form. OpenSSL, NSS and Go accept it for DNS too (read as
    // "strictly below example.com", golang/go#37535), so the default profile keeps that
    // reading and lists the deviation; strict rejects the anchor.
    const r = root("CN=NC Root 23", { permitted: ["dns:.example.com"] });
    expect(await server(leaf(r, ["dns:foo.example.com"]), [r])).toEqual({
      strict: "PROFILE@1",
      rfc5280: "valid; deviations nameConstraints-dNSName-syntax@1",
    });
  });

  it("rfc5280::nc::invalid-ipv4-address", async () => {
    const r = root("CN=NC Root 24", { permitted: ["ip:127.0.0.1"] });
    expect(await server(leaf(r, ["ip:127.0.0.1"]), [r])).toEqual(same("NAME_CONSTRAINTS@1"));
  });

  it("rfc5280::nc::invalid-ipv6-address", async () => {
    const r = root("CN=NC Root 25", { permitted: ["ip:::1"] });
    expect(await server(leaf(r, ["ip:::1"]), [r])).toEqual(same("NAME_CONSTRAINTS@1"));
  });

  it("rfc5280::nc::invalid-email-address", async () => {
    const r = root("CN=NC Root 26", { permitted: ["email:invalid@invalid@example.com"] });
    expect(await client(leaf(r, ["email:example@example.com"], { eku: ["clientAuth"] }), [r])).toEqual(same("NAME_CONSTRAINTS@1"));
  });

  it("rfc5280::nc::not-allowed-in-ee-noncritical", async () => {
    const r = root("CN=NC Root 27");
    const ee = leaf(r, ["dns:example.com"], { extensions: { nameConstraints: { permitted: ["dns:example.com"] }, critical: { nameConstraints: false } } });
    expect(await server(ee, [r])).toEqual(same("PROFILE@0"));
  });

  it("rfc5280::nc::not-allowed-in-ee-critical", async () => {
    const r = root("CN=NC Root 28");
    const ee = leaf(r, ["dns:example.com"], { extensions: { nameConstraints: { permitted: ["dns:example.com"] } } });
    expect(await server(ee, [r])).toEqual(same("PROFILE@0"));
  });

  it("rfc5280::nc::intermediate-with-san-rejected-by-intermediate-nc", async () => {
    const r = root("CN=NC Root 29");
    const i1 = ica("CN=NC ICA 29a", r, { permitted: ["dns:permitted.example.com"], excluded: ["dns:forbidden.example.com"] });
    const i2 = ica("CN=NC ICA 29b", i1, undefined, { extensions: { subjectAltName: ["dns:forbidden.example.com"] } });
    expect(await server(leaf(i2, ["dns:permitted.example.com"]), [r], [i1, i2])).toEqual(same("NAME_CONSTRAINTS@1"));
  });

  it("rfc5280::nc::intermediate-with-san-rejected-by-root-nc", async () => {
    const r = root("CN=NC Root 30", { permitted: ["dns:permitted.example.com"], excluded: ["dns:forbidden.example.com"] });
    const i1 = ica("CN=NC ICA 30a", r);
    const i2 = ica("CN=NC ICA 30b", i1, undefined, { extensions: { subjectAltName: ["dns:forbidden.example.com"] } });
    expect(await server(leaf(i2, ["dns:permitted.example.com"]), [r], [i1, i2])).toEqual(same("NAME_CONSTRAINTS@1"));
  });

  it("rfc5280::nc::restrictive-permits-in-intermediates-narrows", async () => {
    const r = root("CN=NC Root 31");
    const i1 = ica("CN=NC ICA 31a", r, { permitted: ["dns:foo.example.com", "dns:bar.example.com"] });
    const i2 = ica("CN=NC ICA 31b", i1, { permitted: ["dns:bar.example.com"] });
    expect(await server(leaf(i2, ["dns:foo.example.com"]), [r], [i1, i2])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::restrictive-permits-in-intermediates-widens", async () => {
    const r = root("CN=NC Root 32");
    const i1 = ica("CN=NC ICA 32a", r, { permitted: ["dns:bar.example.com"] });
    const i2 = ica("CN=NC ICA 32b", i1, { permitted: ["dns:foo.example.com", "dns:bar.example.com"] });
    expect(await server(leaf(i2, ["dns:foo.example.com"]), [r], [i1, i2])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::nc-permits-invalid-dns-san", async () => {
    const r = root("CN=NC Root 33");
    const i = ica("CN=NC ICA 33", r, { permitted: ["dns:example.com"] });
    expect(await server(leaf(i, ["dns:.example.com", "dns:foo.example.com"]), [r], [i])).toEqual({ strict: "PROFILE@0", rfc5280: "NAME_CONSTRAINTS@0" });
  });

  it("rfc5280::nc::nc-permits-invalid-ip-san", async () => {
    const r = root("CN=NC Root 34");
    const i = ica("CN=NC ICA 34", r, { permitted: ["ip:192.0.2.0/24"] });
    expect(await server(leaf(i, ["ip:192.0.2.0/24", "ip:192.0.2.1"]), [r], [i])).toEqual({ strict: "PROFILE@0", rfc5280: "NAME_CONSTRAINTS@0" });
  });

  it("rfc5280::nc::nc-permits-invalid-email-san", async () => {
    const r = root("CN=NC Root 35");
    const i = ica("CN=NC ICA 35", r, { permitted: ["email:example.com"] });
    const ee = leaf(i, ["email:good@example.com", "email:alsogood@example.com", "email:invalid@address@example.com"], { eku: ["clientAuth"] });
    expect(await client(ee, [r], [i])).toEqual({ strict: "PROFILE@0", rfc5280: "NAME_CONSTRAINTS@0" });
  });

  it("rfc5280::nc::nc-forbids-alternate-chain-ica", async () => {
    const discarded = root("CN=NC Root 36 Discarded");
    const trusted = root("CN=NC Root 36 Trusted");
    const a = ica("CN=NC ICA 36 A", trusted, { permitted: ["dns:permitted.example.com"], excluded: ["dns:forbidden.example.com"] });
    const key = p.keyFor("CN=an-intermediate 36");
    const b1 = ica("CN=an-intermediate", discarded, undefined, { key, extensions: { subjectAltName: ["dns:forbidden.example.com"] } });
    const b2 = ica("CN=an-intermediate", a, undefined, { key });
    const ee = leaf(b1, ["dns:permitted.example.com"], { name: "CN=permitted.example.com" });
    const got = await server(ee, [trusted], [a, b1, b2]);
    expect(got).toEqual(same("valid"));
  });

  it("rfc5280::nc::nc-forbids-same-chain-ica", async () => {
    const rootA = root("CN=NC Root 37 A");
    const rootB = root("CN=NC Root 37 B");
    const a = ica("CN=NC ICA 37 A", rootA, { excluded: ["dns:forbidden.example.com"] });
    const key = p.keyFor("CN=an-intermediate 37");
    const b1 = ica("CN=an-intermediate", a, undefined, { key, extensions: { subjectAltName: ["dns:forbidden.example.com"] } });
    const b2 = ica("CN=an-intermediate", rootB, undefined, { key, extensions: { subjectAltName: ["dns:unconstrained-ica.example.com"] } });
    const ee = leaf(b1, ["dns:unconstrained.example.com"], { name: "CN=unconstrained.example.com" });
    expect(await server(ee, [rootA, rootB], [a, b1, b2])).toEqual(same("valid"));
  });

  it("rfc5280::nc::nc-permits-email-exact", async () => {
    const r = root("CN=NC Root 38");
    const i = ica("CN=NC ICA 38", r, { permitted: ["email:foo@example.com"] });
    expect(await client(leaf(i, ["email:foo@example.com"], { eku: ["clientAuth"] }), [r], [i])).toEqual(same("valid"));
  });

  it("rfc5280::nc::nc-permits-email-domain", async () => {
    const r = root("CN=NC Root 39");
    const i = ica("CN=NC ICA 39", r, { permitted: ["email:example.com"] });
    expect(await client(leaf(i, ["email:foo@example.com"], { eku: ["clientAuth"] }), [r], [i])).toEqual(same("valid"));
  });

  // A private otherName type (1.3.6.1.4.1.55738.666.3) with the value NULL.
  const ON = "other:1.3.6.1.4.1.55738.666.3:0500";

  it("rfc5280::nc::nc-forbids-othername", async () => {
    const r = root("CN=NC Root 40");
    const i = ica("CN=NC ICA 40", r, { permitted: ["dns:example.com"], excluded: [ON] });
    expect(await server(leaf(i, ["dns:example.com", ON]), [r], [i])).toEqual(NC_FAIL_EE);
  });

  it("rfc5280::nc::nc-forbids-othername-noop", async () => {
    const r = root("CN=NC Root 41");
    const i = ica("CN=NC ICA 41", r, { permitted: ["dns:example.com"], excluded: [ON] });
    expect(await server(leaf(i, ["dns:example.com"]), [r], [i])).toEqual(same("valid"));
  });
});
