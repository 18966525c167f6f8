// RFC 9679 COSE Key Thumbprints, the TEEP error mapping and the TEEP messages.
import { describe, expect, it } from "vitest";
import { createPublicKey } from "node:crypto";
import { generateKey } from "../../testsuite/src/generate/pki.js";
import { encodeCbor, strictDecode } from "../../src/cose/cbor.js";
import {
  cnfMatches,
  COSE_ERROR_CODES,
  coseKeyFromSpki,
  coseKeyThumbprint,
  decodeQueryRequest,
  decodeTeepMessage,
  encodeQueryRequest,
  encodeTeepError,
  ERROR_CODES,
  SUIT_COSE_PROFILE,
  TEEP_CIPHER_SUITE,
  TEEP_DATA_ITEM,
  TEEP_ERR,
  teepErrMsg,
  teepErrorCode,
  type CoseErrorCode,
} from "../../src/index.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

describe("RFC 9679 COSE Key Thumbprint", () => {
  // RFC 9679 6: the worked example.
  const X = "65eda5a12577c2bae829437fe338701a10aaa375e1bb5b5de108de439c08551d";
  const Y = "1e52ed75701163f7f9e40ddf9f341b3dc9ba860af7e0ca7ca7e9eecd0084d19c";
  const THUMB = "496bd8afadf307e5b08c64b0421bf9dc01528a344a43bda88fadd1669da253ec";

  it("reproduces the RFC 9679 example from a COSE_Key (extra parameters ignored)", () => {
    const key = new Map<number, unknown>([[1, 2], [-1, 1], [-2, unhex(X)], [-3, unhex(Y)], [2, unhex(THUMB)], [3, -7]]);
    expect(hex(coseKeyThumbprint(key))).toBe(THUMB);
  });

  it("reproduces it from the same key as an SPKI, with the canonical COSE_Key bytes", () => {
    const spki = createPublicKey({ key: { kty: "EC", crv: "P-256", x: Buffer.from(X, "hex").toString("base64url"), y: Buffer.from(Y, "hex").toString("base64url") }, format: "jwk" }).export({ format: "der", type: "spki" });
    expect(hex(encodeCbor(coseKeyFromSpki(new Uint8Array(spki))))).toBe(`a401022001215820${X}225820${Y}`);
    expect(hex(coseKeyThumbprint(new Uint8Array(spki)))).toBe(THUMB);
  });

  it("OKP (Ed25519), EC2 (P-384, P-521) and RSA keys have their required parameters only", () => {
    const ed = coseKeyFromSpki(generateKey("ed25519", "tp").spki);
    expect([...ed.keys()]).toEqual([1, -1, -2]);
    expect(ed.get(1)).toBe(1);
    expect(ed.get(-1)).toBe(6);
    expect((ed.get(-2) as Uint8Array).length).toBe(32);
    const p384 = coseKeyFromSpki(generateKey("p384", "tp").spki);
    expect([p384.get(1), p384.get(-1), (p384.get(-2) as Uint8Array).length, (p384.get(-3) as Uint8Array).length]).toEqual([2, 2, 48, 48]);
    const p521 = coseKeyFromSpki(generateKey("p521", "tp").spki);
    expect([p521.get(-1), (p521.get(-2) as Uint8Array).length]).toEqual([3, 66]);
    const rsa = coseKeyFromSpki(generateKey("rsa2048", "tp").spki);
    expect(rsa.get(1)).toBe(3);
    expect((rsa.get(-1) as Uint8Array).length).toBe(256); // no leading zero octet
    expect(hex(rsa.get(-2) as Uint8Array)).toBe("010001");
    // Deterministic encoding: keys 1, -1, -2 (0x01, 0x20, 0x21).
    expect(hex(encodeCbor(ed)).slice(0, 10)).toBe("a301012006");
  });

  it("cnfMatches: ckt (5) or COSE_Key (1) in an EAT cnf claim", () => {
    const k = generateKey("ed25519", "cnf");
    const tp = coseKeyThumbprint(k.spki);
    expect(cnfMatches(new Map([[5, tp]]), tp)).toBe(true);
    expect(cnfMatches(new Map([[5, new Uint8Array(32)]]), tp)).toBe(false);
    expect(cnfMatches(new Map<number, unknown>([[1, coseKeyFromSpki(k.spki)]]), tp)).toBe(true);
    expect(cnfMatches(new Map([[3, tp]]), tp)).toBe(false);
  });
});

