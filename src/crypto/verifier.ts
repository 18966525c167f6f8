// Signature verification behind one small interface, on node:crypto's synchronous
// `verify` with KeyObjects cached per key. Covers RSA PKCS#1 v1.5, RSA-PSS, ECDSA,
// Ed25519, Ed448 and DSA (with parameter inheritance, RFC 3279 2.3.2).
import { createPublicKey, createVerify, verify as nodeVerify, constants, type KeyObject, type VerifyKeyObjectInput, type VerifyPublicKeyInput } from "node:crypto";
import { WorkLimitError, checkpointAhead, checkpointNow } from "../parsing/deadline.js";
import { DerError, DerReader, derAlgorithm, derElement, derOidTlv, derTlv, type DerElement } from "../parsing/der.js";
import { OID } from "../parsing/oids.js";
import type { AlgorithmId, SignedFields, SubjectPublicKey } from "../parsing/certificate.js";
import { digestOf, type SignatureOutcomeCache } from "./outcome-cache.js";

/** A public key as it is used to verify: DSA keys carry their inherited parameters here. */
export interface VerificationKey {
  readonly algorithm: AlgorithmId;
  readonly spki: Uint8Array;
  readonly bits: number;
  /** RSA keys: the public exponent's size in bits. */
  readonly rsaExponentBits?: number;
  /** Why the key octets are not a key of the algorithm (parsing/certificate.ts keySize). */
  readonly malformed?: string;
}

export type SignatureOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: SignatureFailureCode; readonly message: string };

/**
 * Why a signature is not accepted. MALFORMED_CERTIFICATE: the signature algorithm's
 * parameters do not decode (RSASSA-PSS-params, RFC 4055 3.1); path validation reports it
 * on the certificate whose signatureAlgorithm it is (for a CRL or OCSP response the
 * signature is simply not usable).
 */
export type SignatureFailureCode = "INVALID_SIGNATURE" | "UNSUPPORTED_ALGORITHM" | "WEAK_KEY" | "MALFORMED_CERTIFICATE";

/** Anything signed: a certificate, a CRL, an OCSP response. */
export type SignedObject = SignedFields;

/** The one interface the rest of the library verifies signatures through. */
export interface SignatureVerifier {
  verify(signed: SignedObject, key: VerificationKey): SignatureOutcome;
  /** Signature computations actually performed (cache hits excluded). */
  readonly checks: number;
}

/** Thrown by a verifier when its signature budget is spent; the builder turns it into BUDGET_EXCEEDED. */
export class SignatureBudgetError extends Error {
  constructor(readonly limit: number) {
    super(`signature check budget of ${limit} spent`);
  }
}

type Scheme =
  | { kind: "rsa"; hash: string }
  | { kind: "pss" }
  | { kind: "ecdsa"; hash: string }
  | { kind: "dsa"; hash: string }
  | { kind: "eddsa"; curve: "ed25519" | "ed448" };

const SCHEMES: Record<string, Scheme> = {
  "1.2.840.113549.1.1.5": { kind: "rsa", hash: "sha1" },
  "1.2.840.113549.1.1.14": { kind: "rsa", hash: "sha224" },
  "1.2.840.113549.1.1.11": { kind: "rsa", hash: "sha256" },
  "1.2.840.113549.1.1.12": { kind: "rsa", hash: "sha384" },
  "1.2.840.113549.1.1.13": { kind: "rsa", hash: "sha512" },
  [OID.rsassaPss]: { kind: "pss" },
  "1.2.840.10045.4.1": { kind: "ecdsa", hash: "sha1" },
  "1.2.840.10045.4.3.1": { kind: "ecdsa", hash: "sha224" },
  "1.2.840.10045.4.3.2": { kind: "ecdsa", hash: "sha256" },
  "1.2.840.10045.4.3.3": { kind: "ecdsa", hash: "sha384" },
  "1.2.840.10045.4.3.4": { kind: "ecdsa", hash: "sha512" },
  "1.2.840.10040.4.3": { kind: "dsa", hash: "sha1" },
  "2.16.840.1.101.3.4.3.1": { kind: "dsa", hash: "sha224" },
  "2.16.840.1.101.3.4.3.2": { kind: "dsa", hash: "sha256" },
  [OID.ed25519]: { kind: "eddsa", curve: "ed25519" },
  [OID.ed448]: { kind: "eddsa", curve: "ed448" },
};

