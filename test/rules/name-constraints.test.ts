// RFC 5280 6.1.3 (b), (c) with 4.2.1.10 matching: names of every later certificate
// within the permitted subtrees and outside the excluded ones, per name form.
import { describe, expect, it } from "vitest";
import { seq, tlv } from "../../testsuite/src/generate/der.js";
import type { Entity } from "../../testsuite/src/generate/pki.js";
import { expectError, expectValid, pki, run } from "./helpers.js";

const PERMITTED = "RFC 5280 6.1.3 (b)";
const EXCLUDED = "RFC 5280 6.1.3 (c)";

describe("NAME_CONSTRAINTS (RFC 5280 6.1.3 (b), (c))", () => {
  const p = pki("name-constraints");
  const root = p.root("CN=NC Root");
  const constrained = (name: string, permitted?: string[], excluded?: string[]) =>
    p.ca(name, root, { extensions: { nameConstraints: { permitted, excluded } } });
  const check = (ee: Entity, ca: Entity) => run(ee, { intermediates: [ca], anchors: [root] });
  const san = (...names: string[]) => ({ extensions: { subjectAltName: names } });

  describe("directoryName", () => {
    const ca = constrained("CN=NC DN CA,O=Dom1,C=US", ["dn:O=Dom1,C=US"], ["dn:OU=Blocked,O=Dom1,C=US"]);
    it("passes: subject within the permitted DN subtree", async () => {
      expectValid(await check(p.ee("CN=Alice,O=Dom1,C=US", ca), ca));
    });
    it("fails: subject outside the permitted DN subtree", async () => {
      const r = await check(p.ee("CN=Mallory,O=Dom2,C=US", ca), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=Mallory", PERMITTED);
    });
    it("fails: subject inside an excluded DN subtree", async () => {
      const r = await check(p.ee("CN=Bob,OU=Blocked,O=Dom1,C=US", ca), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=Bob", EXCLUDED);
    });
    it("fails: a directoryName in subjectAltName outside the permitted subtree", async () => {
      const r = await check(p.ee("CN=Carol,O=Dom1,C=US", ca, san("dn:CN=Carol,O=Dom3,C=US")), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=Carol", PERMITTED);
    });
    it("fails: an intermediate below the constrained CA is outside (certIndex 1)", async () => {
      const sub = p.ca("CN=NC Sub,O=Dom2,C=US", ca);
      const r = await run(p.ee("CN=Dave,O=Dom1,C=US", sub), { intermediates: [ca, sub], anchors: [root] });
      expectError(r, "NAME_CONSTRAINTS", 1, "CN=NC Sub", PERMITTED);
    });
  });

  describe("dNSName", () => {
    const ca = constrained("CN=NC DNS CA", ["dns:example.com"], ["dns:blocked.example.com"]);
    it("passes: dNSName within the permitted domain (and the domain itself)", async () => {
      expectValid(await check(p.ee("CN=NC DNS EE 1", ca, san("dns:www.example.com", "dns:example.com")), ca));
    });
    it("fails: dNSName outside the permitted domain", async () => {
      const r = await check(p.ee("CN=NC DNS EE 2", ca, san("dns:www.example.com", "dns:www.example.org")), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=NC DNS EE 2", PERMITTED);
      expect(r.error!.message).toContain("www.example.org");
    });
    it("fails: a name that only ends with the same characters is not in the domain", async () => {
      const r = await check(p.ee("CN=NC DNS EE 3", ca, san("dns:badexample.com")), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=NC DNS EE 3", PERMITTED);
    });
    it("fails: dNSName inside an excluded subtree", async () => {
      const r = await check(p.ee("CN=NC DNS EE 4", ca, san("dns:x.blocked.example.com")), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=NC DNS EE 4", EXCLUDED);
    });
    it("passes: a certificate without a name of the constrained form", async () => {
      expectValid(await check(p.ee("CN=NC DNS EE 5", ca, san("email:x@y.org")), ca));
    });
  });

  describe("rfc822Name", () => {
    const ca = constrained("CN=NC Mail CA", ["email:example.com", "email:.example.net"], ["email:eve@example.com"]);
    it("passes: mailbox at the permitted host and below the permitted domain", async () => {
      expectValid(await check(p.ee("CN=NC Mail EE 1", ca, san("email:alice@example.com", "email:bob@mail.example.net")), ca));
    });
    it("fails: mailbox at another host", async () => {
      const r = await check(p.ee("CN=NC Mail EE 2", ca, san("email:bob@example.org")), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=NC Mail EE 2", PERMITTED);
    });
    it("fails: an excluded mailbox", async () => {
      const r = await check(p.ee("CN=NC Mail EE 3", ca, san("email:eve@example.com")), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=NC Mail EE 3", EXCLUDED);
    });
    it("fails: an emailAddress attribute in the subject DN is checked as an rfc822Name", async () => {
      const r = await check(p.ee("CN=NC Mail EE 4,E=mallory@example.org", ca), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=NC Mail EE 4", PERMITTED);
    });
  });

  describe("uniformResourceIdentifier", () => {
    const ca = constrained("CN=NC URI CA", ["uri:.example.com"], ["uri:bad.example.com"]);
    it("passes: URI host below the permitted domain", async () => {
      expectValid(await check(p.ee("CN=NC URI EE 1", ca, san("uri:https://www.example.com/path")), ca));
    });
    it("fails: URI host is the domain itself (a leading period means hosts below it only)", async () => {
      const r = await check(p.ee("CN=NC URI EE 2", ca, san("uri:https://example.com/")), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=NC URI EE 2", PERMITTED);
    });
    it("fails: URI host in another domain", async () => {
      const r = await check(p.ee("CN=NC URI EE 3", ca, san("uri:https://evil.org/")), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=NC URI EE 3", PERMITTED);
    });
    it("fails: URI host excluded", async () => {
      const r = await check(p.ee("CN=NC URI EE 4", ca, san("uri:http://bad.example.com:8080/x")), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=NC URI EE 4", EXCLUDED);
    });
  });

  describe("iPAddress", () => {
    const ca = constrained("CN=NC IP CA", ["ip:10.0.0.0/8", "ip:2001:db8::/32"], ["ip:10.66.0.0/16"]);
    it("passes: IPv4 and IPv6 addresses within the permitted ranges", async () => {
      expectValid(await check(p.ee("CN=NC IP EE 1", ca, san("ip:10.1.2.3", "ip:2001:db8::1")), ca));
    });
    it("fails: IPv4 address outside the permitted range", async () => {
      const r = await check(p.ee("CN=NC IP EE 2", ca, san("ip:192.168.1.1")), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=NC IP EE 2", PERMITTED);
    });
    it("fails: IPv6 address outside the permitted range", async () => {
      const r = await check(p.ee("CN=NC IP EE 3", ca, san("ip:2001:db9::1")), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=NC IP EE 3", PERMITTED);
    });
    it("fails: IPv4 address inside the excluded range", async () => {
      const r = await check(p.ee("CN=NC IP EE 4", ca, san("ip:10.66.1.1")), ca);
      expectError(r, "NAME_CONSTRAINTS", 0, "CN=NC IP EE 4", EXCLUDED);
    });
  });

  // Issue 10 item 6: an excluded iPAddress subtree whose mask is not contiguous. Decoded to
  // text as "address/prefix length" (the prefix being the count of mask bits), it named
  // another range, 0.0.0.0/8 or 192.168.1.0/24 rewritten, and 192.168.1.5 went through.
  // RFC 5280 4.2.1.10 describes the mask in CIDR terms: a non-contiguous one is malformed
  // and the CA certificate carrying it fails, in both profiles.
  describe("iPAddress subtree with a non-contiguous mask", () => {
    const ipSubtree = (octets: number[]) => seq(tlv(0x87, new Uint8Array(octets)));
    const excluding = (name: string, octets: number[]) =>
      p.ca(name, root, { extensions: { custom: [{ oid: "2.5.29.30", critical: true, valueDer: seq(tlv(0xa1, ipSubtree(octets))) }] } });
    for (const [label, octets] of [
      ["base 0.0.0.5 mask 0.0.0.255", [0, 0, 0, 5, 0, 0, 0, 255]],
      ["base 192.168.1.0 mask 255.255.0.255", [192, 168, 1, 0, 255, 255, 0, 255]],
    ] as const) {
      for (const profile of ["rfc5280", "strict"] as const) {
        it(`fails (${profile}): a CA excluding ${label} certifies 192.168.1.5`, async () => {
          const bad = excluding(`CN=NC Bad Mask ${octets.join(".")}`, [...octets]);
          const ee = p.ee(`CN=NC Mask EE ${octets.join(".")}`, bad, san("ip:192.168.1.5"));
          const r = await run(ee, { intermediates: [bad], anchors: [root], options: { profile } });
          expectError(r, "NAME_CONSTRAINTS", 1, `CN=NC Bad Mask ${octets.join(".")}`, "RFC 5280 4.2.1.10");
          expect(r.error!.message).toContain("nameConstraints-well-formed");
        });
      }
    }
    it("passes: the same range with its contiguous mask excludes 192.168.1.5 by 6.1.3 (c), and allows 192.168.2.5", async () => {
      const good = excluding("CN=NC Good Mask", [192, 168, 1, 0, 255, 255, 255, 0]);
      expectError(await run(p.ee("CN=NC Mask EE In", good, san("ip:192.168.1.5")), { intermediates: [good], anchors: [root] }), "NAME_CONSTRAINTS", 0, "CN=NC Mask EE In", EXCLUDED);
      expectValid(await run(p.ee("CN=NC Mask EE Out", good, san("ip:192.168.2.5")), { intermediates: [good], anchors: [root] }));
    });
  });

  describe("accumulation along the path (RFC 5280 6.1.4 (g))", () => {
    it("fails: permitted subtrees of two CAs intersect; a name in only one of them is rejected", async () => {
      const upper = constrained("CN=NC Upper", ["dns:example.com"]);
      const lower = p.ca("CN=NC Lower", upper, { extensions: { nameConstraints: { permitted: ["dns:sub.example.com"] } } });
      const ok = p.ee("CN=NC Acc EE 1", lower, san("dns:a.sub.example.com"));
      const bad = p.ee("CN=NC Acc EE 2", lower, san("dns:a.example.com"));
      expectValid(await run(ok, { intermediates: [upper, lower], anchors: [root] }));
      expectError(await run(bad, { intermediates: [upper, lower], anchors: [root] }), "NAME_CONSTRAINTS", 0, "CN=NC Acc EE 2", PERMITTED);
    });
    it("passes: a CA's constraints apply below it, not to itself", async () => {
      const ca = p.ca("CN=NC Self,O=Elsewhere", root, { extensions: { nameConstraints: { permitted: ["dn:O=Dom1,C=US"] } } });
      expectValid(await run(p.ee("CN=Inside,O=Dom1,C=US", ca), { intermediates: [ca], anchors: [root] }));
    });
  });
});
