// LDAP retrieval against a real OpenLDAP slapd on 127.0.0.1 (one per file, its own
// temporary database): certificates from cACertificate and from either element of a
// crossCertificatePair (RFC 4523), CRLs from certificateRevocationList,
// authorityRevocationList and deltaRevocationList, with and without ";binary"; an entry
// with no certificate; a directory that is down (soft passes with a warning, hard
// fails), one that never answers (the fetch timeout and the call's budget), an oversized
// attribute (the byte cap), a referral (followed only when allowed), escaped DNs in
// URLs, simple bind, the host allow-list and the private-address rule, and the
// directory issuer source (lookup by the child's issuer DN).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VerifyOptions, VerifyResult } from "../../src/index.js";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { explicit, seq } from "../../testsuite/src/generate/der.js";
import { expectCode, expectPathDers, expectValid, pki, run } from "../discovery/helpers.js";
import { caEntry, freePort, referralEntry, startSlapd, tlsKeyPem, type LdifEntry, type Slapd } from "../../testsuite/src/published/slapd.js";

const p = pki("ldap-retrieval");
const O = "O=LdapTest,C=US";
const root = p.root(`CN=LDAP Root,${O}`);

let slapd: Slapd;
/** 127.0.0.1:port of slapd, and a port where nothing listens. */
let H = "";
let DEAD = "";

const pair = (forward?: Entity, reverse?: Entity) => seq(...(forward ? [explicit(0, forward.der)] : []), ...(reverse ? [explicit(1, reverse.der)] : []));
const ca = (cn: string, opts: Parameters<typeof p.ca>[2] = {}) => p.ca(`CN=${cn},${O}`, root, opts);

// CAs without URLs in them: built now (the issuing CA names the root's ARL: built with the port).
let issuing: Entity;
const fwdCa = ca("Forward CA");
const revCa = ca("Reverse CA");
const emptyCa = ca("Empty CA");
const escCa = ca("Smith\\, Jones \\+ Co CA");
// 40,000 bytes of extension: the certificate alone is over 40 KB.
const bigCa = ca("Big CA", { extensions: { custom: [{ oid: "1.3.6.1.4.1.55555.1", valueDer: new Uint8Array([0x04, 0x82, 0x9c, 0x40, ...new Uint8Array(40_000).fill(7)]) }] } });
const movedCa = ca("Moved CA");
const privCa = ca("Private CA");
const dirCa = ca("Directory CA");
// The directory's TLS certificate for ldaps (P-256; valid at the real time of the run, which TLS checks).
const tlsRoot = p.root("CN=LDAP TLS Root,O=LdapTest,C=US", { keyAlg: "p256" });
const tlsServer = p.ee("CN=127.0.0.1,O=LdapTest,C=US", tlsRoot, {
  keyAlg: "p256",
  notBefore: new Date(Date.now() - 86_400_000),
  notAfter: new Date(Date.now() + 30 * 86_400_000),
  extensions: { subjectAltName: ["ip:127.0.0.1"], extKeyUsage: ["serverAuth"], keyUsage: ["digitalSignature"] },
});
const outsideRoot = p.root("CN=Outside Root,O=Elsewhere,C=US");
const outsideCa = p.ca("CN=Outside CA,O=Elsewhere,C=US", outsideRoot);

/** URL-dependent material, made once the port is known. */
interface Built {
  icaCrlUrl: string;
  arlUrl: string;
  deltaBaseUrl: string;
  deltaUrl: string;
  deadCrlUrl: string;
  crlLeaf: Entity;
  revokedLeaf: Entity;
  deltaCa: Entity;
  deltaLeaf: Entity;
  deltaRevokedLeaf: Entity;
  deadLeaf: Entity;
  /** A leaf whose CRL URL no other test fetches (the fetch cache never answers for it). */
  slowLeaf: Entity;
  slowCrlUrl: string;
}
let B: Built;