const HASHES: Record<string, string> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.4": "sha224",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

/**
 * Key sizes outside these bounds are refused before any arithmetic (hostile-input budget).
 * RSA public exponents are capped at 33 bits, the bound BoringSSL (rsa_check_public_key,
 * kMaxExponentBits = 33) and ring (PublicExponent::MAX = 2^33 - 1) use to bound the cost of
 * a verification; Go's crypto/rsa is tighter (2^31 - 1). Every exponent in use (3, 65537)
 * fits. A 3064-bit exponent made each of 2000 decoy checks cost ~0.1 s (issue 10 item 3).
 */
export const KEY_LIMITS = { rsaMinBits: 1024, rsaMaxBits: 8192, rsaMaxExponentBits: 33 } as const;

/** RFC 3279 2.3.2: a DSA key whose parameters are absent inherits them from its issuer. */
export function needsInheritedParams(pk: SubjectPublicKey | VerificationKey): boolean {
  return pk.algorithm.oid === OID.dsa && !pk.algorithm.params;
}

const inherited = new WeakMap<SubjectPublicKey, WeakMap<VerificationKey, VerificationKey>>();

/** Builds the verification key of `pk`, taking DSA parameters from the issuer's key when absent (memoised). */
export function effectiveKey(pk: SubjectPublicKey, issuerKey?: VerificationKey): VerificationKey {
  if (!needsInheritedParams(pk) || !issuerKey || issuerKey.algorithm.oid !== OID.dsa || !issuerKey.algorithm.params) return pk;
  let byIssuer = inherited.get(pk);
  const known = byIssuer?.get(issuerKey);
  if (known) return known;
  const k = inheritParams(pk, issuerKey, issuerKey.algorithm.params);
  if (!byIssuer) inherited.set(pk, (byIssuer = new WeakMap()));
  byIssuer.set(issuerKey, k);
  return k;
}

function inheritParams(pk: SubjectPublicKey, issuerKey: VerificationKey, params: Uint8Array): VerificationKey {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE { id-dsa, Dss-Parms }, subjectPublicKey BIT STRING } (RFC 3279 2.3.2)
  const spki = derTlv(0x30, derTlv(0x30, derOidTlv(OID.dsa), params), derTlv(0x03, Uint8Array.of(0), pk.keyBytes));
  return { algorithm: { oid: OID.dsa, params }, spki, bits: issuerKey.bits };
}

function keyKind(oid: string): string | undefined {
  switch (oid) {
    case OID.rsaEncryption:
      return "rsa";
    case OID.rsassaPss:
      return "pss";
    case OID.ecPublicKey:
      return "ecdsa";
    case OID.dsa:
      return "dsa";
    case OID.ed25519:
      return "ed25519";
    case OID.ed448:
      return "ed448";
    default:
      return undefined;
  }
}

/** node:crypto based verifier with a per-instance cache of KeyObjects and of outcomes. */
/**
 * KeyObjects by key content, shared by every call of the process and bounded: loading a
 * key (createPublicKey) cost about a fifth of a warm call on a 500-CA mesh (bench profile).
 * A KeyObject is immutable, so sharing is safe.
 */
/** Loaded keys by key content, bounded by the bytes of their SPKIs (default 16 MiB, `configureCaches`). */
class KeyObjectCache {
  private readonly map = new Map<string, KeyObject | Error>();
  private bytes = 0;
  constructor(private maxBytes: number) {}
  get(kid: string): KeyObject | Error | undefined {
    return this.map.get(kid);
  }
  set(kid: string, k: KeyObject | Error): void {
    if (this.map.has(kid)) return;
    this.map.set(kid, k);
    this.bytes += kid.length;
    this.evict();
  }
  get size(): { entries: number; bytes: number; maxBytes: number } {
    return { entries: this.map.size, bytes: this.bytes, maxBytes: this.maxBytes };
  }
  setMaxBytes(n: number): void {
    this.maxBytes = n;
    this.evict();
  }
  private evict(): void {
    while (this.bytes > this.maxBytes && this.map.size) {
      const first = this.map.keys().next().value as string;
      this.map.delete(first);
      this.bytes -= first.length;
    }
  }
}
export const keyObjectCache = new KeyObjectCache(16 * 1024 * 1024);
const keyObjects = keyObjectCache;

