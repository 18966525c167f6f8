// RFC 4516 LDAP URLs, the RFC 4514 string of an issuer name, the RFC 4523
// CertificatePair decoder, and the proxy environment rules (no servers here).
import { describe, expect, it } from "vitest";
import { parseLdapUrl, rfc4514, ldapUrl } from "../../src/stores/ldap-url.js";
import { parseCertificatePair } from "../../src/parsing/certificate-pair.js";
import { noProxyMatches, proxyFor } from "../../src/stores/proxy.js";
import { parseCertificate } from "../../src/parsing/certificate.js";
import { explicit, seq, tlv } from "../../testsuite/src/generate/der.js";
import { pki } from "../discovery/helpers.js";

describe("RFC 4516 URLs", () => {
  it("the RFC 5280 4.2.1.13 example: host, DN with %20, one attribute, base scope by default", () => {
    const u = parseLdapUrl("ldap://ldap.example.com/cn=example%20CA,dc=example,dc=com?certificateRevocationList;binary");
    expect(u).toMatchObject({ secure: false, host: "ldap.example.com", port: 389, dn: "cn=example CA,dc=example,dc=com", attributes: ["certificateRevocationList;binary"], scope: "base", filter: "(objectClass=*)" });
  });

  it("ldaps default port, an explicit port, IPv6 literal, two attributes, scope, filter, a non-critical extension", () => {
    expect(parseLdapUrl("ldaps://dir.example/o=X").port).toBe(636);
    const u = parseLdapUrl("ldap://[::1]:1389/o=X?cACertificate;binary,crossCertificatePair;binary?one?(cn=a%20b)?e-x=1");
    expect(u).toMatchObject({ host: "::1", port: 1389, attributes: ["cACertificate;binary", "crossCertificatePair;binary"], scope: "one", filter: "(cn=a b)" });
    expect(u.extensions.get("e-x")).toBe("1");
  });

  it("RFC 4514 escapes survive percent-decoding: %5C2C and %5C,", () => {
    expect(parseLdapUrl("ldap://h/cn=Smith%5C2C%20J,o=X?a").dn).toBe("cn=Smith\\2C J,o=X");
    expect(parseLdapUrl("ldap://h/cn=Smith%5C,%20J,o=X?a").dn).toBe("cn=Smith\\, J,o=X");
  });

  it("refuses: other schemes, a bad port, an unknown scope, a bad escape, a critical extension, too many '?'", () => {
    for (const [bad, why] of [
      ["http://h/x", /not an LDAP URL/],
      ["ldap://h:99999/o=X?a", /bad port/],
      ["ldap://h/o=X?a?deep", /unknown scope "deep"/],
      ["ldap://h/o=%ZZ?a", /bad percent-encoding in the DN/],
      ["ldap://h/o=X?a?base??!bindname=cn=x", /critical extension "bindname"/],
      ["ldap://h/o=X?a?base?(x=1)?e?extra", /more than four/],
      ["ldap://h/o=X?a b", /attribute description is malformed/],
    ] as const)
      expect(() => parseLdapUrl(bad), bad).toThrow(why);
  });

  it("the issuer's RFC 4514 string: last RDN first, special characters escaped; ldapUrl percent-encodes it", () => {
    const p = pki("ldap-url");
    const root = p.root("CN=Smith\\, Jones \\+ Co,O=A\\=B,C=US");
    const c = parseCertificate(root.der, "root");
    expect(rfc4514(c.issuer)).toBe("CN=Smith\\, Jones \\+ Co,O=A\\=B,C=US");
    const u = ldapUrl("h:389", rfc4514(c.issuer), ["cACertificate;binary"]);
    expect(u).toBe("ldap://h:389/CN=Smith%5C,%20Jones%20%5C+%20Co,O=A%5C=B,C=US?cACertificate;binary");
    expect(parseLdapUrl(u).dn).toBe(rfc4514(c.issuer));
  });
});

describe("RFC 4523 CertificatePair", () => {
  const p = pki("cert-pair");
  const a = p.root("CN=A,C=US");
  const b = p.ca("CN=B,C=US", a);
  it("forward only, reverse only, both: the certificates come back byte for byte", () => {
    expect(parseCertificatePair(seq(explicit(0, b.der)), "x")).toEqual({ forward: b.der });
    expect(parseCertificatePair(seq(explicit(1, a.der)), "x")).toEqual({ reverse: a.der });
    expect(parseCertificatePair(seq(explicit(0, b.der), explicit(1, a.der)), "x")).toEqual({ forward: b.der, reverse: a.der });
  });
  it("malformed pairs are MALFORMED_INPUT naming the rule", () => {
    for (const [der, why] of [
      [seq(), /neither element present/],
      [seq(explicit(1, a.der), explicit(0, b.der)), /out of order/],
      [seq(explicit(2, a.der)), /unexpected tag 0xa2/],
      [seq(explicit(0, tlv(0x04, a.der))), /\[0\] does not hold one Certificate/],
      [a.der.slice(0, 20), /RFC 4523 2\.3/],
    ] as const)
      expect(() => parseCertificatePair(der, "pair"), String(why)).toThrow(why);
  });
});

describe("proxy selection", () => {
  const env = { HTTP_PROXY: "http://proxy.corp:3128", https_proxy: "http://tls-proxy.corp:3128", NO_PROXY: "internal.example,.corp.example,10.0.0.0/8,h:8080" };
  const pick = (u: string, e: Record<string, string> = env, explicit?: string) => proxyFor(new URL(u), { proxy: explicit }, e)?.host;
  it("scheme-specific variables, lower case before upper case, ALL_PROXY as the fallback", () => {
    expect(pick("http://a.example/x.crl")).toBe("proxy.corp:3128");
    expect(pick("https://a.example/x.crl")).toBe("tls-proxy.corp:3128");
    expect(pick("ldap://a.example/o=X?a")).toBeUndefined();
    expect(pick("ldap://a.example/o=X?a", { ALL_PROXY: "http://all:1" })).toBe("all:1");
    expect(pick("ldap://a.example/o=X?a", { LDAP_PROXY: "http://l:1", ALL_PROXY: "http://all:1" })).toBe("l:1");
  });
  it("NO_PROXY: a host, a domain and its subdomains, an IP prefix, host:port, *", () => {
    expect(pick("http://internal.example/x")).toBeUndefined();
    expect(pick("http://a.corp.example/x")).toBeUndefined();
    expect(pick("http://corp.example/x")).toBeUndefined();
    expect(pick("http://10.1.2.3/x")).toBeUndefined();
    expect(pick("http://h:8080/x")).toBeUndefined();
    expect(pick("http://h:8081/x")).toBe("proxy.corp:3128");
    expect(pick("http://notinternal.example/x")).toBe("proxy.corp:3128");
    expect(noProxyMatches("*", "anything", 1)).toBe(true);
  });
  it("an explicit proxy ignores the environment (NO_PROXY included); proxyFromEnv: false turns the environment off", () => {
    expect(pick("http://internal.example/x", env, "http://explicit:8080")).toBe("explicit:8080");
    expect(proxyFor(new URL("http://a.example/"), { proxyFromEnv: false }, env)).toBeUndefined();
  });
  it("only http:// proxies are accepted", () => {
    expect(() => pick("http://a/", { HTTP_PROXY: "https://p:1" })).toThrow(/only http:\/\/ forward proxies/);
    expect(() => pick("http://a/", { HTTP_PROXY: "http://p:1/path" })).toThrow(/scheme, host and port only/);
  });
});