function build(): { built: Built; entries: LdifEntry[] } {
  const url = (dn: string, attrs: string) => `ldap://${H}/${encodeURI(dn)}?${attrs}`;
  const icaCrlUrl = url("cn=LDAP Issuing CA,o=LdapTest,c=US", "certificateRevocationList;binary");
  const arlUrl = url("cn=LDAP Root,o=LdapTest,c=US", "authorityRevocationList;binary");
  const deltaBaseUrl = url("cn=Delta CA,o=LdapTest,c=US", "certificateRevocationList");
  const deltaUrl = url("cn=Delta CA,o=LdapTest,c=US", "deltaRevocationList;binary");
  const deadCrlUrl = `ldap://${DEAD}/cn=LDAP%20Issuing%20CA,o=LdapTest,c=US?certificateRevocationList;binary`;
  const withCrl = (issuer: Entity, cn: string, crl: string[], freshest?: string[]) =>
    p.ee(`CN=${cn},${O}`, issuer, { extensions: { crlDistributionPoints: crl, ...(freshest ? { freshestCrl: freshest } : {}) } });
  issuing = ca("LDAP Issuing CA", { extensions: { crlDistributionPoints: [arlUrl] } });
  const slowCrlUrl = `${icaCrlUrl}?base?(objectClass=pkiCA)`;
  const slowLeaf = withCrl(issuing, "slow directory leaf", [slowCrlUrl]);
  const crlLeaf = withCrl(issuing, "crl leaf", [icaCrlUrl]);
  const revokedLeaf = withCrl(issuing, "revoked leaf", [icaCrlUrl]);
  const deadLeaf = withCrl(issuing, "dead directory leaf", [deadCrlUrl]);
  const deltaCa = p.ca(`CN=Delta CA,${O}`, root, { extensions: { crlDistributionPoints: [arlUrl] } });
  const deltaLeaf = withCrl(deltaCa, "delta leaf", [deltaBaseUrl], [deltaUrl]);
  const deltaRevokedLeaf = withCrl(deltaCa, "delta revoked leaf", [deltaBaseUrl], [deltaUrl]);
  const fullCrl = p.crl(issuing, { revoked: [revokedLeaf] });
  const arl = p.crl(root);
  const baseCrl = p.crl(deltaCa, { crlNumber: 10, freshestCrl: [deltaUrl] });
  const delta = p.crl(deltaCa, { crlNumber: 11, deltaBase: 10, revoked: [deltaRevokedLeaf] });
  const entries: LdifEntry[] = [
    caEntry("cn=LDAP Root,o=LdapTest,c=US", { "crossCertificatePair;binary": pair(undefined, revCa), "authorityRevocationList;binary": arl.der }),
    caEntry("cn=LDAP Issuing CA,o=LdapTest,c=US", { "cACertificate;binary": issuing.der, "certificateRevocationList;binary": fullCrl.der }),
    caEntry("cn=Delta CA,o=LdapTest,c=US", { "cACertificate;binary": deltaCa.der, "certificateRevocationList;binary": baseCrl.der, "deltaRevocationList;binary": delta.der }),
    caEntry("cn=Forward CA,o=LdapTest,c=US", { "crossCertificatePair;binary": pair(fwdCa) }),
    caEntry("cn=Empty CA,o=LdapTest,c=US", {}),
    caEntry("cn=Smith\\, Jones \\+ Co CA,o=LdapTest,c=US", { "cACertificate;binary": escCa.der }),
    caEntry("cn=Big CA,o=LdapTest,c=US", { "cACertificate;binary": bigCa.der }),
    referralEntry("cn=Moved CA,o=LdapTest,c=US", `ldap://${H}/cn=Moved%20CA,o=Elsewhere,c=US`),
    caEntry("cn=Moved CA,o=Elsewhere,c=US", { "cACertificate;binary": movedCa.der }),
    caEntry("cn=Outside CA,o=Elsewhere,c=US", { "cACertificate;binary": outsideCa.der }),
    caEntry("cn=Private CA,o=Private,c=US", { "cACertificate;binary": privCa.der }),
    caEntry("cn=Directory CA,o=LdapTest,c=US", { "cACertificate;binary": dirCa.der }),
    { dn: "cn=reader,c=US", objectClass: ["person"], attrs: { cn: "reader", sn: "reader", userPassword: "reader-secret" } },
  ];
  return { built: { icaCrlUrl, arlUrl, deltaBaseUrl, deltaUrl, deadCrlUrl, crlLeaf, revokedLeaf, deltaCa, deltaLeaf, deltaRevokedLeaf, deadLeaf, slowLeaf, slowCrlUrl }, entries };
}