/** Key content strings by SPKI object: a verifier per call used to recompute them on every call. */
const keyIds = new WeakMap<Uint8Array, string>();
/** sharedKey's strings by signed bytes, then key bytes (both immutable model buffers). */
const sharedKeys = new WeakMap<Uint8Array, WeakMap<Uint8Array, string>>();

export class NodeSignatureVerifier implements SignatureVerifier {
  /** Outcomes by signed data (one object per parsed certificate or CRL), then by key content. */
  private readonly outcomes = new WeakMap<Uint8Array, Map<string, SignatureOutcome>>();
  private count = 0;
  private computedCount = 0;

  /**
   * `shared` is a cross-call cache of outcomes (owned by a prepared verifier, or the
   * process default): a hit there saves the arithmetic but still counts as one of this
   * call's signature checks, so a call's verdict never depends on what other calls did.
   */
  constructor(
    private readonly maxChecks = Infinity,
    private readonly shared?: SignatureOutcomeCache,
  ) {}

  /** Distinct signature checks this call needed (its own repeats are free; cross-call cache hits count). */
  get checks(): number {
    return this.count;
  }

  /** Signature verifications actually computed by this call (cross-call cache hits excluded). */
  get computed(): number {
    return this.computedCount;
  }

  /** The cross-call key: the signed document's digest and the key's digest. */
  private sharedKey(obj: SignedObject, key: VerificationKey): string {
    // Memoised per (signed bytes, key bytes) object pair, process-wide like keyIds: the same
    // string object each time, so the cache's Map does not hash a new 130-character string
    // per lookup (a repeated target's four lookups were ~10% of its call; bench/verifier.mjs).
    let perKey = sharedKeys.get(obj.tbs);
    if (!perKey) sharedKeys.set(obj.tbs, (perKey = new WeakMap()));
    let k = perKey.get(key.spki);
    if (k === undefined) {
      const doc = (obj as { sha256?: string }).sha256;
      const docId = doc ?? `${digestOf(obj.tbs)}.${digestOf(obj.signature)}.${obj.signatureAlgorithm.oid}.${obj.signatureAlgorithm.params ? digestOf(obj.signatureAlgorithm.params) : ""}`;
      perKey.set(key.spki, (k = `${docId}|${digestOf(key.spki)}`));
    }
    return k;
  }

