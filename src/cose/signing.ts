// Production COSE_Sign1 / COSE_Sign creation with a CoseSigner (./signer.ts), placing the
// signer's identification as RFC 9360 2 and the TEEP profile (draft-ietf-teep-protocol-26:
// every TEEP message is a COSE_Sign1; the signer is named by x5chain, x5t or kid) want:
//  - alg (1) always in the protected bucket (RFC 9052 3.1);
//  - x5chain (33) in the protected bucket by default, so the end-entity certificate is
//    integrity protected; when asked to put it in the unprotected bucket, an x5t (34) of its
//    first certificate goes into the protected bucket instead, or the certificate is bound
//    through external_aad (RFC 9360 2, third way: `certificateInExternalAad`);
//  - x5t in the protected bucket; x5bag (32) unprotected (untrusted helpers for the path);
//  - kid (4) protected by default (it selects the key; RFC 9052 3.1 allows either bucket).
import { encodeCbor, Tagged } from "./cbor.js";
import { certHashOf, COSE_HEADER } from "./headers.js";
import { COSE_TAG } from "./sign1.js";
import type { CoseSigner } from "./signer.js";
import type { Label } from "./types.js";

/** Extra header parameters: a Map, or [label, value] pairs. */
export type CoseHeaderInput = ReadonlyMap<Label, unknown> | readonly (readonly [Label, unknown])[];

export interface CoseSignerHeaders {
  signer: CoseSigner;
  /** The signer's certificate chain, DER, end entity first (x5chain, 33). */
  x5chain?: readonly Uint8Array[];
  /** Where x5chain goes; default "protected". */
  x5chainIn?: "protected" | "unprotected";
  /** Also name the end entity by x5t (34), always protected: true (SHA-256) or a COSE hash id (-16, -43, -44). */
  x5t?: boolean | number;
  /** Untrusted certificates that help build the path (x5bag, 32), unprotected. */
  x5bag?: readonly Uint8Array[];
  /** Key identifier (kid, 4). */
  kid?: Uint8Array;
  /** Where kid goes; default "protected". */
  kidIn?: "protected" | "unprotected";
  /** Further header parameters. */
  protected?: CoseHeaderInput;
  unprotected?: CoseHeaderInput;
}

export interface CoseSign1Options extends CoseSignerHeaders {
  /** RFC 9052 4.3 externally supplied data. */
  externalAad?: Uint8Array;
  /**
   * RFC 9360 2: integrity-protect the end-entity certificate by putting it into external_aad
   * (external_aad = certificate DER || externalAad). The verifier must be told the same
   * (`certificateInExternalAad`). x5chain then may be unprotected without x5t.
   */
  certificateInExternalAad?: boolean;
  /** Leave the payload out (nil), to be supplied as detachedPayload. */
  detached?: boolean;
  /** COSE_Sign1_Tagged (18); default true. */
  tagged?: boolean;
  /** content type (3), protected. */
  contentType?: number | string;
}

export interface CoseSignOptions {
  signers: readonly CoseSignerHeaders[];
  /** Body headers. */
  protected?: CoseHeaderInput;
  unprotected?: CoseHeaderInput;
  externalAad?: Uint8Array;
  detached?: boolean;
  /** COSE_Sign_Tagged (98); default true. */
  tagged?: boolean;
  contentType?: number | string;
}

const EMPTY = new Uint8Array(0);

function toMap(h: CoseHeaderInput | undefined): Map<Label, unknown> {
  return new Map(h instanceof Map ? h : ((h ?? []) as [Label, unknown][]));
}

function setOnce(m: Map<Label, unknown>, label: Label, value: unknown, what: string): void {
  if (m.has(label)) throw new TypeError(`${what}: header label ${label} given twice`);
  m.set(label, value);
}

function checkSigner(s: CoseSignerHeaders, what: string): void {
  if (!s || !s.signer || typeof s.signer.sign !== "function" || typeof s.signer.alg !== "number") throw new TypeError(`${what}: expected a CoseSigner { alg, sign }`);
  for (const [name, list] of [["x5chain", s.x5chain], ["x5bag", s.x5bag]] as const)
    if (list !== undefined && (!Array.isArray(list) || list.length === 0 || !list.every((c) => c instanceof Uint8Array))) throw new TypeError(`${what}: ${name} must be a non-empty array of DER certificates`);
  if (s.kid !== undefined && !(s.kid instanceof Uint8Array)) throw new TypeError(`${what}: kid must be a Uint8Array`);
  if (s.x5t && !s.x5chain) throw new TypeError(`${what}: x5t names x5chain's first certificate; give x5chain`);
}

