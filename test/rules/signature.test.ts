// RFC 5280 6.1.3 (a)(1): each signature verifies with the working public key;
// RFC 5280 4.1.1.2: signatureAlgorithm equals tbsCertificate.signature.
import { describe, expect, it } from "vitest";
import { nullValue, oid, seq, tlv } from "../../testsuite/src/generate/der.js";
import { ALG_OIDS } from "../../testsuite/src/generate/pki.js";
import { expectError, expectValid, pki, run } from "./helpers.js";

const SIG = "RFC 5280 6.1.3 (a)(1)";

function flipLastByte(der: Uint8Array): Uint8Array {
  const out = der.slice();
  out[out.length - 1]! ^= 0x01;
  return out;
}

describe("signature (RFC 5280 6.1.3 (a)(1))", () => {
  const p = pki("signature");
  const root = p.root("CN=Sig Root");
  const ca = p.ca("CN=Sig CA", root);
  const ee = p.ee("CN=Sig EE", ca);

  it("passes: every signature verifies along root -> CA -> EE", async () => {
    const r = await run(ee, { intermediates: [ca], anchors: [root] });
    expectValid(r);
    expect(r.path.map((e) => e.subject)).toEqual(["CN=Sig EE", "CN=Sig CA", "CN=Sig Root"]);
  });

  it("passes: the anchor's own signature is not checked (an anchor is a name and a key, RFC 5280 6.1.1 (d))", async () => {
    const badRoot = { ...root, der: flipLastByte(root.der) };
    expectValid(await run(ee, { intermediates: [ca], anchors: [badRoot] }));
  });

  it("fails: the target is signed by a key other than its issuer's (an impostor CA of the same name)", async () => {
    const impostor = p.ca("CN=Sig CA", root, { keySeed: "impostor" });
    const forged = p.ee("CN=Forged EE", impostor);
    const r = await run(forged, { intermediates: [ca], anchors: [root] });
    expectError(r, "INVALID_SIGNATURE", 0, "CN=Forged EE", SIG);
  });

  it("fails: an intermediate is signed by a key other than the anchor's", async () => {
    const otherRoot = p.root("CN=Sig Root", { keySeed: "other" });
    const ca2 = p.ca("CN=Sig CA 2", otherRoot);
    const ee2 = p.ee("CN=Sig EE 2", ca2);
    const r = await run(ee2, { intermediates: [ca2], anchors: [root] });
    expectError(r, "INVALID_SIGNATURE", 1, "CN=Sig CA 2", SIG);
  });

  it("fails: a corrupted signature value on the target", async () => {
    const r = await run({ ...ee, der: flipLastByte(ee.der) }, { intermediates: [ca], anchors: [root] });
    expectError(r, "INVALID_SIGNATURE", 0, "CN=Sig EE", SIG);
  });

  it("fails: a tampered tbsCertificate (subject changed after signing)", async () => {
    const der = ee.der.slice();
    const at = Buffer.from(der).indexOf(Buffer.from("Sig EE"));
    der[at + 5] = "F".charCodeAt(0); // "Sig EE" -> "Sig EF"
    const r = await run({ ...ee, der }, { intermediates: [ca], anchors: [root] });
    expectError(r, "INVALID_SIGNATURE", 0, "CN=Sig EF", SIG);
  });
});

describe("ALGORITHM_MISMATCH (RFC 5280 4.1.1.2)", () => {
  const p = pki("algorithm-mismatch");
  const root = p.root("CN=Mismatch Root");
  const rsaCa = p.ca("CN=Mismatch RSA CA", root, { keyAlg: "rsa2048" });
  const sha384WithRsa = seq(oid("1.2.840.113549.1.1.12"), nullValue());

  it("passes: inner and outer algorithms agree (sha256WithRSAEncryption)", async () => {
    const ee = p.ee("CN=Mismatch EE ok", rsaCa);
    expectValid(await run(ee, { intermediates: [rsaCa], anchors: [root] }));
  });

  it("fails: the target says sha384WithRSAEncryption inside and sha256WithRSAEncryption outside (signed with SHA-256)", async () => {
    const ee = p.ee("CN=Mismatch EE", rsaCa, { tbsAlgorithm: sha384WithRsa });
    const r = await run(ee, { intermediates: [rsaCa], anchors: [root] });
    expectError(r, "ALGORITHM_MISMATCH", 0, "CN=Mismatch EE", "RFC 5280 4.1.1.2");
  });

  it("fails: the parameters differ (Ed25519 with a NULL parameter inside, none outside)", async () => {
    const edWithNull = seq(oid(ALG_OIDS.ed25519), nullValue());
    const ca = p.ca("CN=Mismatch Ed CA", root, { tbsAlgorithm: edWithNull });
    const ee = p.ee("CN=Mismatch EE 2", ca);
    const r = await run(ee, { intermediates: [ca], anchors: [root] });
    expectError(r, "ALGORITHM_MISMATCH", 1, "CN=Mismatch Ed CA", "RFC 5280 4.1.1.2");
  });

  it("fails: parameters of the same length with other octets (an empty OCTET STRING inside, NULL outside)", async () => {
    const withEmptyOctets = seq(oid("1.2.840.113549.1.1.11"), tlv(0x04));
    const ee = p.ee("CN=Mismatch EE 3", rsaCa, { tbsAlgorithm: withEmptyOctets });
    const r = await run(ee, { intermediates: [rsaCa], anchors: [root] });
    expectError(r, "ALGORITHM_MISMATCH", 0, "CN=Mismatch EE 3", "RFC 5280 4.1.1.2");
  });
});
