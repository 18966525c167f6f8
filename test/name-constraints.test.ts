import { describe, it, expect } from "vitest";
import { parseCertificate, type Certificate, type GeneralSubtree, type NameConstraints } from "../src/parsing/certificate.js";
import { dnFromRdns, prepareString, type DistinguishedName, type GeneralName } from "../src/parsing/name.js";
import { OID } from "../src/parsing/oids.js";
import {
  applyNameConstraints,
  checkNameConstraints,
  initialNameConstraintState,
  type NameConstraintState,
} from "../src/validate/name-constraints.js";
import { loadPkits } from "../testsuite/src/pkits.js";
import { runSteps } from "./pkits-steps.js";

// ---- builders -------------------------------------------------------------

const ATTR: Record<string, string> = { C: "2.5.4.6", O: "2.5.4.10", OU: "2.5.4.11", CN: "2.5.4.3", E: OID.emailAddress };
/** dn("C=US", "O=Org") : one single-valued RDN per argument, root first. */
const dn = (...rdns: string[]): DistinguishedName =>
  dnFromRdns(
    rdns.map((r) => {
      const [k, v] = r.split("=") as [string, string];
      return [{ type: ATTR[k]!, text: v, norm: prepareString(v) }];
    }),
  );
const dir = (...rdns: string[]): GeneralName => ({ kind: "directoryName", name: dn(...rdns) });
const dns = (value: string): GeneralName => ({ kind: "dNSName", value });
const mail = (value: string): GeneralName => ({ kind: "rfc822Name", value });
const uri = (value: string): GeneralName => ({ kind: "uniformResourceIdentifier", value });
const ip = (...bytes: number[]): GeneralName => ({ kind: "iPAddress", bytes: new Uint8Array(bytes) });
const other: GeneralName = { kind: "otherName", typeId: "1.3.6.1.4.1.311.20.2.3", valueHex: "0c0161" };

const sub = (base: GeneralName, minimum = 0, maximum?: number): GeneralSubtree => ({ base, minimum, maximum });
const nc = (permitted?: GeneralName[], excluded?: GeneralName[]): NameConstraints => ({
  permitted: permitted?.map((b) => sub(b)),
  excluded: excluded?.map((b) => sub(b)),
});
const fold = (...list: NameConstraints[]): NameConstraintState =>
  list.reduce((s, x) => applyNameConstraints(s, x), initialNameConstraintState());
/** A minimal certificate: only the fields name constraints read. */
const cert = (subject: DistinguishedName, san?: GeneralName[]): Certificate =>
  ({ subject, subjectAltName: san, selfIssued: false }) as unknown as Certificate;
const EMPTY = dn();
/** Verdict for a certificate with an empty subject and these subjectAltNames. */
const sanOk = (s: NameConstraintState, ...san: GeneralName[]): boolean => checkNameConstraints(s, cert(EMPTY, san)).ok;

// ---- state ------------------------------------------------------------------

describe("state", () => {
  it("starts unbounded: every name of every form passes", () => {
    const s = initialNameConstraintState();
    expect(s.permitted).toEqual({});
    expect(s.excluded).toEqual({});
    expect(sanOk(s, dns("a.example"), mail("x@y.example"), ip(10, 0, 0, 1), other, dns("not a name!"))).toBe(true);
  });

  it("is immutable: apply returns a new state and leaves the old one alone", () => {
    const s0 = initialNameConstraintState();
    const s1 = applyNameConstraints(s0, nc([dns("example.com")], [dns("bad.example.com")]));
    expect(s0.permitted).toEqual({});
    expect(s0.excluded).toEqual({});
    expect(Object.isFrozen(s1) && Object.isFrozen(s1.permitted) && Object.isFrozen(s1.permitted.dNSName)).toBe(true);
  });

  it("forms absent from permittedSubtrees stay unchanged (6.1.4 (g)(1))", () => {
    const s = fold(nc([dns("example.com")]), nc([mail("example.com")]));
    expect(s.permitted.dNSName?.length).toBe(1);
    expect(s.permitted.rfc822Name?.length).toBe(1);
    expect(s.permitted.directoryName).toBeUndefined();
    expect(sanOk(s, dns("www.example.com"), mail("a@example.com"), dir("C=XX"), ip(1, 2, 3, 4))).toBe(true);
  });

  it("excluded subtrees accumulate as a union (6.1.4 (g)(2))", () => {
    const s = fold(nc(undefined, [dns("a.example")]), nc(undefined, [dns("b.example")]));
    expect(sanOk(s, dns("x.a.example"))).toBe(false);
    expect(sanOk(s, dns("x.b.example"))).toBe(false);
    expect(sanOk(s, dns("x.c.example"))).toBe(true);
  });

  it("a form with an empty permitted set allows nothing, unlike an unbounded one", () => {
    const s = fold(nc([dns("a.example")]), nc([dns("b.example")])); // disjoint
    expect(s.permitted.dNSName).toEqual([]);
    expect(sanOk(s, dns("a.example"))).toBe(false);
    expect(sanOk(s, dns("b.example"))).toBe(false);
    const r = checkNameConstraints(s, cert(EMPTY, [dns("a.example")]));
    expect(r).toMatchObject({ ok: false, name: "dNSName:a.example" });
    if (!r.ok) expect(r.reason).toMatch(/no dNSName name is permitted/);
    // other forms are still unbounded, and a certificate without a dNSName is fine
    expect(sanOk(s, mail("a@anything.example"))).toBe(true);
  });
});

