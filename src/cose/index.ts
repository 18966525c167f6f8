// The COSE module: COSE_Sign1 / COSE_Sign signers identified by X.509 header parameters
// (RFC 9052, RFC 9360), trust anchors per TEEP role (RFC 9397), TEEP error mapping
// (draft-ietf-teep-protocol) and RFC 9679 key thumbprints.
export { verifyCoseSign1, verifyCoseSign, verifyCose, COSE_TAG } from "./sign1.js";
export { COSE_ERROR_CODES } from "./types.js";
export type {
  CoseErrorCode,
  CoseVerifyError,
  CoseVerifyOptions,
  CoseVerifyResult,
  CoseSignerInfo,
  CoseHeaders,
  HeaderMap,
  Label,
  TeepCertificateError,
  CoseKeyContext,
  CoseKeyResolution,
  CosePathVerifier,
} from "./types.js";
export { CoseTrustAnchorStore, TeepTrustAnchors, TEEP_ROLES, type TeepRole, type RawKeyAnchor, type SpkiAnchorOptions } from "./anchors.js";
export { COSE_ALGORITHMS, COSE_ALG, type CoseAlgorithm } from "./algorithms.js";
export { COSE_HEADER } from "./headers.js";
export { coseKeyThumbprint, coseKeyFromSpki, cnfMatches, COSE_KTY, COSE_CRV, type CoseKey } from "./thumbprint.js";
export {
  TEEP_ERR,
  TEEP_TYPE,
  TEEP_LABEL,
  TEEP_CIPHER_SUITE,
  TEEP_DATA_ITEM,
  SUIT_COSE_PROFILE,
  FRESHNESS,
  teepErrorCode,
  teepErrMsg,
  type TeepCipherSuite,
  type TeepOperation,
} from "./teep.js";
export {
  TeepDecodeError,
  TEEP_TYPE_NAMES,
  encodeTeep,
  decodeTeep,
  encodeQueryRequest,
  decodeQueryRequest,
  encodeQueryResponse,
  decodeQueryResponse,
  encodeUpdate,
  decodeUpdate,
  encodeTeepSuccess,
  decodeTeepSuccess,
  encodeTeepError,
  decodeTeepError,
  decodeTeepMessage,
  type QueryRequest,
  type QueryResponse,
  type Update,
  type TeepSuccess,
  type TeepErrorMessage,
  type TeepMessageBody,
  type TeepMessage,
  type TeepDecodeOptions,
  type RequestedTcInfo,
  type SuitComponentId,
} from "./teep-messages.js";
export { TeepTokenTracker, signTeep, verifyTeep, type OutstandingRequest, type TeepVerifyOptions, type TeepVerifyResult, type TeepVerifyErrorCode } from "./teep-session.js";
export { keyObjectSigner, cryptoKeySigner, externalSigner, ecdsaDerToRaw, type CoseSigner, type ExternalSignerOptions } from "./signer.js";
export { signCose1, signCose, type CoseSign1Options, type CoseSignOptions, type CoseSignerHeaders, type CoseHeaderInput } from "./signing.js";
/** Test and example utility (see src/cose/sign.ts): not a production signer. */
export { coseSign1, coseSign, x5, x5t, type SignOptions, type SignerSpec, type SigningKey, type HeaderInput } from "./sign.js";