  /** The key's content as a map key, computed once per SPKI object (process-wide: models are immutable and shared). */
  private keyId(spki: Uint8Array): string {
    let id = keyIds.get(spki);
    if (id === undefined) {
      id = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).toString("base64");
      keyIds.set(spki, id);
    }
    return id;
  }

  /** Some key verified this object's signature in this verifier (a cached outcome; computes nothing). */
  verifiedOk(obj: SignedObject): boolean {
    const perData = this.outcomes.get(obj.tbs);
    if (!perData) return false;
    for (const o of perData.values()) if (o.ok) return true;
    return false;
  }

  /** `key` verified this object's signature in this verifier (a cached outcome; computes nothing). */
  verifiedWith(obj: SignedObject, key: VerificationKey): boolean {
    return this.outcomes.get(obj.tbs)?.get(this.keyId(key.spki))?.ok === true;
  }

  verify(obj: SignedObject, key: VerificationKey): SignatureOutcome {
    const kid = this.keyId(key.spki);
    let perData = this.outcomes.get(obj.tbs);
    const hit = perData?.get(kid);
    if (hit) return hit;
    let outcome: SignatureOutcome | undefined;
    const sharedKey = this.shared && !obj.signatureUnusedBits ? this.sharedKey(obj, key) : undefined;
    if (sharedKey !== undefined) {
      outcome = this.shared!.get(sharedKey);
      if (outcome) {
        if (this.count >= this.maxChecks) throw new SignatureBudgetError(this.maxChecks);
        this.count++;
      }
    }
    if (!outcome) {
      const before = this.count;
      outcome = obj.signatureUnusedBits
        ? ({ ok: false, code: "INVALID_SIGNATURE", message: `the signature BIT STRING has ${obj.signatureUnusedBits} unused bits` } as const)
        : this.compute(obj.tbs, obj.signatureAlgorithm, obj.signature, key, kid);
      // Only outcomes that took the arithmetic are shared (the others cost nothing to decide).
      if (this.count > before) {
        this.computedCount++;
        if (sharedKey !== undefined) this.shared!.set(sharedKey, outcome);
      }
    }
    if (!perData) this.outcomes.set(obj.tbs, (perData = new Map()));
    perData.set(kid, outcome);
    return outcome;
  }

  private keyObject(key: VerificationKey, kid: string): KeyObject | Error {
    let k = keyObjects.get(kid);
    if (!k) {
      try {
        k = createPublicKey({ key: Buffer.from(key.spki), format: "der", type: "spki" });
      } catch (e) {
        k = e as Error;
      }
      keyObjects.set(kid, k);
    }
    return k;
  }

  private compute(signed: Uint8Array, algorithm: AlgorithmId, signature: Uint8Array, key: VerificationKey, kid: string): SignatureOutcome {
    const scheme = SCHEMES[algorithm.oid];
    if (!scheme) return { ok: false, code: "UNSUPPORTED_ALGORITHM", message: `signature algorithm ${algorithm.oid} is not supported` };
    const kind = keyKind(key.algorithm.oid);
    const fits =
      (scheme.kind === "rsa" && kind === "rsa") ||
      (scheme.kind === "pss" && (kind === "rsa" || kind === "pss")) ||
      (scheme.kind === "ecdsa" && kind === "ecdsa") ||
      (scheme.kind === "dsa" && kind === "dsa") ||
      (scheme.kind === "eddsa" && kind === scheme.curve);
    if (!fits) return { ok: false, code: "UNSUPPORTED_ALGORITHM", message: `signature algorithm ${algorithm.oid} does not fit a ${key.algorithm.oid} key` };
    // A key that does not decode is not a small one: say why it cannot be loaded, as node:crypto
    // does below for the keys this structural check does not cover.
    if (key.malformed) return { ok: false, code: "UNSUPPORTED_ALGORITHM", message: `public key cannot be loaded: ${key.malformed}` };
    if ((kind === "rsa" || kind === "pss") && (key.bits < KEY_LIMITS.rsaMinBits || key.bits > KEY_LIMITS.rsaMaxBits))
      return { ok: false, code: "WEAK_KEY", message: `RSA key of ${key.bits} bits is outside ${KEY_LIMITS.rsaMinBits}..${KEY_LIMITS.rsaMaxBits}` };
    if ((kind === "rsa" || kind === "pss") && (key.rsaExponentBits ?? 0) > KEY_LIMITS.rsaMaxExponentBits)
      return { ok: false, code: "WEAK_KEY", message: `RSA public exponent of ${key.rsaExponentBits} bits is over the ${KEY_LIMITS.rsaMaxExponentBits}-bit cap (as BoringSSL and ring)` };
    if (kind === "dsa" && needsInheritedParams(key))
      return { ok: false, code: "UNSUPPORTED_ALGORITHM", message: "DSA key has no parameters and none could be inherited (RFC 3279 2.3.2)" };
    const ko = this.keyObject(key, kid);
    if (ko instanceof Error) return { ok: false, code: "UNSUPPORTED_ALGORITHM", message: `public key cannot be loaded: ${ko.message}` };
    if (this.count >= this.maxChecks) throw new SignatureBudgetError(this.maxChecks);
    this.count++;
    let ok: boolean;
    try {
      const data = Buffer.from(signed.buffer, signed.byteOffset, signed.byteLength);
      const sig = Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength);
      switch (scheme.kind) {
        case "rsa":
          ok = verifyInSlices(scheme.hash, data, { key: ko, padding: constants.RSA_PKCS1_PADDING }, sig);
          break;
        case "pss": {
          let p: { hash: string; saltLength: number } | undefined;
          try {
            p = pssParams(algorithm);
          } catch (e) {
            if (!(e instanceof DerError)) throw e;
            return { ok: false, code: "MALFORMED_CERTIFICATE", message: `signatureAlgorithm: RSASSA-PSS-params do not decode (${e.message}; RFC 4055 3.1)` };
          }
          if (!p) return { ok: false, code: "UNSUPPORTED_ALGORITHM", message: "RSASSA-PSS parameters are missing or unsupported" };
          ok = verifyInSlices(p.hash, data, { key: ko, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength }, sig);
          break;
        }
        case "ecdsa":
        case "dsa":
          ok = verifyInSlices(scheme.hash, data, { key: ko, dsaEncoding: "der" }, sig);
          break;
        case "eddsa":
          // PureEdDSA (RFC 8032 5.1.7) hashes the whole message in one call: the time it needs is asked for first.
          if (data.length > HASH_SLICE) checkpointAhead(data.length / EDDSA_BYTES_PER_MS);
          ok = nodeVerify(null, data, ko, sig);
          break;
      }
    } catch (e) {
      if (e instanceof WorkLimitError) throw e;
      return { ok: false, code: "INVALID_SIGNATURE", message: `signature cannot be checked: ${(e as Error).message}` };
    }
    return ok ? { ok: true } : { ok: false, code: "INVALID_SIGNATURE", message: "signature does not verify" };
  }
}

