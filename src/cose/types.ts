// Options, results and error codes of the COSE door (`verifyCoseSign1`, `verifyCoseSign`,
// `verifyCose`). Certificate path failures keep the codes of `verify` (ERROR_CODES);
// the codes below are the COSE-level ones.
import type { ErrorCode, FetchOptions, Input, Limits, NameAndKey, PathEntry, PolicyOptions, RevocationOptions, VerifyResult } from "../api/types.js";
import type { IssuerSource } from "../stores/issuer-source.js";
import type { KeyObject } from "node:crypto";
import type { CoseTrustAnchorStore } from "./anchors.js";

export const COSE_ERROR_CODES = {
  MALFORMED_COSE:
    "the message is not a COSE_Sign1 / COSE_Sign structure (RFC 9052 4.1, 4.2), or its CBOR is not strict (indefinite length, duplicate map key, non-shortest integer, trailing bytes)",
  BAD_HEADER:
    "a header parameter has the wrong type or bucket, a label is in both buckets, or crit names a parameter that is absent or not understood (RFC 9052 3, 3.1; RFC 9360 2)",
  UNSUPPORTED_COSE_ALGORITHM: "alg is absent from the protected header, unknown, or not among the expected algorithms (RFC 9053, RFC 9864)",
  KEY_ALGORITHM_MISMATCH: "the signer's public key does not fit the COSE algorithm: key type, curve or RSA size (RFC 9053 2, RFC 9864 2, RFC 8230 2)",
  NO_SIGNER: "no x5chain, x5t or x5bag identifies a signer certificate and no raw-key trust anchor of the store verifies the signature",
  SIGNER_NOT_PROTECTED:
    "the end-entity certificate is not integrity protected: x5chain (or x5bag) only in the unprotected header and no x5t in the protected header (RFC 9360 2)",
  X5T_MISMATCH: "x5t matches no certificate carried in x5chain, x5bag or the given certificates, or a different one than x5chain's first (RFC 9360 2)",
  SIGNATURE_INVALID: "the COSE signature does not verify over the Sig_structure with the signer's public key (RFC 9052 4.4)",
  SIGNER_KEY_USAGE: "the signer certificate has a keyUsage without digitalSignature or nonRepudiation (RFC 5280 4.2.1.3)",
  DETACHED_PAYLOAD: "the payload is nil and no detachedPayload was given, or a detachedPayload was given for a message that carries its payload (RFC 9052 2)",
} as const;

/** A COSE-level code, or the certificate path code of `verify` (EXPIRED, NO_PATH, POLICY, ...). */
export type CoseErrorCode = keyof typeof COSE_ERROR_CODES | ErrorCode;

/** TEEP err-code values a verification failure maps to (draft-ietf-teep-protocol-26): see teepErrorCode. */
export type TeepCertificateError = 1 | 5 | 6 | 9;

export interface CoseVerifyError {
  code: CoseErrorCode;
  message: string;
  /** Index in `signer.path` of the certificate that failed (0 = the end-entity signer certificate). */
  certIndex?: number;
  /** Subject of the certificate the failure is about, when one is known. */
  subject?: string;
  /** ERR_CERTIFICATE_EXPIRED (9) for EXPIRED / NOT_YET_VALID, ERR_UNSUPPORTED_CIPHER_SUITES (5) for an unsupported alg, ERR_PERMANENT_ERROR (1) for a malformed message, ERR_BAD_CERTIFICATE (6) for everything else. */
  teepError: TeepCertificateError;
  /** A TEEP err-msg (text, 1..128 bytes UTF-8) naming the failing certificate. */
  errMsg: string;
}

export type Label = number | string;
export type HeaderMap = ReadonlyMap<Label, unknown>;

export interface CoseHeaders {
  readonly protected: HeaderMap;
  readonly unprotected: HeaderMap;
}

export interface CoseSignerInfo {
  /** "x509": identified by x5chain / x5t / x5bag and validated to an anchor; "raw-key": a raw public key anchor of the store. */
  kind: "x509" | "raw-key";
  /** The end-entity certificate, DER (x509). */
  certificate?: Uint8Array;
  /** Its subject, or the raw key anchor's label. */
  subject?: string;
  /** The signer's SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
  /** The validated path (target first, anchor last), or the best candidate tried when invalid. */
  path: PathEntry[];
  /** RFC 5280 6.1.6 user-constrained policy set of the validated path. */
  policies: string[];
  /** The full result of `verify` for the signer certificate (x509), diagnostics included. */
  verification?: VerifyResult;
}