// ---- directoryName ----------------------------------------------------------

describe("directoryName", () => {
  const base = ["C=US", "O=Org"];
  const s = fold(nc([dir(...base)], [dir(...base, "OU=Bad")]));

  it("matches by RDN prefix (4.2.1.10), case-insensitively after RFC 4518 preparation", () => {
    expect(checkNameConstraints(s, cert(dn(...base, "CN=x"))).ok).toBe(true);
    expect(checkNameConstraints(s, cert(dn("C=us", "O=  org ", "CN=x"))).ok).toBe(true);
    expect(checkNameConstraints(s, cert(dn(...base))).ok).toBe(true);
    expect(checkNameConstraints(s, cert(dn("C=US", "O=Other", "CN=x"))).ok).toBe(false);
    expect(checkNameConstraints(s, cert(dn("C=US"))).ok).toBe(false); // shorter than the base
  });

  it("rejects a subject within an excluded subtree", () => {
    const r = checkNameConstraints(s, cert(dn(...base, "OU=Bad", "CN=x")));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/excluded/);
  });

  it("skips an empty subject but checks directoryName subjectAltNames", () => {
    expect(checkNameConstraints(s, cert(EMPTY)).ok).toBe(true);
    expect(checkNameConstraints(s, cert(EMPTY, [dir("C=US", "O=Other")])).ok).toBe(false);
    expect(checkNameConstraints(s, cert(dn(...base, "CN=x"), [dir(...base, "OU=Bad")])).ok).toBe(false);
  });

  it("intersection keeps the narrower of nested subtrees, in either order", () => {
    for (const [a, b] of [
      [dir(...base), dir(...base, "OU=Eng")],
      [dir(...base, "OU=Eng"), dir(...base)],
    ] as const) {
      const t = fold(nc([a]), nc([b]));
      expect(t.permitted.directoryName).toHaveLength(1);
      expect(checkNameConstraints(t, cert(dn(...base, "OU=Eng", "CN=x"))).ok).toBe(true);
      expect(checkNameConstraints(t, cert(dn(...base, "OU=Ops", "CN=x"))).ok).toBe(false);
    }
  });

  it("intersection of sets is the union of pairwise intersections", () => {
    const t = fold(nc([dir("C=US", "O=A"), dir("C=US", "O=B")]), nc([dir("C=US", "O=A", "OU=1"), dir("C=US", "O=C")]));
    expect(t.permitted.directoryName).toHaveLength(1);
    expect(checkNameConstraints(t, cert(dn("C=US", "O=A", "OU=1", "CN=x"))).ok).toBe(true);
    expect(checkNameConstraints(t, cert(dn("C=US", "O=B", "CN=x"))).ok).toBe(false);
    expect(checkNameConstraints(t, cert(dn("C=US", "O=C", "CN=x"))).ok).toBe(false);
  });

  it("disjoint subtrees leave no DN permitted, while an empty subject still passes", () => {
    const t = fold(nc([dir("C=US", "O=A")]), nc([dir("C=US", "O=B")]));
    expect(t.permitted.directoryName).toEqual([]);
    expect(checkNameConstraints(t, cert(dn("C=US", "O=A", "CN=x"))).ok).toBe(false);
    expect(checkNameConstraints(t, cert(EMPTY, [dns("host.example")])).ok).toBe(true);
  });
});

// ---- rfc822Name -------------------------------------------------------------