describe("TEEP error codes and err-msg", () => {
  it("EXPIRED / NOT_YET_VALID -> 9, an unsupported alg -> 5, a malformed message -> 1, every other code -> ERR_BAD_CERTIFICATE (6)", () => {
    const all = [...Object.keys(ERROR_CODES), ...Object.keys(COSE_ERROR_CODES)] as CoseErrorCode[];
    const expected = (c: string) =>
      c === "EXPIRED" || c === "NOT_YET_VALID" ? 9 : c === "UNSUPPORTED_COSE_ALGORITHM" ? 5 : ["MALFORMED_COSE", "BAD_HEADER", "DETACHED_PAYLOAD"].includes(c) ? 1 : 6;
    for (const c of all) expect([c, teepErrorCode(c)]).toEqual([c, expected(c)]);
    expect(TEEP_ERR.ERR_BAD_CERTIFICATE).toBe(6);
    expect(TEEP_ERR.ERR_CERTIFICATE_EXPIRED).toBe(9);
  });

  it("err-msg names the certificate and stays within 1..128 bytes of UTF-8", () => {
    expect(teepErrMsg("EXPIRED", "CN=TAM Signer", 0)).toBe("certificate expired: CN=TAM Signer (#0)");
    const long = teepErrMsg("NO_PATH", "CN=" + "é".repeat(200));
    expect(Buffer.byteLength(long, "utf8")).toBeLessThanOrEqual(128);
    expect(long.startsWith("no path to a trusted anchor: CN=é")).toBe(true);
    expect(long.endsWith("…")).toBe(true);
    expect(teepErrMsg("MALFORMED_COSE")).toBe("malformed COSE message");
  });

  it("encodes a TEEP Error message [5, {token, err-msg}, err-code] (type 5: IANA registry of draft-ietf-teep-protocol-26)", () => {
    const token = new Uint8Array(8).fill(7);
    const m = decodeTeepMessage(encodeTeepError({ errCode: 9, errMsg: "certificate expired: CN=TAM Signer (#0)", token }));
    expect(m.type).toBe(5);
    expect(m.options.get(12)).toBe("certificate expired: CN=TAM Signer (#0)");
    expect(hex(m.options.get(20) as Uint8Array)).toBe(hex(token));
    expect(m.rest).toEqual([9]);
  });
});

describe("TEEP QueryRequest", () => {
  const base = {
    supportedTeepCipherSuites: [TEEP_CIPHER_SUITE.SIGN1_ESP256, TEEP_CIPHER_SUITE.SIGN1_ED25519],
    supportedSuitCoseProfiles: [SUIT_COSE_PROFILE.SHA256_ESP256_ECDH_A128CTR, SUIT_COSE_PROFILE.SHA256_ED25519_ECDH_A128CTR],
  };

  it("encodes [1, options, cipher suites, SUIT COSE profiles, data-item-requested] and decodes it back", () => {
    const q = { ...base, token: new Uint8Array(16).fill(0xa0), versions: [0], dataItemRequested: TEEP_DATA_ITEM.trustedComponents };
    const bytes = encodeQueryRequest(q);
    const raw = strictDecode(bytes, "q") as unknown[];
    expect(raw[0]).toBe(1);
    expect([...(raw[1] as Map<number, unknown>).keys()].sort()).toEqual([20, 3]);
    expect(raw[2]).toEqual([[[18, -9]], [[18, -19]]]);
    expect(raw[3]).toEqual([
      [-16, -9, -29, -65534],
      [-16, -19, -29, -65534],
    ]);
    expect(raw[4]).toBe(2);
    expect(decodeQueryRequest(bytes)).toEqual(q);
  });

  it("keeps the token rule: present if and only if the attestation bit is clear", () => {
    expect(() => encodeQueryRequest({ ...base, dataItemRequested: TEEP_DATA_ITEM.trustedComponents })).toThrow(/token/);
    expect(() => encodeQueryRequest({ ...base, token: new Uint8Array(8), dataItemRequested: TEEP_DATA_ITEM.attestation })).toThrow(/token/);
    expect(() => encodeQueryRequest({ ...base, token: new Uint8Array(4), dataItemRequested: 0 })).toThrow(/8\.\.64/);
  });

  it("rejects what is not a QueryRequest", () => {
    expect(() => decodeQueryRequest(encodeCbor([2, new Map()]))).toThrow(TypeError);
    expect(() => decodeQueryRequest(encodeCbor([1, new Map(), [], [[-16]], 1]))).toThrow(TypeError);
    expect(() => decodeTeepMessage(encodeCbor([1, new Map([["x", 1]])]))).toThrow(TypeError);
    expect(() => decodeTeepMessage(Uint8Array.of(0x9f, 0x01, 0xff))).toThrow();
  });
});
