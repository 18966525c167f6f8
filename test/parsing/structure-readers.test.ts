// The structures outside certificates and CRLs read with the one DER reader (der.ts):
// TrustAnchorInfo (RFC 5914 2), certs-only CMS (RFC 5652 5.1, BER envelope per RFC 5280
// 4.2.2.1) and OCSP responses (RFC 6960 4.2.1). Malformed inputs, built here byte by
// byte, end in exactly one MALFORMED_* code whose message names the input and the rule.
import { describe, expect, it } from "vitest";
import { verify } from "../../src/index.js";
import { parseCertificateBundle } from "../../src/parsing/bundle.js";
import { parseOcspResponse } from "../../src/parsing/ocsp.js";
import { MalformedError } from "../../src/parsing/errors.js";
import { concat, explicit, generalizedTime, integer, nullValue, octets, oid, seq, tlv, time, utf8 } from "../../testsuite/src/generate/der.js";
import { keyIdentifier } from "../../testsuite/src/generate/pki.js";
import { expectValid, NOW, pki } from "../rules/helpers.js";

/** The MalformedError `f` throws (and that it throws one). */
function malformed(f: () => unknown): MalformedError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MalformedError);
    return e as MalformedError;
  }
  throw new Error("no error thrown");
}

describe("TrustAnchorInfo (RFC 5914 2) through verify()", () => {
  const p = pki("structure-readers-tai");
  const root = p.root("CN=SR Root,O=Dom1,C=US");
  const ee = p.ee("CN=sr-ee,O=Dom1,C=US", root);
  const spki = root.key.spki;
  const keyId = octets(keyIdentifier(spki));
  const controls = seq(root.nameDer);
  const anchorsRun = (anchor: Uint8Array) => verify({ target: ee.der, trustAnchors: [anchor], time: NOW });
  async function expectMalformed(anchor: Uint8Array, why: string) {
    const r = await anchorsRun(anchor);
    expect(r.valid).toBe(false);
    expect(r.error!.code).toBe("MALFORMED_INPUT");
    expect(r.error!.message).toMatch(/^trustAnchors\[0\]: /);
    expect(r.error!.message).toContain(why);
  }

  it("the well-formed TrustAnchorInfo built here anchors the path (alone and as TrustAnchorChoice [2])", async () => {
    expectValid(await anchorsRun(seq(spki, keyId, controls)));
    expectValid(await anchorsRun(seq(spki, keyId, utf8("title"), controls, explicit(1, seq(seq(oid("1.2.3.4"), octets(Uint8Array.of(5))))))));
    expectValid(await anchorsRun(explicit(2, seq(spki, keyId, controls))));
  });

  it("version 2: MALFORMED_INPUT, version must be v1", () => expectMalformed(seq(integer(2), spki, keyId, controls), "not a TrustAnchorInfo (version must be v1, RFC 5914 2)"));

  it("a pubKey without its BIT STRING: MALFORMED_INPUT, not a SubjectPublicKeyInfo", () =>
    expectMalformed(seq(seq(seq(oid("1.3.101.112"))), keyId, controls), "not a SubjectPublicKeyInfo: SubjectPublicKeyInfo.subjectPublicKey is missing"));

  it("an element after the last field: MALFORMED_INPUT", () =>
    expectMalformed(seq(spki, keyId, controls, integer(5)), "unexpected element after the fields of TrustAnchorInfo"));

  it("a 5-octet pathLenConstraint [4]: MALFORMED_INPUT, a counter takes at most 4 octets", () =>
    expectMalformed(seq(spki, keyId, seq(root.nameDer, tlv(0x84, Uint8Array.of(1, 0, 0, 0, 0)))), "pathLenConstraint: INTEGER of 5 octets"));

  it("CertPathControls fields out of order ([4] before [1]): MALFORMED_INPUT", () =>
    expectMalformed(seq(spki, keyId, seq(root.nameDer, tlv(0x84, Uint8Array.of(1)), tlv(0xa1, seq(oid("2.5.29.32.0"))))), "CertPathControls field [1] out of order or repeated"));

  it("a non-minimal INTEGER (not DER): MALFORMED_INPUT, X.690 8.3.2", () =>
    expectMalformed(seq(tlv(0x02, Uint8Array.of(0, 1)), spki, keyId, controls), "INTEGER with a redundant leading octet; X.690 8.3.2"));

  it("TrustAnchorChoice [2] holding two elements: MALFORMED_INPUT, bad TrustAnchorChoice", () =>
    expectMalformed(explicit(2, concat(seq(spki, keyId, controls), nullValue())), "bad TrustAnchorChoice (unexpected element after the fields of TrustAnchorChoice taInfo [2]"));
});

