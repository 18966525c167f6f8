// TEEP (draft-ietf-teep-protocol) pieces the COSE door needs: error codes and err-msg
// for a failed signer check, the QueryRequest message, and the Error message.
import { encodeCbor, isBytes, isInt, isMap, strictDecode } from "./cbor.js";
import type { CoseErrorCode, TeepCertificateError } from "./types.js";

/** err-code values (draft-ietf-teep-protocol, teep-error). */
export const TEEP_ERR = Object.freeze({
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
} as const);

/** TEEP message types. */
export const TEEP_TYPE = Object.freeze({ QUERY_REQUEST: 1, QUERY_RESPONSE: 2, UPDATE: 3, SUCCESS: 5, ERROR: 6 } as const);

/** Option map labels. */
export const TEEP_LABEL = Object.freeze({
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
} as const);

export type TeepOperation = readonly [coseType: number, alg: number];
export type TeepCipherSuite = readonly TeepOperation[];

/** The two mandatory TEEP cipher suites: COSE_Sign1 (18) with ESP256 (-9) or Ed25519 (-19). */
export const TEEP_CIPHER_SUITE = Object.freeze({
  SIGN1_ESP256: [[18, -9]] as TeepCipherSuite,
  SIGN1_ED25519: [[18, -19]] as TeepCipherSuite,
});

/** SUIT COSE profiles (draft-ietf-suit-mti): [digest, authentication, key exchange, encryption]. */
export const SUIT_COSE_PROFILE = Object.freeze({
  SHA256_ESP256_ECDH_A128CTR: [-16, -9, -29, -65534] as readonly number[],
  SHA256_ED25519_ECDH_A128CTR: [-16, -19, -29, -65534] as readonly number[],
  SHA256_ESP256_ECDH_A128GCM: [-16, -9, -29, 1] as readonly number[],
  SHA256_ED25519_ECDH_CHACHA_POLY: [-16, -19, -29, 24] as readonly number[],
});

/** data-item-requested bits. */
export const TEEP_DATA_ITEM = Object.freeze({ attestation: 1, trustedComponents: 2, extensions: 4, suitReports: 8 } as const);

export const FRESHNESS = Object.freeze({ NONCE: 0, TIMESTAMP: 1 } as const);

/** EXPIRED and NOT_YET_VALID -> ERR_CERTIFICATE_EXPIRED (9); every other failure -> ERR_BAD_CERTIFICATE (6). */
export function teepErrorCode(code: CoseErrorCode): TeepCertificateError {
  return code === "EXPIRED" || code === "NOT_YET_VALID" ? TEEP_ERR.ERR_CERTIFICATE_EXPIRED : TEEP_ERR.ERR_BAD_CERTIFICATE;
}

const PHRASES: Partial<Record<CoseErrorCode, string>> = {
  EXPIRED: "certificate expired",
  NOT_YET_VALID: "certificate not yet valid",
  NO_PATH: "no path to a trusted anchor",
  REVOKED: "certificate revoked",
  POLICY: "certificate policy not acceptable",
  POLICY_MAPPING: "bad policy mapping",
  INVALID_SIGNATURE: "bad certificate signature",
  NAME_CONSTRAINTS: "name constraints violated",
  SIGNATURE_INVALID: "bad COSE signature",
  SIGNER_NOT_PROTECTED: "signer certificate not integrity protected",
  X5T_MISMATCH: "x5t matches no certificate",
  NO_SIGNER: "no signer certificate",
  KEY_ALGORITHM_MISMATCH: "signer key does not fit alg",
  UNSUPPORTED_COSE_ALGORITHM: "unsupported COSE alg",
  MALFORMED_COSE: "malformed COSE message",
  BAD_HEADER: "bad COSE header",
};

/** Cuts `s` to at most `max` bytes of UTF-8 without splitting a character. */
function utf8Cut(s: string, max: number): string {
  if (Buffer.byteLength(s, "utf8") <= max) return s;
  let out = "";
  for (const ch of s) {
    if (Buffer.byteLength(out + ch + "…", "utf8") > max) break;
    out += ch;
  }
  return out + "…";
}

