// The outside contract (../shared/contract.md): options and result of `verify`.
// Field names and meanings here are frozen; add, never rename.

import type { AsyncIssuerSource, IssuerSource } from "../stores/issuer-source.js";
import type { LdapOptions } from "../stores/ldap.js";
import type { NameAndKey } from "../parsing/trust-anchor.js";
import type { TrustGraph } from "../graph/types.js";

export type { NameAndKey };

export type Input = Uint8Array | string;

export interface PolicyOptions {
  /** RFC 5280 6.1.1 (c) user-initial-policy-set; default [anyPolicy]. */
  initialPolicySet?: string[];
  /** RFC 5280 6.1.1 (f) initial-explicit-policy. */
  explicitPolicy?: boolean;
  /** RFC 5280 6.1.1 (e) initial-policy-mapping-inhibit. */
  policyMappingInhibit?: boolean;
  /** RFC 5280 6.1.1 (g) initial-any-policy-inhibit. */
  anyPolicyInhibit?: boolean;
  /** Aliases used by the PKITS manifest (`initialExplicitPolicy`, ...). */
  initialExplicitPolicy?: boolean;
  initialPolicyMappingInhibit?: boolean;
  initialInhibitAnyPolicy?: boolean;
}

export type RevocationMode = "none" | "soft" | "hard";

/** Which source answers first; "-only" skips the other. */
export type RevocationPreference = "ocsp-first" | "crl-first" | "ocsp-only" | "crl-only";

export interface RevocationOptions {
  crls?: Input[];
  ocspResponses?: Uint8Array[];
  mode?: RevocationMode;
  fetch?: boolean;
  /** Default "ocsp-first". */
  preference?: RevocationPreference;
  /** Clock difference tolerated against OCSP thisUpdate/nextUpdate, ms (default 300000). */
  clockSkewMs?: number;
  /** Oldest OCSP thisUpdate accepted when a response has no nextUpdate, ms (default 7 days). */
  ocspMaxAgeMs?: number;
}

export interface Limits {
  /** Most certificates in a path, anchor excluded. */
  maxDepth?: number;
  /** Most signature verifications in one call (cache hits are free). */
  maxSignatureChecks?: number;
  /** Most complete candidate paths validated in one call. */
  maxCandidatePaths?: number;
  /** Wall-clock bound on the call. */
  timeoutMs?: number;
  /** Most issuer edges the search may walk. */
  maxSteps?: number;
  /** Most name-constraint comparisons (subtree x name) in one call. */
  maxNameConstraintChecks?: number;
}

/** "rfc5280": section 6 plus the checks real PKIs honour; "strict": every checkable MUST of sections 4 and 5. */
export type Profile = "rfc5280" | "strict";

/** A strict-profile rule a path breaks (reported in the default profile, README "Profiles"). */
export interface Deviation {
  /** Index in `path` (0 = target, the anchor last). */
  certIndex: number;
  /** The rule's identifier, e.g. "policyConstraints-critical". */
  rule: string;
  /** Where RFC 5280 states it, e.g. "RFC 5280 4.2.1.11". */
  section: string;
  /**
   * For a CRL rule (RFC 5280 section 5): the CRL that breaks it, named by its input and
   * issuer; `certIndex` is then the certificate whose revocation status that CRL gave.
   */
  crl?: string;
}

export interface VerifyOptions {
  target: Input;
  intermediates?: Input[];
  /** Certificates (DER/PEM), RFC 5914 TrustAnchorInfo / TrustAnchorChoice (DER), or `{ subject, publicKey }`. */
  trustAnchors: (Input | NameAndKey)[];
  /** RFC 5937: apply the anchor certificate's own constraints; default true (`false`: name and key only). */
  enforceAnchorConstraints?: boolean;
  /** Certificate and CRL profile rules beyond RFC 5280 6.1 (README "Profiles"); default "rfc5280". */
  profile?: Profile;
  time?: Date | string;
  policy?: PolicyOptions;
  revocation?: RevocationOptions;
  extendedKeyUsage?: string[];
  limits?: Limits;
  /** Limits on network retrieval when `revocation.fetch` is on. */
  fetchPolicy?: FetchOptions;
  /** Further places to look for issuer certificates (e.g. a `DirectoryIssuerSource`). */
  issuerSources?: IssuerSource[];
  /** Sources that need I/O, asked between search rounds for issuers the search lacked (AIA over HTTP is built in with `revocation.fetch`). */
  asyncIssuerSources?: AsyncIssuerSource[];
  /** Return `result.graph`: the CAs, certificates and what the search learnt of each (src/graph/types.ts). */
  graph?: boolean;
}