describe("certs-only CMS SignedData (RFC 5652 5.1)", () => {
  const p = pki("structure-readers-cms");
  const root = p.root("CN=CMS Root");
  const ca = p.ca("CN=CMS CA", root);
  const ID_SIGNED_DATA = oid("1.2.840.113549.1.7.2");
  const signedData = (...certs: Uint8Array[]) => seq(integer(1), tlv(0x31), seq(oid("1.2.840.113549.1.7.1")), tlv(0xa0, ...certs), tlv(0x31));
  const contentInfo = (sd: Uint8Array, type = ID_SIGNED_DATA) => seq(type, explicit(0, sd));
  /** The same structure with every constructed envelope in the indefinite-length form (BER, X.690 8.1.3.6). */
  const indefinite = (tag: number, ...c: Uint8Array[]) => concat(Uint8Array.of(tag, 0x80), ...c, Uint8Array.of(0, 0));

  it("DER: the certificates are sliced out byte for byte", () => {
    const certs = parseCertificateBundle(contentInfo(signedData(root.der, ca.der)), "bundle.p7c");
    expect(certs.map((c) => Buffer.from(c.der).equals(Buffer.from(certs[0] === c ? root.der : ca.der)))).toEqual([true, true]);
  });

  it("BER with indefinite lengths (RFC 5280 4.2.2.1 allows BER): the same two certificates", () => {
    const sd = indefinite(0x30, integer(1), tlv(0x31), seq(oid("1.2.840.113549.1.7.1")), indefinite(0xa0, root.der, ca.der), tlv(0x31));
    const ber = indefinite(0x30, ID_SIGNED_DATA, indefinite(0xa0, sd));
    expect(parseCertificateBundle(ber, "ber.p7c").map((c) => c.subject.text)).toEqual(["CN=CMS Root", "CN=CMS CA"]);
  });

  it("contentType id-data instead of id-signedData: MALFORMED_INPUT naming the input", () => {
    const e = malformed(() => parseCertificateBundle(contentInfo(signedData(root.der), oid("1.2.840.113549.1.7.1")), "wrong.p7c"));
    expect(e.code).toBe("MALFORMED_INPUT");
    expect(e.message).toBe("wrong.p7c: not a certs-only CMS SignedData (contentType is not id-signedData, RFC 5652 5.1)");
  });

  it("SignedData without digestAlgorithms: MALFORMED_INPUT", () => {
    const e = malformed(() => parseCertificateBundle(contentInfo(seq(integer(1), seq(oid("1.2.840.113549.1.7.1")), tlv(0xa0, root.der))), "short.p7c"));
    expect(e.message).toBe("short.p7c: not a certs-only CMS SignedData (SignedData does not start with version, digestAlgorithms and encapContentInfo, RFC 5652 5.1)");
  });

  it("an indefinite length without its end-of-contents octets: MALFORMED_INPUT", () => {
    const cut = indefinite(0x30, ID_SIGNED_DATA, indefinite(0xa0, signedData(root.der))).slice(0, -2);
    const e = malformed(() => parseCertificateBundle(cut, "cut.p7c"));
    expect(e.message).toBe("cut.p7c: not a certs-only CMS SignedData (not BER: indefinite-length element without its end-of-contents octets)");
  });

  it("a certificate in the set that is not DER: MALFORMED_CERTIFICATE naming its position", () => {
    const bad = concat(Uint8Array.of(0x30, 0x81, 0x06), seq(), seq(), Uint8Array.of(0x03, 0x00));
    const e = malformed(() => parseCertificateBundle(contentInfo(signedData(root.der, bad)), "mixed.p7c"));
    expect(e.code).toBe("MALFORMED_CERTIFICATE");
    expect(e.message).toMatch(/^mixed\.p7c#1: not valid DER \(length 6 in the long form; X\.690 10\.1/);
  });
});

describe("OCSP responses (RFC 6960 4.2.1)", () => {
  const d = new Date("2025-01-01T00:00:00Z");
  const certId = seq(seq(oid("1.3.14.3.2.26"), nullValue()), octets(new Uint8Array(20).fill(1)), octets(new Uint8Array(20).fill(2)), integer(7));
  const single = (status = tlv(0x80), thisUpdate = generalizedTime(d), ...rest: Uint8Array[]) => seq(certId, status, thisUpdate, ...rest);
  const responseData = (responder = explicit(2, octets(new Uint8Array(20).fill(3))), singles = [single()]) => seq(responder, generalizedTime(d), seq(...singles));
  const basic = (rd = responseData()) => seq(rd, seq(oid("1.2.840.10045.4.3.2")), tlv(0x03, Uint8Array.of(0, 1, 2, 3)));
  const response = (b = basic(), type = "1.3.6.1.5.5.7.48.1.1") => seq(tlv(0x0a, Uint8Array.of(0)), explicit(0, seq(oid(type), octets(b))));
  const fails = (der: Uint8Array) => {
    const e = malformed(() => parseOcspResponse(der, "responder.ocsp"));
    expect(e.code).toBe("MALFORMED_OCSP_RESPONSE");
    expect(e.message).toMatch(/^responder\.ocsp: /);
    return e.message;
  };

  it("the well-formed response built here reads: one good SingleResponse, responder by key", () => {
    const m = parseOcspResponse(response(), "responder.ocsp");
    expect(m).toMatchObject({ status: 0, responderKeyHash: "03".repeat(20), responses: [{ hash: "sha1", serial: "7", status: "good", issuerNameHash: "01".repeat(20) }] });
    expect(m.responses[0]!.thisUpdate.toISOString()).toBe(d.toISOString());
    const revoked = parseOcspResponse(response(basic(responseData(undefined, [single(tlv(0xa1, generalizedTime(d), explicit(0, tlv(0x0a, Uint8Array.of(1)))))]))), "r");
    expect(revoked.responses[0]).toMatchObject({ status: "revoked", reason: 1 });
  });

  it("certStatus [3]: MALFORMED_OCSP_RESPONSE", () => {
    expect(fails(response(basic(responseData(undefined, [single(tlv(0x83))]))))).toBe("responder.ocsp: not valid DER (certStatus has tag 0x83, not good [0], revoked [1] or unknown [2] (RFC 6960 4.2.1))");
  });

  it("thisUpdate as UTCTime: MALFORMED_OCSP_RESPONSE", () => {
    expect(fails(response(basic(responseData(undefined, [single(tlv(0x80), time(d))]))))).toBe("responder.ocsp: not valid DER (thisUpdate has tag 0x17, expected tag 0x18)");
  });

  it("responderID [3]: MALFORMED_OCSP_RESPONSE", () => {
    expect(fails(response(basic(responseData(explicit(3, octets(Uint8Array.of(1)))))))).toBe("responder.ocsp: not valid DER (responderID has tag 0xa3, not byName [1] or byKey [2] (RFC 6960 4.2.1))");
  });

  it("an element after the last field of a SingleResponse: MALFORMED_OCSP_RESPONSE", () => {
    expect(fails(response(basic(responseData(undefined, [single(tlv(0x80), generalizedTime(d), integer(1))]))))).toBe("responder.ocsp: not valid DER (unexpected element after the fields of SingleResponse (RFC 6960 4.2.1))");
  });

  it("through verify(): a malformed response given in revocation.ocspResponses is MALFORMED_OCSP_RESPONSE naming it", async () => {
    const p = pki("structure-readers-ocsp");
    const root = p.root("CN=OCSP Root");
    const ee = p.ee("CN=OCSP EE", root);
    const bad = response(basic(responseData(undefined, [single(tlv(0x83))])));
    const r = await verify({ target: ee.der, trustAnchors: [root.der], time: NOW, revocation: { ocspResponses: [bad] } });
    expect(r.valid).toBe(false);
    expect(r.error!.code).toBe("MALFORMED_OCSP_RESPONSE");
    expect(r.error!.message).toMatch(/^revocation\.ocspResponses\[0\]: not valid DER \(certStatus has tag 0x83/);
  });

  it("a response type other than id-pkix-ocsp-basic: MALFORMED_OCSP_RESPONSE", () => {
    expect(fails(response(basic(), "1.2.3.4"))).toBe("responder.ocsp: not an OCSP response: response type 1.2.3.4 is not id-pkix-ocsp-basic");
  });
});