export interface CoseVerifyResult {
  valid: boolean;
  kind: "COSE_Sign1" | "COSE_Sign";
  /** The payload (or the detached payload), only when valid. */
  payload?: Uint8Array;
  /** The COSE algorithm of the (first valid) signature. */
  alg?: number;
  algName?: string;
  /** Headers of the signer layer (the COSE_Sign1, or the COSE_Signature). */
  headers?: CoseHeaders;
  /** Headers of the body of a COSE_Sign. */
  bodyHeaders?: CoseHeaders;
  /** The signer, once identified (also on failure, for diagnostics). */
  signer?: CoseSignerInfo;
  /** RFC 9679 COSE Key Thumbprint (SHA-256) of the signer's public key, only when valid: for the EAT `cnf` check. */
  thumbprint?: Uint8Array;
  thumbprintHex?: string;
  error?: CoseVerifyError;
  /** COSE_Sign: the index of the signature the top-level fields describe. */
  signatureIndex?: number;
  /** COSE_Sign: one result per COSE_Signature, in order. */
  signatures?: CoseVerifyResult[];
}

/**
 * A prepared path verifier (what `createVerifier` returns): its anchors, intermediates and
 * caches are built once; the COSE door only calls `verify(target, perCall)`.
 */
export interface CosePathVerifier {
  verify(target: Input, perCall?: { intermediates?: Input[]; time?: Date | string; extendedKeyUsage?: string[]; policy?: PolicyOptions; limits?: Limits }): Promise<VerifyResult>;
}

/** What a key resolution hook sees: the decoded headers of the signer's layer(s) and the payload. */
export interface CoseKeyContext {
  kind: "COSE_Sign1" | "COSE_Sign";
  /** COSE_Sign: the index of the COSE_Signature being checked. */
  signatureIndex?: number;
  /** Headers of the signer's layer (the COSE_Sign1, or the COSE_Signature). */
  headers: CoseHeaders;
  /** COSE_Sign: the body's headers. */
  bodyHeaders?: CoseHeaders;
  alg: number;
  kid?: Uint8Array;
  /** The payload (attached or detached), NOT yet authenticated. */
  payload: Uint8Array;
  /** What `extractClaims(payload)` returned (an EAT's claims, a CoRIM's signer, ...), NOT yet authenticated. */
  claims?: unknown;
}

/**
 * What the hook chose: a raw public key (KeyObject or DER SPKI) the signature must verify
 * with; anchors (a store or `verify`-style anchors) or a prepared verifier for the X.509
 * signer the message names; or undefined for the default rules.
 */
export type CoseKeyResolution =
  | { publicKey: KeyObject | Uint8Array; label?: string }
  | { anchors: CoseTrustAnchorStore | readonly (Input | NameAndKey)[] }
  | { verifier: CosePathVerifier }
  | undefined;

export interface CoseVerifyOptions {
  /**
   * The trust anchors of the role the signer must belong to (a store), or `verify`-style
   * anchors. May be omitted when `verifier` or `resolveKey` is given.
   */
  anchors?: CoseTrustAnchorStore | readonly (Input | NameAndKey)[];
  /**
   * A prepared verifier (`createVerifier`) for the role: the signer's certificate path is
   * validated with it instead of a `verify` call that would re-parse the anchors. The raw
   * keys of `anchors` (a store) still apply to messages that name no certificate.
   */
  verifier?: CosePathVerifier;
  /** Chooses the key or anchors per message from its headers (and claims); see CoseKeyContext. */
  resolveKey?: (context: CoseKeyContext) => CoseKeyResolution | Promise<CoseKeyResolution>;
  /** Extracts claims from the (unauthenticated) payload for `resolveKey` (e.g. decode an EAT). */
  extractClaims?: (payload: Uint8Array) => unknown;
  /** "strict" (default): deterministic CBOR only; "relaxed": any valid CBOR outside the Sig_structure. */
  decoding?: "strict" | "relaxed";
  /**
   * RFC 9360 2: the end-entity certificate is integrity protected through external_aad
   * (external_aad = certificate DER || externalAad), so x5chain may be unprotected.
   */
  certificateInExternalAad?: boolean;
  /** Further untrusted certificates known out of band (intermediates, or the certificate x5t names). */
  certificates?: Input[];
  /** RFC 9052 4.3 externally supplied data; default empty. */
  externalAad?: Uint8Array;
  /** The payload of a message whose payload is nil (RFC 9052 2, detached content). */
  detachedPayload?: Uint8Array;
  /** COSE algorithm ids accepted; default every supported one. */
  expectedAlgorithms?: number[];
  /** Header labels, beyond the ones this module processes, the application understands (for crit). */
  understoodHeaders?: Label[];
  /** Reject untagged messages (default false: COSE_Sign1 and COSE_Sign may come untagged). */
  requireTag?: boolean;
  /** COSE_Sign: "any" (default) — valid when one signature verifies; "all" — every signature must. */
  require?: "any" | "all";
  // Passed to `verify` for the signer's certificate path:
  time?: Date | string;
  policy?: PolicyOptions;
  revocation?: RevocationOptions;
  extendedKeyUsage?: string[];
  limits?: Limits;
  enforceAnchorConstraints?: boolean;
  fetchPolicy?: FetchOptions;
  issuerSources?: IssuerSource[];
}