describe("rfc822Name", () => {
  it("a full mailbox: local part exact, host case-insensitive", () => {
    const s = fold(nc([mail("root@example.com")]));
    expect(sanOk(s, mail("root@EXAMPLE.com"))).toBe(true);
    expect(sanOk(s, mail("Root@example.com"))).toBe(false);
    expect(sanOk(s, mail("other@example.com"))).toBe(false);
    expect(sanOk(s, mail("root@www.example.com"))).toBe(false);
  });

  it("a host: every mailbox at exactly that host", () => {
    const s = fold(nc([mail("Example.COM")]));
    expect(sanOk(s, mail("anyone@example.com"))).toBe(true);
    expect(sanOk(s, mail("anyone@mail.example.com"))).toBe(false);
    expect(sanOk(s, mail("anyone@badexample.com"))).toBe(false);
  });

  it("a domain: mailboxes at hosts below it, not at the domain host itself", () => {
    const s = fold(nc([mail(".example.com")]));
    expect(sanOk(s, mail("a@mail.example.com"))).toBe(true);
    expect(sanOk(s, mail("a@x.Mail.Example.com"))).toBe(true);
    expect(sanOk(s, mail("a@example.com"))).toBe(false);
    expect(sanOk(s, mail("a@badexample.com"))).toBe(false);
  });

  it("excluded subtrees use the same rules", () => {
    const s = fold(nc(undefined, [mail("example.com"), mail("boss@corp.example")]));
    expect(sanOk(s, mail("a@example.com"))).toBe(false);
    expect(sanOk(s, mail("a@sub.example.com"))).toBe(true);
    expect(sanOk(s, mail("boss@corp.example"))).toBe(false);
    expect(sanOk(s, mail("clerk@corp.example"))).toBe(true);
  });

  it("checks emailAddress attributes of the subject DN as rfc822 names", () => {
    const s = fold(nc([mail("example.com")]));
    expect(checkNameConstraints(s, cert(dn("C=US", "E=a@example.com"))).ok).toBe(true);
    const r = checkNameConstraints(s, cert(dn("C=US", "E=a@evil.example")));
    expect(r).toMatchObject({ ok: false, name: "rfc822Name:a@evil.example" });
  });

  it("intersection: mailbox < host < domain, host and domain of one name are disjoint", () => {
    const meet = (a: string, b: string) => fold(nc([mail(a)]), nc([mail(b)])).permitted.rfc822Name;
    expect(meet(".example.com", "mail.example.com")).toEqual([mail("mail.example.com")]);
    expect(meet("example.com", "a@example.com")).toEqual([mail("a@example.com")]);
    expect(meet(".example.com", ".x.example.com")).toEqual([mail(".x.example.com")]);
    expect(meet("example.com", ".example.com")).toEqual([]);
  });

  it("rejects a malformed rfc822Name when rfc822 constraints apply", () => {
    const s = fold(nc([mail("example.com")]));
    for (const bad of ["example.com", "@example.com", "a@", "a b@example.com", "a@exa mple.com", "a@example.com."]) {
      const r = checkNameConstraints(s, cert(EMPTY, [mail(bad)]));
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/malformed rfc822Name/);
    }
    expect(sanOk(s, mail('"a@b"@example.com'))).toBe(true); // quoted local part
  });
});

// ---- dNSName ----------------------------------------------------------------

describe("dNSName", () => {
  it("example.com holds itself and names below it, not badexample.com", () => {
    const s = fold(nc([dns("example.com")]));
    expect(sanOk(s, dns("example.com"))).toBe(true);
    expect(sanOk(s, dns("www.example.com"))).toBe(true);
    expect(sanOk(s, dns("a.b.EXAMPLE.com"))).toBe(true);
    expect(sanOk(s, dns("badexample.com"))).toBe(false);
    expect(sanOk(s, dns("example.com.evil"))).toBe(false);
  });

  it(".example.com holds only names below example.com", () => {
    const s = fold(nc([dns(".example.com")]));
    expect(sanOk(s, dns("www.example.com"))).toBe(true);
    expect(sanOk(s, dns("example.com"))).toBe(false);
  });

  it("excluded subtrees, including a wildcard name that could expand into one", () => {
    const s = fold(nc([dns("example.com")], [dns("secret.example.com")]));
    expect(sanOk(s, dns("x.secret.example.com"))).toBe(false);
    expect(sanOk(s, dns("public.example.com"))).toBe(true);
    expect(sanOk(s, dns("*.example.com"))).toBe(false); // could be secret.example.com
    expect(sanOk(s, dns("*.public.example.com"))).toBe(true);
  });

  it("a wildcard name is permitted only when all its expansions are", () => {
    expect(sanOk(fold(nc([dns("example.com")])), dns("*.example.com"))).toBe(true);
    expect(sanOk(fold(nc([dns(".example.com")])), dns("*.example.com"))).toBe(true);
    expect(sanOk(fold(nc([dns("www.example.com")])), dns("*.example.com"))).toBe(false);
  });

  it("intersection of nested and disjoint subtrees", () => {
    expect(fold(nc([dns("example.com")]), nc([dns("www.example.com")])).permitted.dNSName).toEqual([dns("www.example.com")]);
    expect(fold(nc([dns("example.com")]), nc([dns(".example.com")])).permitted.dNSName).toEqual([dns(".example.com")]);
    expect(fold(nc([dns(".example.com")]), nc([dns("example.com")])).permitted.dNSName).toEqual([dns(".example.com")]);
    expect(fold(nc([dns("example.com")]), nc([dns("badexample.com")])).permitted.dNSName).toEqual([]);
  });

  it("rejects a malformed dNSName when dNSName constraints apply", () => {
    const s = fold(nc(undefined, [dns("evil.example")]));
    for (const bad of ["", "exa mple.com", "a..b", "example.com.", "www.*.example.com", "ünïcode.example"]) {
      const r = checkNameConstraints(s, cert(EMPTY, [dns(bad)]));
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/malformed dNSName/);
    }
  });
});