export interface FetchOptions {
  /** Time for one retrieval, redirects included, ms (default 5000; never beyond the call's `limits.timeoutMs`). */
  timeoutMs?: number;
  /** Largest response accepted, bytes (default 4 MiB). */
  maxBytes?: number;
  /** Most URLs one call fetches (default 64). */
  maxUrls?: number;
  /** When given, only these hosts (host or host:port) are contacted; a listed host may have a private address. */
  allowHosts?: string[];
  /**
   * Let retrievals reach loopback, private (RFC 1918), link-local and unique-local addresses,
   * checked on the address connected to. Default false: URLs in unvalidated certificates
   * must not reach the relying party's own network.
   */
  allowPrivateAddresses?: boolean;
  /** How OCSP requests are sent: GET when short (RFC 5019), or always GET / POST. Default "auto". */
  ocspMethod?: "auto" | "get" | "post";
  /** Send a nonce with OCSP requests (RFC 8954). Default true. */
  ocspNonce?: boolean;
  /** An `http://[user:pass@]host:port` forward proxy for every fetch (http absolute-form; CONNECT for https, ldap, ldaps). */
  proxy?: string;
  /** Without `proxy`: honour HTTP_PROXY / HTTPS_PROXY / LDAP_PROXY / ALL_PROXY / NO_PROXY (default true). */
  proxyFromEnv?: boolean;
  /** CA certificates (PEM) trusted for https and ldaps fetches instead of Node's default list. */
  tlsCa?: string[];
  /** LDAP: simple-bind credentials per host, referral following, directories to ask for issuers by name. */
  ldap?: LdapOptions;
}

export interface PathEntry {
  subject: string;
  der: Uint8Array;
}

export interface VerifyError {
  code: ErrorCode;
  message: string;
  /** Index in `path` of the certificate that failed (0 = target). */
  certIndex?: number;
}

export interface CandidateReport {
  /** Subjects, target first, anchor last. */
  path: string[];
  error?: VerifyError;
}

export interface WorkSpent {
  signatureChecks: number;
  candidatePaths: number;
  steps: number;
  nameConstraintChecks: number;
  maxDepthReached: number;
  elapsedMs: number;
}

export interface CertificateStatus {
  /** Index in `path`. */
  certIndex: number;
  status: "good" | "revoked" | "unknown" | "not-checked";
  /** Where the answer came from, e.g. "CRL issued by ... (thisUpdate ...)". */
  source?: string;
  revocationTime?: Date;
  reason?: string;
}

export interface VerifyResult {
  valid: boolean;
  path: PathEntry[];
  policies: string[];
  error?: VerifyError;
  /** Every candidate path validated, best first (diagnostics; not part of the frozen contract). */
  candidates?: CandidateReport[];
  /** What the call spent against its limits. */
  spent?: WorkSpent;
  /** Revocation status per certificate of `path` (anchor excluded). */
  revocation?: CertificateStatus[];
  /** Non-fatal observations, e.g. soft-fail revocation. */
  warnings?: string[];
  /** Strict-profile rules the path breaks (default profile; README "Profiles"). */
  deviations?: Deviation[];
  /** With `revocation.fetch`: each URL the call fetched or failed to fetch, and why. */
  fetched?: string[];
  /** With `graph: true`: what the call knew and learnt, as a graph (CAs as nodes, certificates as edges). */
  graph?: TrustGraph;
}

/**
 * Stable error codes. The README lists each with its meaning; never rename one.
 */
