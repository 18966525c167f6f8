// TEST AND EXAMPLE UTILITY. Builds COSE_Sign1 and COSE_Sign messages so the tests and
// examples can make signed messages themselves, including deliberately bad ones (x5chain
// in the wrong bucket, wrong keys, missing headers). It checks nothing: it signs what it
// is told to. It is not a production signer (no key protection, no policy).
import type { KeyObject } from "node:crypto";
import { COSE_ALGORITHMS, signWith } from "./algorithms.js";
import { encodeCbor, Tagged } from "./cbor.js";
import { certHashOf, COSE_HEADER } from "./headers.js";
import { COSE_TAG } from "./sign1.js";
import type { Label } from "./types.js";

/** Header parameters: a Map, or [label, value] pairs (plain objects would turn int labels into strings). */
export type HeaderInput = ReadonlyMap<Label, unknown> | readonly (readonly [Label, unknown])[];

/** A private key, or anything holding one (e.g. the test-PKI generator's KeyPair). */
export type SigningKey = KeyObject | { readonly privateKey?: KeyObject };

export interface SignOptions {
  /** Protected header parameters; alg (1) is added first unless present. */
  protected?: HeaderInput;
  unprotected?: HeaderInput;
  externalAad?: Uint8Array;
  /** Leave the payload out of the message (nil), to be supplied as detachedPayload. */
  detached?: boolean;
  /** Wrap in the COSE tag (18 / 98). Default true. */
  tagged?: boolean;
}

export interface SignerSpec {
  key: SigningKey;
  alg: number;
  protected?: HeaderInput;
  unprotected?: HeaderInput;
}

function privateKeyOf(k: SigningKey): KeyObject {
  const key = "privateKey" in k ? k.privateKey : (k as KeyObject);
  if (!key || (key as KeyObject).type !== "private") throw new TypeError("signing needs a private key");
  return key as KeyObject;
}

function toMap(h: HeaderInput | undefined): Map<Label, unknown> {
  return new Map(h instanceof Map ? h : ((h ?? []) as [Label, unknown][]));
}

function protectedBytes(alg: number, h: HeaderInput | undefined): Uint8Array {
  const given = toMap(h);
  const m = given.has(COSE_HEADER.alg) ? given : new Map<Label, unknown>([[COSE_HEADER.alg, alg], ...given]);
  return m.size === 0 ? new Uint8Array(0) : encodeCbor(m);
}

function algorithm(id: number) {
  const a = COSE_ALGORITHMS.get(id);
  if (!a) throw new TypeError(`unsupported COSE algorithm ${id}`);
  return a;
}

/** A COSE_Sign1 over `payload` (RFC 9052 4.2, 4.4). */
export function coseSign1(payload: Uint8Array, key: SigningKey, alg: number, opts: SignOptions = {}): Uint8Array {
  const prot = protectedBytes(alg, opts.protected);
  const tbs = encodeCbor(["Signature1", prot, opts.externalAad ?? new Uint8Array(0), payload]);
  const sig = signWith(algorithm(alg), privateKeyOf(key), tbs);
  const msg = [prot, toMap(opts.unprotected), opts.detached ? null : payload, sig];
  return encodeCbor(opts.tagged === false ? msg : new Tagged(COSE_TAG.COSE_Sign1, msg));
}

/** A COSE_Sign over `payload` with one COSE_Signature per signer (RFC 9052 4.1, 4.4); `opts` headers are the body's. */
export function coseSign(payload: Uint8Array, signers: readonly SignerSpec[], opts: SignOptions = {}): Uint8Array {
  const bodyMap = toMap(opts.protected);
  const body = bodyMap.size ? encodeCbor(bodyMap) : new Uint8Array(0);
  const signatures = signers.map((s) => {
    const prot = protectedBytes(s.alg, s.protected);
    const tbs = encodeCbor(["Signature", body, prot, opts.externalAad ?? new Uint8Array(0), payload]);
    return [prot, toMap(s.unprotected), signWith(algorithm(s.alg), privateKeyOf(s.key), tbs)];
  });
  const msg = [body, toMap(opts.unprotected), opts.detached ? null : payload, signatures];
  return encodeCbor(opts.tagged === false ? msg : new Tagged(COSE_TAG.COSE_Sign, msg));
}

/** The COSE_X509 value of x5chain / x5bag: one bstr for one certificate, else an array. */
export function x5(ders: readonly Uint8Array[]): Uint8Array | Uint8Array[] {
  if (ders.length === 0) throw new TypeError("x5chain / x5bag needs at least one certificate");
  return ders.length === 1 ? ders[0]! : [...ders];
}

/** The COSE_CertHash value of x5t (SHA-256 unless told). */
export function x5t(der: Uint8Array, hashAlg = -16): [number, Uint8Array] {
  return certHashOf(der, hashAlg);
}