// ---- uniformResourceIdentifier ---------------------------------------------

describe("uniformResourceIdentifier", () => {
  it("a host constraint matches that host only, whatever scheme, userinfo, port or path", () => {
    const s = fold(nc([uri("host.example.com")]));
    expect(sanOk(s, uri("https://host.example.com/x?y#z"))).toBe(true);
    expect(sanOk(s, uri("ldap://user:pw@HOST.example.com:389/o=x"))).toBe(true);
    expect(sanOk(s, uri("http://www.host.example.com/"))).toBe(false);
    expect(sanOk(s, uri("http://example.com/"))).toBe(false);
  });

  it("a domain constraint matches hosts below the domain only", () => {
    const s = fold(nc([uri(".example.com")]));
    expect(sanOk(s, uri("http://a.example.com"))).toBe(true);
    expect(sanOk(s, uri("http://example.com/"))).toBe(false);
  });

  it("fails URIs without an authority or with an IP host when URI constraints apply (4.2.1.10)", () => {
    const permitted = fold(nc([uri(".example.com")]));
    const excluded = fold(nc(undefined, [uri("evil.example")]));
    const noHost = ["urn:isbn:123", "mailto:a@x.example.com", "file:///etc/x", "http://10.0.0.1/", "http://[::1]/", "x.example.com"];
    for (const u of noHost) {
      expect(sanOk(permitted, uri(u)), u).toBe(false);
      expect(sanOk(excluded, uri(u)), u).toBe(false);
    }
    expect(sanOk(initialNameConstraintState(), uri("urn:isbn:123"))).toBe(true); // form not constrained
  });

  it("excluded host subtree", () => {
    const s = fold(nc(undefined, [uri("invalid.example")]));
    expect(sanOk(s, uri("ftp://invalid.example:21/x"))).toBe(false);
    expect(sanOk(s, uri("http://www.invalid.example/"))).toBe(true);
  });
});

// ---- iPAddress --------------------------------------------------------------