export const ERROR_CODES = {
  MALFORMED_CERTIFICATE: "a certificate input (target, intermediate or anchor) is not a well-formed X.509 certificate",
  MALFORMED_CRL: "a CRL input is not a well-formed X.509 CRL",
  MALFORMED_OCSP_RESPONSE: "an OCSP response input is not well-formed",
  MALFORMED_INPUT: "an input is neither DER nor PEM of the expected kind",
  NO_PATH: "no chain of issuers from the target to any trust anchor was found",
  BUDGET_EXCEEDED: "path building hit one of its limits (depth, signature checks, candidate paths, steps, name-constraint checks or time)",
  INVALID_SIGNATURE: "a certificate's signature does not verify with its issuer's public key (RFC 5280 6.1.3 (a)(1))",
  UNSUPPORTED_ALGORITHM: "a signature or public key algorithm is not supported or not consistent with the key",
  ALGORITHM_MISMATCH: "signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 4.1.1.2)",
  WEAK_KEY: "a public key is too small or too large to be trusted",
  NOT_YET_VALID: "the validation time is before a certificate's notBefore (RFC 5280 6.1.3 (a)(2))",
  EXPIRED: "the validation time is after a certificate's notAfter (RFC 5280 6.1.3 (a)(2))",
  NAME_CHAINING: "a certificate's issuer name differs from the previous certificate's subject (RFC 5280 6.1.3 (a)(4))",
  NOT_A_CA: "an intermediate is not a CA: basicConstraints absent or cA false (RFC 5280 6.1.4 (k))",
  PATH_LENGTH_EXCEEDED: "a pathLenConstraint is exceeded (RFC 5280 6.1.4 (l))",
  KEY_USAGE: "keyCertSign is not asserted where a certificate signs certificates (RFC 5280 6.1.4 (n))",
  EXTENDED_KEY_USAGE: "the target is not valid for the requested extended key usage (RFC 5280 4.2.1.12)",
  UNKNOWN_CRITICAL_EXTENSION: "a certificate carries a critical extension that is not processed (RFC 5280 6.1.4 (o), 6.1.5 (f))",
  NAME_CONSTRAINTS: "a name falls outside permitted subtrees or inside excluded subtrees (RFC 5280 6.1.3 (b), (c))",
  POLICY: "no valid policy: explicit policy is required and the policy graph is empty (RFC 5280 6.1.3 (f), 6.1.5 (g))",
  POLICY_MAPPING: "a policy mapping maps to or from anyPolicy (RFC 5280 6.1.4 (a))",
  REVOKED: "a certificate is revoked by a CRL or OCSP response (RFC 5280 6.3)",
  REVOCATION_UNKNOWN: "revocation mode is hard and a certificate's status cannot be determined (RFC 5280 6.3.3 (k))",
  ANCHOR_CONSTRAINTS: "the trust anchor's own constraints (validity, basic constraints) reject the path (RFC 5937)",
  PROFILE: "a certificate breaks a rule of the selected profile (README \"Profiles\"; the message cites the RFC 5280 section)",
  UNSUPPORTED: "reserved: an option this version does not implement (no option produces it today)",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

// ---- The prepared verifier (contract.md, "createVerifier"; issue 11) ----

/** Every `verify` option but `target`, plus the sizes of the caches the verifier owns. */
export interface VerifierConfig extends Omit<VerifyOptions, "target"> {
  cache?: VerifierCacheOptions;
}

export interface VerifierCacheOptions {
  /** Most signature outcomes kept across calls (default 50,000, about 12 MB). */
  signatureEntries?: number;
  /** Most bytes of fetched bodies kept (default 64 MiB). */
  fetchBytes?: number;
  /** Most fetched bodies kept (default 1,000). */
  fetchEntries?: number;
  /** Longest a fetched body is reused, whatever its nextUpdate or HTTP headers say, ms (default 1 day). */
  fetchMaxAgeMs?: number;
}

/** What one call may add or override (contract.md). */
export interface PerCallOptions {
  /** Untrusted certificates for this call only (an x5chain / x5bag), added to the verifier's. */
  intermediates?: Input[];
  time?: Date | string;
  extendedKeyUsage?: string[];
  policy?: PolicyOptions;
  limits?: Limits;
  /** Return `result.graph` for this call (see `VerifyOptions.graph`). */
  graph?: boolean;
}

/** Material to add to (or remove from) a verifier; each list as in `VerifyOptions`. */
export interface VerifierMaterial {
  intermediates?: Input[];
  trustAnchors?: (Input | NameAndKey)[];
  crls?: Input[];
  ocspResponses?: Uint8Array[];
}

export interface VerifierChange {
  /** Entries taken (added, or found and removed). */
  count: number;
  /** Entries skipped, each naming the entry and why (an unreadable certificate, a CRL not held, ...). */
  warnings: string[];
}

export interface CacheCounters {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
  evictions: number;
}

export interface VerifierStats {
  /** Calls finished, and in flight now. */
  calls: number;
  inFlight: number;
  /** Certificates, anchors, CRLs and OCSP responses held (current snapshot). */
  certificates: number;
  trustAnchors: number;
  crls: number;
  ocspResponses: number;
  /** Names that reach an anchor (the reachability map). */
  reachableNames: number;
  /** Snapshots published by add/remove since creation. */
  generation: number;
  signatures: CacheCounters & { computed: number };
  fetch: CacheCounters & { fetches: number; failures: number; joined: number };
}

export interface Verifier {
  /** `verify({...config, target, ...perCall})`, on the material parsed once. */
  verify(target: Input, perCall?: PerCallOptions): Promise<VerifyResult>;
  /** Adds material; calls in flight keep the snapshot they started with. */
  add(material: VerifierMaterial): VerifierChange;
  /** Removes material given as the same DER/PEM (matched by SHA-256). */
  remove(material: VerifierMaterial): VerifierChange;
  stats(): VerifierStats;
  /** What the verifier holds, as a graph: its anchors and certificates (no target, no search). */
  graph(): TrustGraph;
  /** Entries of the configuration that were skipped, each naming the entry. */
  readonly warnings: readonly string[];
}