/**
 * Bytes hashed between two readings of the call's deadline. A 16 MiB CRL or certificate
 * hashed in one call took ~50 ms with SHA-512 (bench/deadlines.mjs), a quarter of a
 * 200 ms limits.timeoutMs; 1 MiB takes a few ms.
 */
const HASH_SLICE = 1 << 20;
/** A cautious rate for one-shot Ed25519/Ed448 verification (SHA-512/SHAKE256 over the message): ~3.3 ns per byte. */
const EDDSA_BYTES_PER_MS = 300_000;

/** Hash-then-verify (RSA PKCS #1 v1.5, PSS, ECDSA, DSA) a slice at a time, the call's deadline read between slices. */
function verifyInSlices(hash: string, data: Buffer, key: VerifyKeyObjectInput | VerifyPublicKeyInput, sig: Buffer): boolean {
  if (data.length <= HASH_SLICE) return nodeVerify(hash, data, key, sig);
  const v = createVerify(hash);
  for (let i = 0; i < data.length; i += HASH_SLICE) {
    if (i) checkpointNow();
    v.update(data.subarray(i, i + HASH_SLICE));
  }
  return v.verify(key, sig);
}

/**
 * RFC 4055 3.1 RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] HashAlgorithm DEFAULT sha1,
 * maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1, saltLength [2] INTEGER DEFAULT 20,
 * trailerField [3] TrailerField DEFAULT trailerFieldBC (1) } (EXPLICIT tags), read with the DER
 * reader. Undefined when absent or decodable but unsupported (only MGF1 with the message hash
 * and trailerField 1 are accepted); a DerError when the parameters do not decode.
 */
export function pssParams(alg: AlgorithmId): { hash: string; saltLength: number } | undefined {
  if (!alg.params) return undefined;
  const der = alg.params;
  const r = DerReader.only(der, 0x30, "RSASSA-PSS-params");
  const inner = (tag: number, what: string) => {
    const t = r.optional(tag);
    if (!t) return undefined;
    const x = DerReader.inside(der, t);
    const e = x.next(undefined, what);
    x.finish(what);
    return e;
  };
  const h = inner(0xa0, "hashAlgorithm");
  const m = inner(0xa1, "maskGenAlgorithm");
  const sl = inner(0xa2, "saltLength");
  const tf = inner(0xa3, "trailerField");
  r.finish("RSASSA-PSS-params (RFC 4055 3.1)");
  const hashOid = h ? derAlgorithm(der, h).oid : "1.3.14.3.2.26";
  let mgf = "1.2.840.113549.1.1.8";
  let mgfHash = "1.3.14.3.2.26";
  if (m) {
    const a = derAlgorithm(der, m);
    mgf = a.oid;
    // MGF1's parameters are the hash's AlgorithmIdentifier (RFC 4055 2.2).
    if (a.params) mgfHash = derAlgorithm(a.params, derElement(a.params, 0, a.params.length)).oid;
  }
  const int = (e: DerElement | undefined, what: string, dflt: number) => (e ? new DerReader(der, e.headerStart, e.end).smallInt(what) : dflt);
  const saltLength = int(sl, "saltLength", 20);
  const trailerField = int(tf, "trailerField", 1);
  const hash = HASHES[hashOid];
  if (!hash || trailerField !== 1 || mgf !== "1.2.840.113549.1.1.8" || HASHES[mgfHash] !== hash) return undefined;
  return { hash, saltLength };
}