/** The two buckets of one signer layer (the COSE_Sign1, or a COSE_Signature). */
function signerBuckets(s: CoseSignerHeaders, boundByAad: boolean, contentType: number | string | undefined, what: string): { prot: Map<Label, unknown>; unprot: Map<Label, unknown> } {
  checkSigner(s, what);
  const prot = new Map<Label, unknown>([[COSE_HEADER.alg, s.signer.alg]]);
  const unprot = new Map<Label, unknown>();
  if (contentType !== undefined) prot.set(COSE_HEADER.contentType, contentType);
  if (s.x5chain) {
    const value = s.x5chain.length === 1 ? s.x5chain[0] : [...s.x5chain];
    const chainProtected = (s.x5chainIn ?? "protected") === "protected";
    (chainProtected ? prot : unprot).set(COSE_HEADER.x5chain, value);
    // RFC 9360 2: an unprotected x5chain needs the end entity protected some other way.
    const x5t = s.x5t ?? (!chainProtected && !boundByAad);
    if (x5t) prot.set(COSE_HEADER.x5t, certHashOf(s.x5chain[0]!, typeof x5t === "number" ? x5t : -16));
  }
  if (s.x5bag) unprot.set(COSE_HEADER.x5bag, s.x5bag.length === 1 ? s.x5bag[0] : [...s.x5bag]);
  if (s.kid) ((s.kidIn ?? "protected") === "protected" ? prot : unprot).set(COSE_HEADER.kid, s.kid);
  for (const [k, v] of toMap(s.protected)) setOnce(prot, k, v, what);
  for (const [k, v] of toMap(s.unprotected)) setOnce(unprot, k, v, what);
  for (const k of prot.keys()) if (unprot.has(k)) throw new TypeError(`${what}: header label ${k} in both buckets (RFC 9052 3)`);
  return { prot, unprot };
}

function aadFor(o: { externalAad?: Uint8Array; certificateInExternalAad?: boolean; x5chain?: readonly Uint8Array[] }): Uint8Array {
  const app = o.externalAad ?? EMPTY;
  if (!o.certificateInExternalAad) return app;
  if (!o.x5chain) throw new TypeError("certificateInExternalAad needs x5chain (the end-entity certificate to bind)");
  return Buffer.concat([o.x5chain[0]!, app]);
}

async function signed(signer: CoseSigner, tbs: Uint8Array, what: string): Promise<Uint8Array> {
  const sig = await signer.sign(tbs);
  if (!(sig instanceof Uint8Array) || sig.length === 0) throw new TypeError(`${what}: the signer returned no signature bytes`);
  return sig;
}

/** A COSE_Sign1 over `payload` (RFC 9052 4.2, 4.4), signed by `options.signer`. */
export async function signCose1(payload: Uint8Array, options: CoseSign1Options): Promise<Uint8Array> {
  if (!(payload instanceof Uint8Array)) throw new TypeError("signCose1: payload must be a Uint8Array");
  const { prot, unprot } = signerBuckets(options, !!options.certificateInExternalAad, options.contentType, "signCose1");
  const protBytes = encodeCbor(prot);
  // RFC 9052 4.4: Sig_structure = ["Signature1", body_protected, external_aad, payload].
  const tbs = encodeCbor(["Signature1", protBytes, aadFor(options), payload]);
  const sig = await signed(options.signer, tbs, "signCose1");
  const msg = [protBytes, unprot, options.detached ? null : payload, sig];
  return encodeCbor(options.tagged === false ? msg : new Tagged(COSE_TAG.COSE_Sign1, msg));
}

/** A COSE_Sign over `payload` with one COSE_Signature per signer (RFC 9052 4.1, 4.4). */
export async function signCose(payload: Uint8Array, options: CoseSignOptions): Promise<Uint8Array> {
  if (!(payload instanceof Uint8Array)) throw new TypeError("signCose: payload must be a Uint8Array");
  if (!options || !Array.isArray(options.signers) || options.signers.length === 0) throw new TypeError("signCose: expected at least one signer");
  const body = toMap(options.protected);
  if (options.contentType !== undefined) setOnce(body, COSE_HEADER.contentType, options.contentType, "signCose body");
  const bodyBytes = body.size ? encodeCbor(body) : EMPTY;
  const signatures = [];
  for (const [i, s] of options.signers.entries()) {
    const what = `signCose signer #${i}`;
    const { prot, unprot } = signerBuckets(s, false, undefined, what);
    const protBytes = encodeCbor(prot);
    // RFC 9052 4.4: Sig_structure = ["Signature", body_protected, sign_protected, external_aad, payload].
    const tbs = encodeCbor(["Signature", bodyBytes, protBytes, options.externalAad ?? EMPTY, payload]);
    signatures.push([protBytes, unprot, await signed(s.signer, tbs, what)]);
  }
  const msg = [bodyBytes, toMap(options.unprotected), options.detached ? null : payload, signatures];
  return encodeCbor(options.tagged === false ? msg : new Tagged(COSE_TAG.COSE_Sign, msg));
}
