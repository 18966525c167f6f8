// TEEP constants (draft-ietf-teep-protocol-26, the version IANA registered on 2026-03-19:
// https://www.iana.org/assignments/teep) and the mapping of every verification failure to a
// TEEP err-code and err-msg. The messages themselves are in ./teep-messages.ts.
//
// Numbers checked against: the CDDL of the draft (ietf-teep/teep-protocol,
// draft-ietf-teep-protocol.cddl: labels, err-codes, cipher suites, freshness) and the IANA
// "TEEP Message Types" registry for -26, which assigns Success 4 and Error 5 (earlier drafts'
// CDDL, through at least -2x, had teep-success 5 and teep-error 6).
import type { CoseErrorCode, TeepCertificateError } from "./types.js";

/** err-code values (draft-ietf-teep-protocol-26, IANA "TEEP Error Codes"). */
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

/** TEEP message types (IANA "TEEP Message Types", draft-ietf-teep-protocol-26). */
export const TEEP_TYPE = Object.freeze({ QUERY_REQUEST: 1, QUERY_RESPONSE: 2, UPDATE: 3, SUCCESS: 4, ERROR: 5 } as const);

/**
 * Option map labels (draft-ietf-teep-protocol CDDL, "labels of mapkey"). The CDDL names an
 * err-lang option but gives it no label; it is not supported (an unknown label is refused).
 */
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

/** data-item-requested bits (bit 0 attestation, 1 trusted-components, 2 extensions, 3 suit-reports). */
export const TEEP_DATA_ITEM = Object.freeze({ attestation: 1, trustedComponents: 2, extensions: 4, suitReports: 8 } as const);

export const FRESHNESS = Object.freeze({ NONCE: 0, TIMESTAMP: 1 } as const);

/**
 * The TEEP err-code a failure is answered with (draft-ietf-teep-protocol-26 err-code list):
 * EXPIRED and NOT_YET_VALID -> ERR_CERTIFICATE_EXPIRED (9); an algorithm the receiver does not
 * support -> ERR_UNSUPPORTED_CIPHER_SUITES (5); a message that is not a well-formed COSE
 * structure (malformed CBOR, bad headers, detached payload confusion) -> ERR_PERMANENT_ERROR
 * (1, "incorrect or inconsistent fields"); every other signer or path failure ->
 * ERR_BAD_CERTIFICATE (6).
 */
export function teepErrorCode(code: CoseErrorCode): TeepCertificateError {
  switch (code) {
    case "EXPIRED":
    case "NOT_YET_VALID":
      return TEEP_ERR.ERR_CERTIFICATE_EXPIRED;
    case "UNSUPPORTED_COSE_ALGORITHM":
      return TEEP_ERR.ERR_UNSUPPORTED_CIPHER_SUITES;
    case "MALFORMED_COSE":
    case "BAD_HEADER":
    case "DETACHED_PAYLOAD":
      return TEEP_ERR.ERR_PERMANENT_ERROR;
    default:
      return TEEP_ERR.ERR_BAD_CERTIFICATE;
  }
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
export function utf8Cut(s: string, max: number): string {
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