beforeAll(async () => {
  const port = await freePort();
  H = `127.0.0.1:${port}`;
  DEAD = `127.0.0.1:${await freePort()}`;
  const { built, entries } = build();
  B = built;
  slapd = await startSlapd({
    suffix: "c=US",
    port,
    entries,
    tls: { certPem: tlsServer.pem, keyPem: tlsKeyPem(tlsServer.key.privateKey!) },
    access: [
      "access to attrs=userPassword by anonymous auth by * none",
      'access to dn.subtree="o=Private,c=US" by users read by * none',
      "access to * by * read",
    ],
  });
});

afterAll(async () => {
  await slapd?.stop();
});

/** An LDAP URL on the test directory; `dn` is written into the URL as given (already percent-encoded). */
const url = (dn: string, attrs: string) => `ldap://${H}/${dn}?${attrs}`;
const leaf = (issuer: Entity, cn: string, aia: string[]) => p.ee(`CN=${cn},${O}`, issuer, { extensions: { authorityInfoAccess: { caIssuers: aia } } });
const fetchOpts = (fetchPolicy: VerifyOptions["fetchPolicy"] = {}, revocation: VerifyOptions["revocation"] = {}): Partial<VerifyOptions> => ({
  revocation: { fetch: true, ...revocation },
  fetchPolicy: { allowPrivateAddresses: true, ...fetchPolicy },
});
const FETCH = fetchOpts();
const line = (r: VerifyResult, u: string) => r.fetched?.find((f) => f.startsWith(`fetched ${u}: `) || f.startsWith(`failed ${u}: `));

describe("certificates from a real slapd", () => {
  it("cACertificate;binary at the AIA URL: found, validated, listed in `fetched`", async () => {
    const u = url("cn=LDAP%20Issuing%20CA,o=LdapTest,c=US", "cACertificate;binary");
    const ee = leaf(issuing, "aia leaf", [u]);
    const r = await run(ee, { anchors: [root], options: FETCH });
    expectValid(r);
    expectPathDers(r, [ee.der, issuing.der, root.der]);
    expect(r.fetched).toEqual([`fetched ${u}: LDAP 1 value(s) of cacertificate`]);
  });

  it("cACertificate without ;binary", async () => {
    const u = url("cn=LDAP%20Issuing%20CA,o=LdapTest,c=US", "cACertificate");
    const r = await run(leaf(issuing, "plain attr leaf", [u]), { anchors: [root], options: FETCH });
    expectValid(r);
    expect(r.fetched).toEqual([`fetched ${u}: LDAP 1 value(s) of cacertificate`]);
  });

  it("a crossCertificatePair with only the forward element (issuedToThisCA), in the CA's own entry", async () => {
    const u = url("cn=Forward%20CA,o=LdapTest,c=US", "crossCertificatePair;binary");
    const ee = leaf(fwdCa, "forward leaf", [u]);
    const r = await run(ee, { anchors: [root], options: FETCH });
    expectValid(r);
    expectPathDers(r, [ee.der, fwdCa.der, root.der]);
    expect(r.fetched).toEqual([`fetched ${u}: LDAP 1 value(s) of crosscertificatepair`]);
  });

  it("a crossCertificatePair with only the reverse element (issuedByThisCA), in the issuer's entry", async () => {
    const u = url("cn=LDAP%20Root,o=LdapTest,c=US", "crossCertificatePair;binary");
    const ee = leaf(revCa, "reverse leaf", [u]);
    const r = await run(ee, { anchors: [root], options: FETCH });
    expectValid(r);
    expectPathDers(r, [ee.der, revCa.der, root.der]);
    expect(r.fetched).toEqual([`fetched ${u}: LDAP 1 value(s) of crosscertificatepair`]);
  });

  it("an entry holding no certificate: fetched, nothing found, NO_PATH", async () => {
    const u = url("cn=Empty%20CA,o=LdapTest,c=US", "cACertificate;binary,crossCertificatePair;binary");
    const r = await run(leaf(emptyCa, "empty leaf", [u]), { anchors: [root], options: FETCH });
    expectCode(r, "NO_PATH");
    expect(r.fetched).toEqual([`fetched ${u}: LDAP entry "cn=Empty CA,o=LdapTest,c=US" holds none of cACertificate;binary, crossCertificatePair;binary`]);
  });

  it("an entry that does not exist: a failed fetch naming noSuchObject", async () => {
    const u = url("cn=Nobody,o=LdapTest,c=US", "cACertificate;binary");
    const r = await run(leaf(emptyCa, "missing leaf", [u]), { anchors: [root], options: FETCH });
    expectCode(r, "NO_PATH");
    expect(r.fetched).toEqual([`failed ${u}: no such entry "cn=Nobody,o=LdapTest,c=US" (LDAP noSuchObject)`]);
  });

  it("escaped DNs in URLs: the \\2C hex form and the \\, \\+ forms, percent-encoded (RFC 4516 2.1, RFC 4514 2.4)", async () => {
    const hexForm = url("cn=Smith%5C2C%20Jones%20%5C2B%20Co%20CA,o=LdapTest,c=US", "cACertificate;binary");
    const charForm = url("cn=Smith%5C,%20Jones%20%5C+%20Co%20CA,o=LdapTest,c=US", "cACertificate;binary");
    for (const [i, u] of [hexForm, charForm].entries()) {
      const ee = leaf(escCa, `escaped leaf ${i}`, [u]);
      const r = await run(ee, { anchors: [root], options: FETCH });
      expectValid(r);
      expectPathDers(r, [ee.der, escCa.der, root.der]);
      expect(r.fetched).toEqual([`fetched ${u}: LDAP 1 value(s) of cacertificate`]);
    }
  });
});

