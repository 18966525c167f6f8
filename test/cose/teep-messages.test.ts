// The five TEEP messages against the draft-ietf-teep-protocol-26 CDDL: every field
// encodes and decodes back; the type numbers and labels are the registered ones (checked
// here against a table written from the IANA registry and the draft's CDDL, not imported
// from the code); strict decoding names the field that is wrong.
import { describe, expect, it } from "vitest";
import {
  decodeQueryResponse,
  decodeTeep,
  decodeTeepError,
  decodeTeepSuccess,
  decodeUpdate,
  encodeQueryRequest,
  encodeQueryResponse,
  encodeTeep,
  encodeTeepError,
  encodeTeepSuccess,
  encodeUpdate,
  SUIT_COSE_PROFILE,
  TEEP_CIPHER_SUITE,
  TEEP_ERR,
  TEEP_LABEL,
  TEEP_TYPE,
  TeepDecodeError,
  type QueryResponse,
} from "../../src/index.js";
import { encodeCbor, strictDecode } from "../../src/cose/cbor.js";

const token = new Uint8Array(16).fill(0xab);
const cid = (s: string) => [new TextEncoder().encode(s)];

/** What the decoder must throw: a TeepDecodeError naming `field`, with `teepError`. */
function decodeFails(bytes: Uint8Array, field: string, teepError: number, message?: RegExp): void {
  let err: unknown;
  try {
    decodeTeep(bytes);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(TeepDecodeError);
  const e = err as TeepDecodeError;
  expect([e.field, e.teepError]).toEqual([field, teepError]);
  if (message) expect(e.message).toMatch(message);
}

describe("TEEP numbers (IANA registry for draft-ietf-teep-protocol-26; labels from the draft CDDL)", () => {
  it("message types 1..5", () => {
    expect(TEEP_TYPE).toEqual({ QUERY_REQUEST: 1, QUERY_RESPONSE: 2, UPDATE: 3, SUCCESS: 4, ERROR: 5 });
  });
  it("option labels", () => {
    expect(TEEP_LABEL).toEqual({
      supportedTeepCipherSuites: 1,
      challenge: 2,
      versions: 3,
      supportedSuitCoseProfiles: 4,
      selectedVersion: 6,
      attestationPayload: 7,
      tcList: 8,
      extList: 9,
      manifestList: 10,
      msg: 11,
      errMsg: 12,
      attestationPayloadFormat: 13,
      requestedTcList: 14,
      unneededManifestList: 15,
      componentId: 16,
      tcManifestSequenceNumber: 17,
      haveBinary: 18,
      suitReports: 19,
      token: 20,
      supportedFreshnessMechanisms: 21,
      errCode: 23,
    });
  });
  it("err-codes", () => {
    expect(TEEP_ERR).toEqual({
      ERR_PERMANENT_ERROR: 1,
      ERR_UNSUPPORTED_EXTENSION: 2,
      ERR_UNSUPPORTED_FRESHNESS_MECHANISMS: 3,
      ERR_UNSUPPORTED_MSG_VERSION: 4,
      ERR_UNSUPPORTED_CIPHER_SUITES: 5,
      ERR_BAD_CERTIFICATE: 6,
      ERR_ATTESTATION_REQUIRED: 7,
      ERR_UNSUPPORTED_SUIT_REPORT: 8,
      ERR_CERTIFICATE_EXPIRED: 9,
      ERR_TEMPORARY_ERROR: 10,
      ERR_MANIFEST_PROCESSING_FAILED: 17,
    });
  });
});

describe("round trips with every field", () => {
  it("QueryResponse: token, selected-version, attestation payload, SUIT reports, tc-list, requested-tc-list, unneeded manifests, ext-list", () => {
    const q: QueryResponse = {
      token,
      selectedVersion: 0,
      attestationPayloadFormat: "application/eat+cwt",
      attestationPayload: new Uint8Array([0xd2, 0x84]),
      suitReports: [new Uint8Array([0xa0])],
      tcList: [new Map<number | string, unknown>([[-257, cid("app-1")]])],
      requestedTcList: [{ componentId: cid("app-2"), tcManifestSequenceNumber: 3, haveBinary: true }, { componentId: cid("app-3") }],
      unneededManifestList: [cid("old-app")],
      extList: [7],
    };
    const bytes = encodeQueryResponse(q);
    const raw = strictDecode(bytes, "qr") as [number, Map<number, unknown>];
    expect(raw.length).toBe(2);
    expect(raw[0]).toBe(2);
    expect([...raw[1].keys()].sort((a, b) => a - b)).toEqual([6, 7, 8, 9, 13, 14, 15, 19, 20]);
    expect((raw[1].get(14) as Map<number, unknown>[])[0]).toEqual(new Map<number, unknown>([[16, cid("app-2")], [17, 3], [18, true]]));
    expect(decodeQueryResponse(bytes)).toEqual(q);
  });

  it("Update: token, unneeded-manifest-list, manifest-list, attestation payload, err-code and err-msg", () => {
    const u = { token, unneededManifestList: [cid("x")], manifestList: [new Uint8Array([0xd8, 0x6b, 0xa0])], attestationPayloadFormat: "text/plain", attestationPayload: new Uint8Array(3), errCode: 17, errMsg: "m" };
    const bytes = encodeUpdate(u);
    expect((strictDecode(bytes, "u") as unknown[])[0]).toBe(3);
    expect(decodeUpdate(bytes)).toEqual(u);
  });

  it("Success [4, {token, msg, suit-reports}] and Error [5, {...}, err-code] with every option", () => {
    const s = { token, msg: "installed", suitReports: [new Map([[1, 2]])] };
    const sb = encodeTeepSuccess(s);
    expect((strictDecode(sb, "s") as unknown[])[0]).toBe(4);
    expect(decodeTeepSuccess(sb)).toEqual(s);
    const e = {
      token,
      errMsg: "unsupported",
      supportedTeepCipherSuites: [TEEP_CIPHER_SUITE.SIGN1_ESP256],
      supportedFreshnessMechanisms: [0, 1],
      supportedSuitCoseProfiles: [SUIT_COSE_PROFILE.SHA256_ESP256_ECDH_A128CTR],
      challenge: new Uint8Array(8),
      versions: [0],
      suitReports: [new Map([[1, 2]])],
      errCode: TEEP_ERR.ERR_UNSUPPORTED_CIPHER_SUITES,
    };
    const eb = encodeTeepError(e);
    const raw = strictDecode(eb, "e") as unknown[];
    expect([raw[0], raw.length, raw[2]]).toEqual([5, 3, 5]);
    expect(decodeTeepError(eb)).toEqual(e);
  });
});

describe("strict decoding names the field", () => {
  it("an option label the message does not define -> ERR_UNSUPPORTED_EXTENSION (2)", () => {
    decodeFails(encodeCbor([2, new Map<number, unknown>([[20, token], [99, 1]])]), "QueryResponse.options.99", 2, /not defined for QueryResponse/);
    // challenge (2) is a QueryRequest / Error option, not a Success one.
    decodeFails(encodeCbor([4, new Map<number, unknown>([[2, new Uint8Array(8)]])]), "Success.options.2", 2);
    decodeFails(encodeCbor([2, new Map<number, unknown>([[14, [new Map<number, unknown>([[16, []], [99, 1]])]]])]), "QueryResponse.requested-tc-list[0].99", 2);
  });

  it("a wrong type or size -> ERR_PERMANENT_ERROR (1), naming the field", () => {
    decodeFails(encodeCbor([3, new Map<number, unknown>([[10, [new Uint8Array(1), "not a bstr"]]])]), "Update.manifest-list[1]", 1, /expected a bstr/);
    decodeFails(encodeCbor([2, new Map<number, unknown>([[20, new Uint8Array(7)]])]), "QueryResponse.token", 1, /7 bytes, the CDDL allows 8\.\.64/);
    decodeFails(encodeCbor([5, new Map<number, unknown>([[12, "x".repeat(129)]]), 1]), "Error.err-msg", 1, /129 bytes/);
    decodeFails(encodeCbor([5, new Map(), 24]), "Error.err-code", 1, /0\.\.23/);
    decodeFails(encodeCbor([2, new Map<number, unknown>([[6, 2 ** 32]])]), "QueryResponse.selected-version", 1, /uint \.size 4/);
    decodeFails(encodeCbor([2, new Map<number, unknown>([[14, [new Map<number, unknown>([[17, 1]])]]])]), "QueryResponse.requested-tc-list[0].component-id", 1, /missing/);
    decodeFails(encodeCbor([2, new Map<number, unknown>([[8, [[1]]]])]), "QueryResponse.tc-list[0]", 1, /system-property-claims map/);
    decodeFails(encodeCbor([1, new Map<number, unknown>([[20, token]]), [[[18, -9]]], [[-16, -9, -29]], 2]), "QueryRequest.supported-suit-cose-profiles[0]", 1);
  });

  it("the wrong number of elements, an unknown type, or not a TEEP message", () => {
    decodeFails(encodeCbor([5, new Map()]), "Error", 1, /expected 3 array elements/);
    decodeFails(encodeCbor([2, new Map(), 1]), "QueryResponse", 1, /expected 2 array elements/);
    decodeFails(encodeCbor([6, new Map(), 1]), "TEEP message.type", 2, /type 6/);
    decodeFails(encodeCbor({ a: 1 }), "TEEP message", 1);
    decodeFails(Uint8Array.of(0x82, 0x02, 0xb8, 0x00), "TEEP message", 1, /strict/);
    expect(decodeTeep(Uint8Array.of(0x82, 0x02, 0xb8, 0x00), { decoding: "relaxed" })).toEqual({ type: 2 });
  });

  it("encoding refuses what decoding would, and fields a message does not have", () => {
    expect(() => encodeTeep({ type: 4, msg: "" })).toThrow(/Success.msg: text of 0 bytes/);
    expect(() => encodeUpdate({ errMsg: "no code" })).toThrow(/Update.err-msg: given without err-code/);
    expect(() => encodeTeepSuccess({ token, errCode: 1 } as never)).toThrow(/Success.errCode: not a field of Success/);
    expect(() => encodeQueryRequest({ supportedTeepCipherSuites: [], supportedSuitCoseProfiles: [SUIT_COSE_PROFILE.SHA256_ESP256_ECDH_A128CTR], dataItemRequested: 1 })).toThrow(/supported-teep-cipher-suites: expected a non-empty array/);
  });
});