describe("iPAddress", () => {
  const v4 = ip(10, 1, 0, 0, 255, 255, 0, 0); // 10.1.0.0/16
  const v6 = ip(0x20, 0x01, 0x0d, 0xb8, ...Array(12).fill(0), ...Array(4).fill(0xff), ...Array(12).fill(0)); // 2001:db8::/32

  it("address + mask for IPv4 and IPv6", () => {
    const s = fold(nc([v4, v6]));
    expect(sanOk(s, ip(10, 1, 200, 3))).toBe(true);
    expect(sanOk(s, ip(10, 2, 0, 1))).toBe(false);
    expect(sanOk(s, ip(0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1))).toBe(true);
    expect(sanOk(s, ip(0x20, 0x01, 0x0d, 0xb9, ...Array(11).fill(0), 1))).toBe(false);
  });

  it("an IPv4 constraint never matches an IPv6 address, even an IPv4-mapped one", () => {
    const s = fold(nc([v4]));
    expect(sanOk(s, ip(...Array(10).fill(0), 0xff, 0xff, 10, 1, 0, 1))).toBe(false);
    const all4 = fold(nc(undefined, [ip(0, 0, 0, 0, 0, 0, 0, 0)])); // excludes every IPv4 address
    expect(sanOk(all4, ip(8, 8, 8, 8))).toBe(false);
    expect(sanOk(all4, ip(...Array(15).fill(0), 1))).toBe(true);
  });

  it("intersection of ranges is the narrower range, or empty", () => {
    const s = fold(nc([ip(10, 0, 0, 0, 255, 0, 0, 0)]), nc([v4]));
    expect(s.permitted.iPAddress).toHaveLength(1);
    expect(sanOk(s, ip(10, 1, 0, 9))).toBe(true);
    expect(sanOk(s, ip(10, 9, 0, 9))).toBe(false);
    expect(fold(nc([v4]), nc([ip(192, 168, 0, 0, 255, 255, 0, 0)])).permitted.iPAddress).toEqual([]);
    expect(fold(nc([v4]), nc([v6])).permitted.iPAddress).toEqual([]);
  });

  it("rejects an address that is neither 4 nor 16 octets when IP constraints apply", () => {
    const r = checkNameConstraints(fold(nc([v4])), cert(EMPTY, [ip(10, 1, 0, 0, 0)]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/malformed iPAddress/);
  });
});

// ---- forms we do not process, and subtrees outside the profile --------------

describe("unprocessed forms and unusable subtrees", () => {
  it("a constrained otherName/registeredID form rejects any name of that form, and only those", () => {
    for (const s of [fold(nc([other])), fold(nc(undefined, [other]))]) {
      const r = checkNameConstraints(s, cert(EMPTY, [other]));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/cannot process/);
      expect(sanOk(s, dns("a.example"))).toBe(true);
    }
    const rid: GeneralName = { kind: "registeredID", value: "1.2.3" };
    expect(sanOk(fold(nc(undefined, [rid])), rid)).toBe(false);
    expect(sanOk(fold(nc(undefined, [rid])), other)).toBe(true);
  });

  it("a permitted subtree with minimum != 0 or a maximum matches nothing (4.2.1.10)", () => {
    const s = fold({ permitted: [sub(dns("example.com"), 0, 2)] });
    expect(s.permitted.dNSName).toEqual([]);
    expect(sanOk(s, dns("www.example.com"))).toBe(false);
    const t = fold({ permitted: [sub(dns("example.com"), 1), sub(dns("other.example"))] });
    expect(sanOk(t, dns("www.example.com"))).toBe(false);
    expect(sanOk(t, dns("other.example"))).toBe(true);
  });

  it("an excluded subtree with minimum != 0, a maximum or a malformed base excludes the whole form", () => {
    for (const st of [sub(dns("example.com"), 1), sub(dns("example.com"), 0, 5), sub(dns("bad name"))]) {
      const s = fold({ excluded: [st] });
      expect(s.excludedAll).toEqual(["dNSName"]);
      expect(sanOk(s, dns("unrelated.example"))).toBe(false);
      expect(sanOk(s, mail("a@unrelated.example"))).toBe(true);
    }
  });

  it("a malformed permitted base matches nothing", () => {
    expect(sanOk(fold(nc([ip(10, 0, 0, 0, 255)])), ip(10, 0, 0, 1))).toBe(false);
    expect(sanOk(fold(nc([uri("http://example.com/")])), uri("http://example.com/"))).toBe(false);
  });
});

// ---- NIST PKITS 4.13 --------------------------------------------------------
// Through the real steps of RFC 5280 6.1 (PathValidation, test/pkits-steps.ts): a path
// is valid exactly when the manifest says so, and an invalid one fails NAME_CONSTRAINTS
// in 6.1.3 (b), (c).

const cases = loadPkits().cases.filter((t) => t.id.startsWith("4.13."));

describe("NIST PKITS 4.13 Name Constraints", () => {
  it("has the 38 cases", () => expect(cases).toHaveLength(38));

  it.each(cases.map((t) => [`${t.id} ${t.title}`, t] as const))("%s", (_, t) => {
    const r = runSteps(t);
    expect(!r.failure, r.failure?.message).toBe(t.expect.valid);
    if (r.failure) {
      expect([r.failure.code, r.step]).toEqual(["NAME_CONSTRAINTS", "6.1.3"]);
      expect(r.failure.message).toContain("RFC 5280 6.1.3 (b), (c)");
    }
  });

  it("4.13.20: the self-issued end entity is checked, and fails on its DN", () => {
    const r = runSteps(cases.find((t) => t.id === "4.13.20")!);
    expect([r.failure?.certIndex, r.file]).toEqual([0, "InvalidDNnameConstraintsTest20EE.crt"]);
  });

  it("4.13.29: the subject emailAddress fails the rfc822 constraint", () => {
    const r = runSteps(cases.find((t) => t.id === "4.13.29")!);
    expect(r.failure?.message).toContain("name rfc822Name:Test29EE@invalidcertificates.gov");
  });
});