/** A TEEP err-msg (text .size (1..128)) for a failure, naming the certificate when there is one. */
export function teepErrMsg(code: CoseErrorCode, subject?: string, certIndex?: number): string {
  const phrase = PHRASES[code] ?? code.toLowerCase().replace(/_/g, " ");
  const who = subject ? `: ${subject}${certIndex !== undefined ? ` (#${certIndex})` : ""}` : "";
  return utf8Cut(phrase + who, 128);
}

export interface QueryRequest {
  token?: Uint8Array;
  supportedFreshnessMechanisms?: number[];
  challenge?: Uint8Array;
  versions?: number[];
  attestationPayloadFormat?: string;
  attestationPayload?: Uint8Array;
  suitReports?: Uint8Array[];
  supportedTeepCipherSuites: readonly TeepCipherSuite[];
  supportedSuitCoseProfiles: readonly (readonly number[])[];
  /** Bits of TEEP_DATA_ITEM. */
  dataItemRequested: number;
}

function checkQueryRequest(q: QueryRequest): void {
  const attestation = (q.dataItemRequested & TEEP_DATA_ITEM.attestation) !== 0;
  if (q.token !== undefined && (q.token.length < 8 || q.token.length > 64)) throw new TypeError("QueryRequest token must be 8..64 bytes");
  if (attestation === (q.token !== undefined)) throw new TypeError("QueryRequest token MUST be present if and only if the attestation bit is clear");
  if (q.challenge !== undefined && (q.challenge.length < 8 || q.challenge.length > 512)) throw new TypeError("QueryRequest challenge must be 8..512 bytes");
  if (q.supportedTeepCipherSuites.length === 0) throw new TypeError("QueryRequest needs at least one cipher suite");
  if (q.supportedSuitCoseProfiles.length === 0) throw new TypeError("QueryRequest needs at least one SUIT COSE profile");
}

/** The CBOR of a QueryRequest: [1, options, supported-teep-cipher-suites, supported-suit-cose-profiles, data-item-requested]. */
export function encodeQueryRequest(q: QueryRequest): Uint8Array {
  checkQueryRequest(q);
  const L = TEEP_LABEL;
  const options = new Map<number, unknown>();
  if (q.token) options.set(L.token, q.token);
  if (q.supportedFreshnessMechanisms) options.set(L.supportedFreshnessMechanisms, q.supportedFreshnessMechanisms);
  if (q.challenge) options.set(L.challenge, q.challenge);
  if (q.versions) options.set(L.versions, q.versions);
  if (q.attestationPayloadFormat !== undefined) options.set(L.attestationPayloadFormat, q.attestationPayloadFormat);
  if (q.attestationPayload) options.set(L.attestationPayload, q.attestationPayload);
  if (q.suitReports) options.set(L.suitReports, q.suitReports);
  return encodeCbor([TEEP_TYPE.QUERY_REQUEST, options, q.supportedTeepCipherSuites, q.supportedSuitCoseProfiles, q.dataItemRequested]);
}

export interface TeepMessage {
  type: number;
  options: ReadonlyMap<number, unknown>;
  /** The elements after the options map. */
  rest: unknown[];
}

/** A TEEP message (strict CBOR): [type, options, ...]. Throws TypeError when it is not one. */
export function decodeTeepMessage(bytes: Uint8Array): TeepMessage {
  const m = strictDecode(bytes, "TEEP message");
  if (!Array.isArray(m) || m.length < 2 || !isInt(m[0]) || m[0] < 0 || m[0] > 23 || !isMap(m[1])) throw new TypeError("not a TEEP message: [type, options, ...]");
  for (const k of m[1].keys()) if (!isInt(k) || k < 0) throw new TypeError(`TEEP option label ${String(k)} is not a uint`);
  return { type: m[0], options: m[1] as Map<number, unknown>, rest: m.slice(2) };
}

/** A QueryRequest, checked against its CDDL. */
export function decodeQueryRequest(bytes: Uint8Array): QueryRequest {
  const m = decodeTeepMessage(bytes);
  if (m.type !== TEEP_TYPE.QUERY_REQUEST || m.rest.length !== 3) throw new TypeError("not a QueryRequest: [1, options, cipher-suites, suit-cose-profiles, data-item-requested]");
  const [suites, profiles, items] = m.rest;
  const o = m.options;
  const L = TEEP_LABEL;
  const intList = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every(isInt);
  if (!Array.isArray(suites) || suites.length === 0 || !suites.every((s) => Array.isArray(s) && s.length > 0 && s.every((op) => Array.isArray(op) && op.length === 2 && op.every(isInt))))
    throw new TypeError("QueryRequest: bad supported-teep-cipher-suites");
  if (!Array.isArray(profiles) || profiles.length === 0 || !profiles.every(intList)) throw new TypeError("QueryRequest: bad supported-suit-cose-profiles");
  if (!isInt(items) || items < 0) throw new TypeError("QueryRequest: bad data-item-requested");
  const opt = <T>(label: number, ok: (v: unknown) => boolean): T | undefined => {
    const v = o.get(label);
    if (v === undefined) return undefined;
    if (!ok(v)) throw new TypeError(`QueryRequest: option ${label} has the wrong type`);
    return v as T;
  };
  const q: QueryRequest = {
    token: opt<Uint8Array>(L.token, isBytes),
    supportedFreshnessMechanisms: opt<number[]>(L.supportedFreshnessMechanisms, intList),
    challenge: opt<Uint8Array>(L.challenge, isBytes),
    versions: opt<number[]>(L.versions, intList),
    attestationPayloadFormat: opt<string>(L.attestationPayloadFormat, (v) => typeof v === "string"),
    attestationPayload: opt<Uint8Array>(L.attestationPayload, isBytes),
    suitReports: opt<Uint8Array[]>(L.suitReports, (v) => Array.isArray(v) && v.length > 0 && v.every(isBytes)),
    supportedTeepCipherSuites: suites as TeepCipherSuite[],
    supportedSuitCoseProfiles: profiles as number[][],
    dataItemRequested: items,
  };
  for (const k of Object.keys(q) as (keyof QueryRequest)[]) if (q[k] === undefined) delete q[k];
  checkQueryRequest(q);
  return q;
}

/** The CBOR of a TEEP Error message: [6, { ? token, ? err-msg }, err-code] (to be signed by the sender). */
export function encodeTeepError(e: { errCode: number; errMsg?: string; token?: Uint8Array }): Uint8Array {
  const options = new Map<number, unknown>();
  if (e.token) options.set(TEEP_LABEL.token, e.token);
  if (e.errMsg) options.set(TEEP_LABEL.errMsg, utf8Cut(e.errMsg, 128));
  return encodeCbor([TEEP_TYPE.ERROR, options, e.errCode]);
}