describe("CRLs from a real slapd", () => {
  it("certificateRevocationList;binary and authorityRevocationList;binary: every status determined in hard mode", async () => {
    const r = await run(B.deltaLeaf, { intermediates: [B.deltaCa], anchors: [root], options: fetchOpts({}, { mode: "hard", preference: "crl-only" }) });
    expectValid(r);
    expect(r.revocation?.map((s) => s.status)).toEqual(["good", "good"]);
    expect(line(r, B.arlUrl)).toBe(`fetched ${B.arlUrl}: LDAP 1 value(s) of authorityrevocationlist`);
    expect(line(r, B.deltaBaseUrl)).toBe(`fetched ${B.deltaBaseUrl}: LDAP 1 value(s) of certificaterevocationlist`);
  });

  it("a certificate on the LDAP CRL: REVOKED", async () => {
    const good = await run(B.crlLeaf, { intermediates: [issuing], anchors: [root], options: fetchOpts({}, { mode: "soft" }) });
    expectValid(good);
    expect(good.revocation?.[0]?.status).toBe("good");
    const r = await run(B.revokedLeaf, { intermediates: [issuing], anchors: [root], options: fetchOpts({}, { mode: "soft" }) });
    expectCode(r, "REVOKED");
    expect(r.error!.certIndex).toBe(0);
    expect(line(r, B.icaCrlUrl)).toBe(`fetched ${B.icaCrlUrl}: LDAP 1 value(s) of certificaterevocationlist`);
  });

  it("deltaRevocationList;binary (freshest CRL, RFC 5280 5.2.4): the delta's entry revokes", async () => {
    const r = await run(B.deltaRevokedLeaf, { intermediates: [B.deltaCa], anchors: [root], options: fetchOpts({}, { mode: "hard", preference: "crl-only" }) });
    expectCode(r, "REVOKED");
    expect(line(r, B.deltaUrl)).toBe(`fetched ${B.deltaUrl}: LDAP 1 value(s) of deltarevocationlist`);
  });

  it("a directory that is down: soft mode passes with a warning, hard mode fails", async () => {
    const soft = await run(B.deadLeaf, { intermediates: [issuing], anchors: [root], options: fetchOpts({}, { mode: "soft", preference: "crl-only" }) });
    expectValid(soft);
    expect(soft.revocation?.[0]?.status).toBe("unknown");
    expect(soft.revocation?.[1]?.status).toBe("good");
    expect(soft.warnings).toHaveLength(1);
    expect(soft.warnings?.[0]).toMatch(/^certificate #0 \(.*dead directory leaf.*\): revocation status unknown \(soft mode passes it\)/);
    // The socket error (ECONNREFUSED and the address) is not passed on: it would map internal ports (issue 10 item 4).
    expect(line(soft, B.deadCrlUrl)).toBe(`failed ${B.deadCrlUrl}: failed: no answer (connection error or timeout)`);
    const hard = await run(B.deadLeaf, { intermediates: [issuing], anchors: [root], options: fetchOpts({}, { mode: "hard", preference: "crl-only" }) });
    expectCode(hard, "REVOCATION_UNKNOWN");
    expect(hard.error!.certIndex).toBe(0);
  });

  it("a directory that accepts and never answers (slapd stopped with SIGSTOP): the fetch timeout, then the call's budget", async () => {
    await slapd.pause();
    try {
      const r = await run(B.slowLeaf, { intermediates: [issuing], anchors: [root], options: fetchOpts({ timeoutMs: 300 }, { mode: "hard", preference: "crl-only" }) });
      expectCode(r, "REVOCATION_UNKNOWN");
      // A silent directory reads like a refused one (as for HTTP): no port-state oracle.
      expect(line(r, B.slowCrlUrl)).toBe(`failed ${B.slowCrlUrl}: failed: no answer (connection error or timeout)`);
      const t0 = Date.now();
      const b = await run(B.slowLeaf, {
        intermediates: [issuing],
        anchors: [root],
        options: { ...fetchOpts({ timeoutMs: 60_000 }, { mode: "hard", preference: "crl-only" }), limits: { timeoutMs: 400 } },
      });
      expect(Date.now() - t0, "hang guard").toBeLessThan(10_000);
      expectCode(b, "BUDGET_EXCEEDED");
      expect(line(b, B.slowCrlUrl)).toBe(`failed ${B.slowCrlUrl}: failed: no answer (connection error or timeout)`);
    } finally {
      slapd.resume();
    }
  });
});

describe("fetch policy on LDAP", () => {
  it("an oversized attribute: refused at the byte cap, accepted under the default cap", async () => {
    const u = url("cn=Big%20CA,o=LdapTest,c=US", "cACertificate;binary");
    const ee = leaf(bigCa, "big leaf", [u]);
    const capped = await run(ee, { anchors: [root], options: fetchOpts({ maxBytes: 16_384 }) });
    expectCode(capped, "NO_PATH");
    expect(capped.fetched).toEqual([`failed ${u}: answer exceeds the 16384-byte cap`]);
    const r = await run(ee, { anchors: [root], options: FETCH });
    expectValid(r);
  });

  it("a referral (RFC 4511 4.1.10): not followed by default; followed, and said, when allowed", async () => {
    const u = url("cn=Moved%20CA,o=LdapTest,c=US", "cACertificate;binary");
    const ee = leaf(movedCa, "moved leaf", [u]);
    const off = await run(ee, { anchors: [root], options: FETCH });
    expectCode(off, "NO_PATH");
    expect(off.fetched).toEqual([`failed ${u}: the directory answered with a referral (RFC 4511 4.1.10); not followed (fetchPolicy.ldap.followReferrals is off)`]);
    const on = await run(ee, { anchors: [root], options: fetchOpts({ ldap: { followReferrals: true } }) });
    expectValid(on);
    expectPathDers(on, [ee.der, movedCa.der, root.der]);
    expect(on.fetched).toEqual([`fetched ${u}: LDAP 1 value(s) of cacertificate via referral to ${H}`]);
  });

  it("a referral to a host outside the allow-list is not followed", async () => {
    const u = url("cn=Moved%20CA,o=LdapTest,c=US", "cACertificate;binary");
    const r = await run(leaf(movedCa, "moved leaf 2", [u]), { anchors: [root], options: fetchOpts({ ldap: { followReferrals: true }, allowHosts: [H] }) });
    // The allow-list names host:port, so the referral (same host and port) is allowed: valid.
    expectValid(r);
    const other = await run(leaf(movedCa, "moved leaf 3", [u]), { anchors: [root], options: fetchOpts({ ldap: { followReferrals: true }, allowHosts: ["ldap.example"] }) });
    expectCode(other, "NO_PATH");
    expect(other.fetched).toEqual([`refused ${u}: host ${H} is not in the allow-list`]);
  });

  it("simple bind: an entry only authenticated users may read; credentials go only to their host", async () => {
    const u = url("cn=Private%20CA,o=Private,c=US", "cACertificate;binary");
    const ee = leaf(privCa, "private leaf", [u]);
    const anon = await run(ee, { anchors: [root], options: FETCH });
    expectCode(anon, "NO_PATH");
    expect(anon.fetched).toEqual([`failed ${u}: no such entry "cn=Private CA,o=Private,c=US" (LDAP noSuchObject)`]);
    const cred = { dn: "cn=reader,c=US", password: "reader-secret" };
    const elsewhere = await run(ee, { anchors: [root], options: fetchOpts({ ldap: { credentials: [{ host: "ldap.example", ...cred }] } }) });
    expectCode(elsewhere, "NO_PATH");
    const bound = await run(ee, { anchors: [root], options: fetchOpts({ ldap: { credentials: [{ host: H, ...cred }] } }) });
    expectValid(bound);
    expectPathDers(bound, [ee.der, privCa.der, root.der]);
    const wrong = await run(ee, { anchors: [root], options: fetchOpts({ ldap: { credentials: [{ host: H, ...cred, password: "nope" }] } }) });
    expectCode(wrong, "NO_PATH");
    expect(wrong.fetched).toEqual([`failed ${u}: LDAP result 49 (invalidCredentials, RFC 4511 4.1.9)`]);
  });

  it("loopback addresses are refused unless allowPrivateAddresses", async () => {
    const u = url("cn=LDAP%20Issuing%20CA,o=LdapTest,c=US", "cACertificate;binary?base?(cn=LDAP*)");
    const r = await run(leaf(issuing, "private address leaf", [u]), { anchors: [root], options: { revocation: { fetch: true } } });
    expectCode(r, "NO_PATH");
    expect(r.fetched).toEqual([`refused ${u}: 127.0.0.1 is a loopback, private, link-local or other non-public address (set fetchPolicy.allowPrivateAddresses or list the host in fetchPolicy.allowHosts)`]);
  });

  it("the fetch cache answers an LDAP read only within the asking call's policy (issue 10 item 9): not to a call that forbids private addresses, nor to one whose maxBytes is 100", async () => {
    // A name (not a literal), so only the address the answer came from can tell the later calls apart.
    const u = `ldap://localhost:${H.split(":")[1]}/cn=LDAP%20Issuing%20CA,o=LdapTest,c=US?cACertificate;binary?base?(cn=LDAP Iss*)`;
    const first = await run(leaf(issuing, "cache policy leaf 1", [u]), { anchors: [root], options: FETCH });
    expectValid(first);
    expect(first.fetched).toEqual([`fetched ${u}: LDAP 1 value(s) of cacertificate`]);
    const again = await run(leaf(issuing, "cache policy leaf 2", [u]), { anchors: [root], options: FETCH });
    expect(again.fetched).toEqual([`fetched ${u}: from cache`]);
    const strict = await run(leaf(issuing, "cache policy leaf 3", [u]), { anchors: [root], options: { revocation: { fetch: true } } });
    expectCode(strict, "NO_PATH");
    expect(strict.fetched).toEqual([`refused ${u}: localhost (127.0.0.1) is a loopback, private, link-local or other non-public address (set fetchPolicy.allowPrivateAddresses or list the host in fetchPolicy.allowHosts)`]);
    const tiny = await run(leaf(issuing, "cache policy leaf 4", [u]), { anchors: [root], options: fetchOpts({ maxBytes: 100 }) });
    expectCode(tiny, "NO_PATH");
    expect(tiny.fetched).toEqual([`failed ${u}: answer exceeds the 100-byte cap`]);
  });

  it("fetchPolicy.maxUrls counts LDAP reads like any other fetch", async () => {
    const u1 = url("cn=Empty%20CA,o=LdapTest,c=US", "cACertificate;binary?base?(cn=Empty*)");
    const u2 = url("cn=LDAP%20Issuing%20CA,o=LdapTest,c=US", "cACertificate;binary?base?(cn=LDAP Issuing*)");
    const r = await run(leaf(issuing, "max urls leaf", [u1, u2]), { anchors: [root], options: fetchOpts({ maxUrls: 1 }) });
    expectCode(r, "NO_PATH");
    expect(r.fetched).toEqual([`fetched ${u1}: LDAP entry "cn=Empty CA,o=LdapTest,c=US" holds none of cACertificate;binary`]);
  });

  it("ldaps (RFC 4513 3.1.3): the directory's certificate checked against fetchPolicy.tlsCa", async () => {
    const u = `ldaps://127.0.0.1:${slapd.ldapsPort}/cn=LDAP%20Issuing%20CA,o=LdapTest,c=US?cACertificate;binary?base?(cn=LDAP*)`;
    const ee = leaf(issuing, "ldaps leaf", [u]);
    const r = await run(ee, { anchors: [root], options: fetchOpts({ tlsCa: [tlsRoot.pem] }) });
    expectValid(r);
    expectPathDers(r, [ee.der, issuing.der, root.der]);
    expect(r.fetched).toEqual([`fetched ${u}: LDAP 1 value(s) of cacertificate`]);
    const u2 = `${u.replace("(cn=LDAP*)", "(cn=LDAP Issuing*)")}`;
    const untrusted = await run(leaf(issuing, "ldaps leaf 2", [u2]), { anchors: [root], options: FETCH });
    expectCode(untrusted, "NO_PATH");
    expect(untrusted.fetched).toEqual([`failed ${u2}: TLS: unable to verify the first certificate`]);
  });

  it("an LDAP URL naming no attribute, or a critical extension, is refused without a connection", async () => {
    const noAttr = `ldap://${H}/cn=LDAP%20Issuing%20CA,o=LdapTest,c=US`;
    const crit = url("cn=LDAP%20Issuing%20CA,o=LdapTest,c=US", "cACertificate;binary?base??!x-unknown");
    const r = await run(leaf(issuing, "bad url leaf", [noAttr, crit]), { anchors: [root], options: FETCH });
    expectCode(r, "NO_PATH");
    expect(r.fetched).toEqual([
      `failed ${noAttr}: the URL names no attribute (RFC 5280 4.2.1.13 and 4.2.2.1 require one)`,
      `failed ${crit}: critical extension "x-unknown" is not supported (RFC 4516 2.1)`,
    ]);
  });
});

describe("the directory as an issuer source (lookup by the issuer DN)", () => {
  it("a certificate with no AIA: its issuer's entry is read by name under the configured base", async () => {
    const ee = p.ee(`CN=no aia leaf,${O}`, dirCa);
    const off = await run(ee, { anchors: [root], options: FETCH });
    expectCode(off, "NO_PATH");
    const r = await run(ee, { anchors: [root], options: fetchOpts({ ldap: { directories: [`ldap://${H}/o=LdapTest,c=US`] } }) });
    expectValid(r);
    expectPathDers(r, [ee.der, dirCa.der, root.der]);
    const u = `ldap://${H}/CN=Directory%20CA,O=LdapTest,C=US?cACertificate;binary,crossCertificatePair;binary`;
    expect(r.fetched).toEqual([`fetched ${u}: LDAP 1 value(s) of cacertificate`]);
  });

  it("names outside the base are not asked for", async () => {
    const ee = p.ee("CN=outside leaf,O=Elsewhere,C=US", outsideCa);
    const r = await run(ee, { anchors: [outsideRoot], options: fetchOpts({ ldap: { directories: [`ldap://${H}/o=LdapTest,c=US`] } }) });
    expectCode(r, "NO_PATH");
    expect(r.fetched).toEqual([]);
    const whole = await run(ee, { anchors: [outsideRoot], options: fetchOpts({ ldap: { directories: [`ldap://${H}/c=US`] } }) });
    expectValid(whole);
  });
});
