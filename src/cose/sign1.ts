// The COSE door: verify a COSE_Sign1 (RFC 9052 4.2) or each COSE_Signature of a
// COSE_Sign (RFC 9052 4.1) whose signer is an X.509 certificate named by x5chain, x5t or
// x5bag (RFC 9360), validated with `verify` against the anchors of one role; or a raw
// public key anchor of that role.
//
// RFC 9360 2 in practice:
//  - x5chain and x5bag are untrusted: every certificate in them is handed to the path
//    builder as an intermediate, x5chain's order being only a hint. A self-signed
//    certificate in them is never an anchor: anchors come only from the caller.
//  - the end-entity certificate must be integrity protected: x5chain in a protected
//    bucket, or x5t in a protected bucket naming it (x5chain or x5bag then may be
//    unprotected). An x5bag alone identifies the signer only when protected.
//  - the signature is verified with the key of the certificate that is path-validated
//    (the COSE signature is checked first, so a forged message costs no path search),
//    and the key must fit the algorithm (./algorithms.ts).
import { createPublicKey, type KeyObject } from "node:crypto";
import { verify } from "../api/verify.js";
import { DEFAULT_LIMITS } from "../pathbuilder/budget.js";
import type { Input, NameAndKey } from "../api/types.js";
import { KU, parseCertificate, parseCertificates, certLabel, type Certificate } from "../parsing/certificate.js";
import { MalformedError } from "../parsing/errors.js";
import { COSE_ALGORITHMS, keyMismatch, verifySignature, type CoseAlgorithm } from "./algorithms.js";
import { CoseTrustAnchorStore } from "./anchors.js";
import { encodeCbor, isBytes, Tagged, strictDecode, toHex, type CborDecoding } from "./cbor.js";
import { CoseError } from "./errors.js";
import { certHashMatches, parseLayer, readSignerHeaders, type HeaderLayer, type SignerHeaders } from "./headers.js";
import { teepErrMsg, teepErrorCode } from "./teep.js";
import { coseKeyThumbprint } from "./thumbprint.js";
import type { CoseKeyContext, CoseKeyResolution, CosePathVerifier, CoseSignerInfo, CoseVerifyOptions, CoseVerifyResult } from "./types.js";

export const COSE_TAG = Object.freeze({ COSE_Sign: 98, COSE_Sign1: 18 });

type Kind = CoseVerifyResult["kind"];

interface Envelope {
  kind: Kind;
  items: unknown[];
}

/** Top-level decode: COSE_Sign1 / COSE_Sign, tagged (18 / 98) or not. */
function envelope(message: Uint8Array, want: Kind | undefined, requireTag: boolean, decoding: CborDecoding = "strict"): Envelope {
  const top = strictDecode(message, "COSE message", decoding);
  let items: unknown = top;
  let kind: Kind | undefined;
  if (top instanceof Tagged) {
    if (top.tag === COSE_TAG.COSE_Sign1) kind = "COSE_Sign1";
    else if (top.tag === COSE_TAG.COSE_Sign) kind = "COSE_Sign";
    else throw new CoseError("MALFORMED_COSE", `COSE message: tag ${top.tag} is neither COSE_Sign1 (18) nor COSE_Sign (98)`);
    items = top.value;
  } else if (requireTag) {
    throw new CoseError("MALFORMED_COSE", `COSE message: untagged, and requireTag is set (RFC 9052 2)`);
  }
  if (!Array.isArray(items) || items.length !== 4) throw new CoseError("MALFORMED_COSE", "COSE message: not an array of 4 elements (RFC 9052 4.1, 4.2)");
  kind ??= isBytes(items[3]) ? "COSE_Sign1" : "COSE_Sign";
  if (want && kind !== want) throw new CoseError("MALFORMED_COSE", `COSE message: a ${kind}, expected a ${want}`);
  if (kind === "COSE_Sign1" && !isBytes(items[3])) throw new CoseError("MALFORMED_COSE", "COSE_Sign1: signature is not a bstr (RFC 9052 4.2)");
  if (kind === "COSE_Sign" && (!Array.isArray(items[3]) || items[3].length === 0))
    throw new CoseError("MALFORMED_COSE", "COSE_Sign: signatures is not a non-empty array (RFC 9052 4.1)");
  if (!(items[2] === null || isBytes(items[2]))) throw new CoseError("MALFORMED_COSE", `${kind}: payload is neither a bstr nor nil (RFC 9052 4.1)`);
  return { kind, items };
}

function payloadOf(e: Envelope, o: CoseVerifyOptions): Uint8Array {
  const attached = e.items[2] as Uint8Array | null;
  if (attached === null) {
    if (!o.detachedPayload) throw new CoseError("DETACHED_PAYLOAD", `${e.kind}: the payload is detached (nil) and no detachedPayload was given (RFC 9052 2)`);
    return o.detachedPayload;
  }
  if (o.detachedPayload) throw new CoseError("DETACHED_PAYLOAD", `${e.kind}: the message carries its payload, yet a detachedPayload was given`);
  return attached;
}

function parseCert(der: Uint8Array, what: string): Certificate {
  try {
    return parseCertificate(der, what);
  } catch (e) {
    if (e instanceof MalformedError) throw new CoseError(e.code, e.message, undefined);
    throw e;
  }
}

function publicKeyOf(spki: Uint8Array, who: string): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch (e) {
    throw new CoseError("KEY_ALGORITHM_MISMATCH", `${who}: the public key cannot be used: ${(e as Error).message}`);
  }
}

function algorithmOf(h: SignerHeaders, o: CoseVerifyOptions, what: string): CoseAlgorithm {
  if (h.alg === undefined) throw new CoseError("UNSUPPORTED_COSE_ALGORITHM", `${what}: no alg in the protected header (RFC 9052 3.1)`);
  const alg = typeof h.alg === "number" ? COSE_ALGORITHMS.get(h.alg) : undefined;
  if (!alg) throw new CoseError("UNSUPPORTED_COSE_ALGORITHM", `${what}: alg ${JSON.stringify(h.alg)} is not a supported signature algorithm`);
  if (o.expectedAlgorithms && !o.expectedAlgorithms.includes(alg.id))
    throw new CoseError("UNSUPPORTED_COSE_ALGORITHM", `${what}: alg ${alg.name} (${alg.id}) is not among the expected algorithms ${o.expectedAlgorithms.join(", ")}`);
  return alg;
}

interface Candidate {
  readonly cert: Certificate;
  readonly isProtected: boolean;
}

/** RFC 9360 2: which certificate is the end entity, and is it integrity protected? */
function signerCandidates(h: SignerHeaders, extra: readonly Certificate[], what: string, boundByAad = false): { candidates: Candidate[]; carried: Certificate[] } | undefined {
  const chain = h.x5chain?.value.map((d, i) => parseCert(d, `${what} x5chain[${i}]`)) ?? [];
  const bag = h.x5bag.flatMap((b, j) => b.value.map((d, i) => ({ cert: parseCert(d, `${what} x5bag${h.x5bag.length > 1 ? `#${j}` : ""}[${i}]`), isProtected: b.isProtected })));
  const carried = [...chain, ...bag.map((b) => b.cert)];
  if (h.x5t) {
    const pool: Candidate[] = [...chain.map((cert, i) => ({ cert, isProtected: i === 0 && h.x5chain!.isProtected })), ...bag, ...extra.map((cert) => ({ cert, isProtected: false }))];
    const hit = pool.find((p) => certHashMatches(h.x5t!.value, p.cert.der));
    if (!hit) throw new CoseError("X5T_MISMATCH", `${what}: x5t matches none of the ${pool.length} certificate(s) of x5chain, x5bag and the given certificates (RFC 9360 2)`);
    if (chain.length && chain[0]!.sha256 !== hit.cert.sha256)
      throw new CoseError("X5T_MISMATCH", `${what}: x5t names "${certLabel(hit.cert)}" but x5chain starts with "${certLabel(chain[0]!)}" (RFC 9360 2)`, 0, certLabel(chain[0]!));
    const isProtected = boundByAad || h.x5t.isProtected || pool.some((p) => p.isProtected && p.cert.sha256 === hit.cert.sha256);
    if (!isProtected)
      throw new CoseError("SIGNER_NOT_PROTECTED", `${what}: x5t is in the unprotected header and "${certLabel(hit.cert)}" is not carried in a protected one (RFC 9360 2)`, 0, certLabel(hit.cert));
    return { candidates: [{ cert: hit.cert, isProtected }], carried };
  }
  if (chain.length) {
    // RFC 9360 2: the end entity may also be protected by being part of external_aad.
    if (!h.x5chain!.isProtected && !boundByAad)
      throw new CoseError(
        "SIGNER_NOT_PROTECTED",
        `${what}: x5chain is only in the unprotected header and no x5t in the protected header names the end-entity certificate "${certLabel(chain[0]!)}" (RFC 9360 2)`,
        0,
        certLabel(chain[0]!),
      );
    return { candidates: [{ cert: chain[0]!, isProtected: true }], carried };
  }
  if (bag.length) {
    const ees = bag.filter((b) => !b.cert.basicConstraints?.cA);
    if (ees.length === 0) throw new CoseError("NO_SIGNER", `${what}: x5bag holds only CA certificates, and no x5chain or x5t names the signer`);
    const prot = ees.filter((b) => b.isProtected || boundByAad);
    if (prot.length === 0)
      throw new CoseError("SIGNER_NOT_PROTECTED", `${what}: x5bag is only in the unprotected header and no x5t in the protected header names the signer (RFC 9360 2)`, 0, certLabel(ees[0]!.cert));
    return { candidates: prot, carried };
  }
  return undefined;
}

interface SignerOk {
  alg: CoseAlgorithm;
  signer: CoseSignerInfo;
  thumbprint: Uint8Array;
}

/** Context a failure keeps for the result (signer found before the failure, algorithm). */
interface Progress {
  alg?: CoseAlgorithm;
  signer?: CoseSignerInfo;
}

function anchorInputs(anchors: CoseVerifyOptions["anchors"]): readonly (Input | NameAndKey)[] {
  if (anchors === undefined) return [];
  return anchors instanceof CoseTrustAnchorStore ? anchors.trustAnchors : anchors;
}

/**
 * A store's own prepared verifier, when the call asks for nothing a verifier fixes at
 * creation (revocation, online fetching, issuer sources, anchor-constraint choice): the
 * anchors are then parsed once per store, not once per message.
 */
function storeVerifier(anchors: CoseVerifyOptions["anchors"], o: CoseVerifyOptions): CosePathVerifier | undefined {
  if (!(anchors instanceof CoseTrustAnchorStore) || anchors.trustAnchors.length === 0) return undefined;
  if (o.revocation !== undefined || o.fetchPolicy !== undefined || o.issuerSources !== undefined || o.enforceAnchorConstraints !== undefined) return undefined;
  return anchors.pathVerifier();
}

/** The Sig_structure for a given external_aad (it differs per candidate when the certificate is bound through it). */
type TbsFor = (externalAad: Uint8Array) => Uint8Array;

/** RFC 9360 2: external_aad = the end-entity certificate DER || the application's external_aad. */
function aadFor(o: CoseVerifyOptions, cert?: Certificate): Uint8Array {
  const app = o.externalAad ?? EMPTY;
  return o.certificateInExternalAad && cert ? Buffer.concat([cert.der, app]) : app;
}

/** Per-message context for the resolution hook. */
interface HookInput {
  context: Omit<CoseKeyContext, "alg" | "kid" | "claims">;
}

async function resolveWithHook(o: CoseVerifyOptions, hook: HookInput | undefined, h: SignerHeaders, alg: CoseAlgorithm, what: string): Promise<CoseKeyResolution> {
  if (!o.resolveKey || !hook) return undefined;
  let claims: unknown;
  if (o.extractClaims) {
    try {
      claims = o.extractClaims(hook.context.payload);
    } catch (e) {
      throw new CoseError("NO_SIGNER", `${what}: extractClaims failed on the payload: ${(e as Error)?.message ?? e}`);
    }
  }
  const r = await o.resolveKey({ ...hook.context, alg: alg.id, ...(h.kid ? { kid: h.kid } : {}), ...(claims !== undefined ? { claims } : {}) });
  if (r === undefined || r === null) return undefined;
  if (typeof r !== "object" || !("publicKey" in r || "anchors" in r || "verifier" in r)) throw new TypeError("resolveKey: expected { publicKey }, { anchors }, { verifier } or undefined");
  return r;
}

async function checkSigner(layers: HeaderLayer[], tbsFor: TbsFor, signature: Uint8Array, o: CoseVerifyOptions, what: string, partial: Progress, hook?: HookInput): Promise<SignerOk> {
  const h = readSignerHeaders(layers, o.understoodHeaders ?? [], what);
  const alg = algorithmOf(h, o, what);
  partial.alg = alg;
  const resolved = await resolveWithHook(o, hook, h, alg, what);
  if (resolved && "publicKey" in resolved) return hookKeySigner(resolved, alg, tbsFor(o.externalAad ?? EMPTY), signature, what, partial);
  let extra: Certificate[];
  try {
    extra = (o.certificates ?? []).flatMap((c, i) => parseCertificates(c, `certificates[${i}]`));
  } catch (e) {
    if (e instanceof MalformedError) throw new CoseError(e.code, e.message);
    throw e;
  }
  const found = signerCandidates(h, extra, what, !!o.certificateInExternalAad);
  if (!found) return rawKeySigner(h, alg, tbsFor(o.externalAad ?? EMPTY), signature, o, what, partial);

  // The COSE signature first, with each candidate's key (one, unless a protected x5bag alone names the signer).
  let leaf: Certificate | undefined;
  let lastError: CoseError | undefined;
  for (const c of found.candidates) {
    const who = `${what}: signer "${certLabel(c.cert)}"`;
    const key = publicKeyOf(c.cert.publicKey.spki, who);
    const mismatch = keyMismatch(alg, key);
    if (mismatch) {
      lastError = new CoseError("KEY_ALGORITHM_MISMATCH", `${who}: ${mismatch}`, 0, certLabel(c.cert));
      continue;
    }
    if (!verifySignature(alg, key, tbsFor(aadFor(o, c.cert)), signature)) {
      lastError = new CoseError("SIGNATURE_INVALID", `${who}: the ${alg.name} signature does not verify with the certificate's key (RFC 9052 4.4)`, undefined, certLabel(c.cert));
      continue;
    }
    leaf = c.cert;
    break;
  }
  if (!leaf) throw lastError!;
  const subject = certLabel(leaf);
  partial.signer = { kind: "x509", certificate: leaf.der, subject, spki: leaf.publicKey.spki, path: [], policies: [] };
  const ku = leaf.keyUsage;
  if (ku !== undefined && !(ku & ((1 << KU.digitalSignature) | (1 << KU.nonRepudiation))))
    throw new CoseError("SIGNER_KEY_USAGE", `${what}: certificate #0 (${subject}): keyUsage asserts neither digitalSignature nor nonRepudiation (RFC 5280 4.2.1.3)`, 0, subject);

  // Then the path: x5chain and x5bag (and the caller's certificates) are an untrusted bag.
  const intermediates = [...found.carried, ...extra].filter((c) => c.sha256 !== leaf!.sha256).map((c) => c.der);
  const anchors = resolved && "anchors" in resolved ? resolved.anchors : o.anchors;
  const verifier: CosePathVerifier | undefined = resolved && "verifier" in resolved ? resolved.verifier : resolved && "anchors" in resolved ? storeVerifier(anchors, o) : (o.verifier ?? storeVerifier(anchors, o));
  if (!verifier && anchorInputs(anchors).length === 0)
    throw new CoseError("NO_PATH", `${what}: no trust anchors to validate "${subject}" against (give anchors, a verifier, or resolveKey)`, 0, subject);
  const vr = verifier
    ? await verifier.verify(leaf.der, { intermediates, time: o.time, policy: o.policy, extendedKeyUsage: o.extendedKeyUsage, limits: o.limits })
    : await verify({
        target: leaf.der,
        intermediates,
        trustAnchors: [...anchorInputs(anchors)],
        time: o.time,
        policy: o.policy,
        revocation: o.revocation,
        extendedKeyUsage: o.extendedKeyUsage,
        limits: o.limits,
        enforceAnchorConstraints: o.enforceAnchorConstraints,
        fetchPolicy: o.fetchPolicy,
        issuerSources: o.issuerSources,
      });
  partial.signer = { ...partial.signer, path: vr.path, policies: vr.policies, verification: vr };
  if (!vr.valid) {
    const e = vr.error!;
    const failing = e.certIndex !== undefined ? vr.path[e.certIndex]?.subject : undefined;
    throw new CoseError(e.code, `${what}: ${e.message}`, e.certIndex, failing ?? subject);
  }
  if (toHex(vr.path[0]!.der) !== toHex(leaf.der)) throw new Error("internal: the validated path does not start with the signer certificate");
  return { alg, signer: partial.signer, thumbprint: coseKeyThumbprint(leaf.publicKey.spki) };
}

/** The key the resolution hook chose: the signature must verify with it; no path is built. */
function hookKeySigner(r: { publicKey: KeyObject | Uint8Array; label?: string }, alg: CoseAlgorithm, toBeSigned: Uint8Array, signature: Uint8Array, what: string, partial: Progress): SignerOk {
  const label = r.label ?? "key chosen by resolveKey";
  let key: KeyObject;
  let spki: Uint8Array;
  if (r.publicKey instanceof Uint8Array) {
    spki = r.publicKey;
    key = publicKeyOf(spki, `${what}: ${label}`);
  } else {
    key = r.publicKey.type === "private" ? createPublicKey(r.publicKey) : r.publicKey;
    spki = new Uint8Array(key.export({ format: "der", type: "spki" }));
  }
  const mismatch = keyMismatch(alg, key);
  if (mismatch) throw new CoseError("KEY_ALGORITHM_MISMATCH", `${what}: ${label}: ${mismatch}`);
  if (!verifySignature(alg, key, toBeSigned, signature)) throw new CoseError("SIGNATURE_INVALID", `${what}: the ${alg.name} signature does not verify with the ${label} (RFC 9052 4.4)`);
  partial.signer = { kind: "raw-key", subject: label, spki, path: [], policies: [] };
  return { alg, signer: partial.signer, thumbprint: coseKeyThumbprint(spki) };
}

/** No x5chain, x5t or x5bag: a raw public key anchor of the store (by kid, or each in turn). */
function rawKeySigner(h: SignerHeaders, alg: CoseAlgorithm, toBeSigned: Uint8Array, signature: Uint8Array, o: CoseVerifyOptions, what: string, partial: Progress): SignerOk {
  const store = o.anchors instanceof CoseTrustAnchorStore ? o.anchors : undefined;
  const keys = store?.rawKeysFor(h.kid) ?? [];
  if (keys.length === 0)
    throw new CoseError(
      "NO_SIGNER",
      h.kid
        ? `${what}: no x5chain, x5t or x5bag, and kid ${toHex(h.kid)} names no raw-key anchor of ${store?.name ?? "the anchors"}`
        : `${what}: no x5chain, x5t or x5bag identifies the signer, and ${store?.name ?? "the anchors"} hold(s) no raw public key`,
    );
  let fits = 0;
  for (const k of keys) {
    const key = publicKeyOf(k.spki, `${what}: raw-key anchor ${k.label}`);
    if (keyMismatch(alg, key)) continue;
    fits++;
    if (!verifySignature(alg, key, toBeSigned, signature)) continue;
    partial.signer = { kind: "raw-key", subject: k.label, spki: k.spki, path: [], policies: [] };
    return { alg, signer: partial.signer, thumbprint: k.thumbprint };
  }
  if (fits === 0) throw new CoseError("KEY_ALGORITHM_MISMATCH", `${what}: no raw-key anchor of ${store!.name} fits ${alg.name} (${alg.id})`);
  throw new CoseError("SIGNATURE_INVALID", `${what}: the ${alg.name} signature verifies with none of the ${fits} raw-key anchor(s) of ${store!.name} (RFC 9052 4.4)`);
}

function failed(kind: Kind, e: CoseError, partial: Progress, extra: Partial<CoseVerifyResult> = {}): CoseVerifyResult {
  return {
    valid: false,
    kind,
    ...(partial.alg ? { alg: partial.alg.id, algName: partial.alg.name } : {}),
    ...(partial.signer ? { signer: partial.signer } : {}),
    ...extra,
    error: {
      code: e.code,
      message: e.message,
      ...(e.certIndex !== undefined ? { certIndex: e.certIndex } : {}),
      ...(e.subject !== undefined ? { subject: e.subject } : {}),
      teepError: teepErrorCode(e.code),
      errMsg: teepErrMsg(e.code, e.subject, e.certIndex),
    },
  };
}

function succeeded(kind: Kind, ok: SignerOk, payload: Uint8Array, extra: Partial<CoseVerifyResult>): CoseVerifyResult {
  return {
    valid: true,
    kind,
    payload,
    alg: ok.alg.id,
    algName: ok.alg.name,
    ...extra,
    signer: ok.signer,
    thumbprint: ok.thumbprint,
    thumbprintHex: toHex(ok.thumbprint),
  };
}

function checkOptions(o: CoseVerifyOptions): void {
  if (!o || typeof o !== "object") throw new TypeError("options: expected an object");
  if (o.anchors === undefined ? !o.verifier && !o.resolveKey : !(o.anchors instanceof CoseTrustAnchorStore) && !Array.isArray(o.anchors))
    throw new TypeError("options.anchors: expected a CoseTrustAnchorStore or an array of trust anchors (or give options.verifier / options.resolveKey)");
  if (o.verifier !== undefined && typeof (o.verifier as CosePathVerifier)?.verify !== "function") throw new TypeError("options.verifier: expected a Verifier (createVerifier)");
  if (o.resolveKey !== undefined && typeof o.resolveKey !== "function") throw new TypeError("options.resolveKey: expected a function");
  if (o.extractClaims !== undefined && typeof o.extractClaims !== "function") throw new TypeError("options.extractClaims: expected a function");
  if (o.decoding !== undefined && o.decoding !== "strict" && o.decoding !== "relaxed") throw new TypeError('options.decoding: expected "strict" or "relaxed"');
  if (o.externalAad !== undefined && !(o.externalAad instanceof Uint8Array)) throw new TypeError("options.externalAad: expected a Uint8Array");
  if (o.detachedPayload !== undefined && !(o.detachedPayload instanceof Uint8Array)) throw new TypeError("options.detachedPayload: expected a Uint8Array");
}

const EMPTY = new Uint8Array(0);

async function sign1(e: Envelope, o: CoseVerifyOptions): Promise<CoseVerifyResult> {
  const partial: Progress = {};
  let extra: Partial<CoseVerifyResult> = {};
  try {
    const layer = parseLayer(e.items[0], e.items[1], "COSE_Sign1", o.decoding);
    const headers = { protected: layer.protected, unprotected: layer.unprotected };
    extra = { headers };
    const payload = payloadOf(e, o);
    // RFC 9052 4.4: Sig_structure = ["Signature1", body_protected, external_aad, payload].
    const tbsFor: TbsFor = (aad) => encodeCbor(["Signature1", layer.protectedBytes, aad, payload]);
    const ok = await checkSigner([layer], tbsFor, e.items[3] as Uint8Array, o, "COSE_Sign1", partial, { context: { kind: "COSE_Sign1", headers, payload } });
    return succeeded("COSE_Sign1", ok, payload, extra);
  } catch (err) {
    if (err instanceof CoseError) return failed("COSE_Sign1", err, partial, extra);
    throw err;
  }
}

/** Most COSE_Signature entries of one COSE_Sign checked (issue 10 item 3); more is BUDGET_EXCEEDED. */
export const MAX_COSE_SIGNATURES = 16;

async function sign(e: Envelope, o: CoseVerifyOptions): Promise<CoseVerifyResult> {
  let body: HeaderLayer;
  let payload: Uint8Array;
  try {
    body = parseLayer(e.items[0], e.items[1], "COSE_Sign", o.decoding);
    payload = payloadOf(e, o);
  } catch (err) {
    if (err instanceof CoseError) return failed("COSE_Sign", err, {});
    throw err;
  }
  const bodyHeaders = { protected: body.protected, unprotected: body.unprotected };
  const results: CoseVerifyResult[] = [];
  const sigs = e.items[3] as unknown[];
  if (sigs.length > MAX_COSE_SIGNATURES)
    return failed("COSE_Sign", new CoseError("BUDGET_EXCEEDED", `COSE_Sign: ${sigs.length} signatures, more than the cap of ${MAX_COSE_SIGNATURES}`), {});
  // One deadline for the whole message (issue 10 item 3): each signature's path validation
  // gets what is left of limits.timeoutMs, not a fresh budget.
  const deadline = Date.now() + (o.limits?.timeoutMs ?? DEFAULT_LIMITS.timeoutMs);
  for (const [i, s] of sigs.entries()) {
    const what = `COSE_Sign signature #${i}`;
    const partial: Progress = {};
    let extra: Partial<CoseVerifyResult> = { bodyHeaders, signatureIndex: i };
    // require "any": the first valid signature decides; the rest are not checked.
    if (o.require !== "all" && results.some((r) => r.valid)) break;
    const left = deadline - Date.now();
    if (left <= 0) {
      results.push(failed("COSE_Sign", new CoseError("BUDGET_EXCEEDED", `${what}: not checked, the message's time budget (limits.timeoutMs) is spent`), partial, extra));
      continue;
    }
    const oi: CoseVerifyOptions = { ...o, limits: { ...o.limits, timeoutMs: left } };
    try {
      if (!Array.isArray(s) || s.length !== 3 || !isBytes(s[2])) throw new CoseError("MALFORMED_COSE", `${what}: not a COSE_Signature [protected, unprotected, signature] (RFC 9052 4.1)`);
      const layer = parseLayer(s[0], s[1], what, o.decoding);
      const headers = { protected: layer.protected, unprotected: layer.unprotected };
      extra = { ...extra, headers };
      // RFC 9052 4.4: Sig_structure = ["Signature", body_protected, sign_protected, external_aad, payload].
      const tbsFor: TbsFor = (aad) => encodeCbor(["Signature", body.protectedBytes, layer.protectedBytes, aad, payload]);
      const ok = await checkSigner([layer, body], tbsFor, s[2], oi, what, partial, { context: { kind: "COSE_Sign", signatureIndex: i, headers, bodyHeaders, payload } });
      results.push(succeeded("COSE_Sign", ok, payload, extra));
    } catch (err) {
      if (!(err instanceof CoseError)) throw err;
      results.push(failed("COSE_Sign", err, partial, extra));
    }
  }
  const firstValid = results.find((r) => r.valid);
  const failures = results.filter((r) => !r.valid);
  // A signature in an algorithm this verifier does not take is the least interesting failure.
  const bestFailure = failures.find((r) => r.error!.code !== "UNSUPPORTED_COSE_ALGORITHM") ?? failures[0];
  const all = o.require === "all";
  const chosen = all ? (bestFailure ?? firstValid!) : (firstValid ?? bestFailure!);
  const valid = all ? failures.length === 0 : !!firstValid;
  const top: CoseVerifyResult = { ...chosen, valid, signatures: results };
  if (!valid) {
    delete top.payload;
    delete top.thumbprint;
    delete top.thumbprintHex;
  }
  return top;
}

/** Verifies a COSE_Sign1 (tagged 18 or untagged). Never throws for a bad message; throws TypeError for bad options. */
export async function verifyCoseSign1(message: Uint8Array, options: CoseVerifyOptions): Promise<CoseVerifyResult> {
  checkOptions(options);
  let e: Envelope;
  try {
    e = envelope(message, "COSE_Sign1", !!options.requireTag, options.decoding);
  } catch (err) {
    if (err instanceof CoseError) return failed("COSE_Sign1", err, {});
    throw err;
  }
  return sign1(e, options);
}

/**
 * Verifies each COSE_Signature of a COSE_Sign (tagged 98 or untagged); `signatures` has one
 * result per signature. Valid when one verifies (`require: "any"`, the default) or all do.
 */
export async function verifyCoseSign(message: Uint8Array, options: CoseVerifyOptions): Promise<CoseVerifyResult> {
  checkOptions(options);
  let e: Envelope;
  try {
    e = envelope(message, "COSE_Sign", !!options.requireTag, options.decoding);
  } catch (err) {
    if (err instanceof CoseError) return failed("COSE_Sign", err, {});
    throw err;
  }
  return sign(e, options);
}

/** Verifies a COSE_Sign1 or a COSE_Sign, whichever the message is (by tag, or by shape when untagged). */
export async function verifyCose(message: Uint8Array, options: CoseVerifyOptions): Promise<CoseVerifyResult> {
  checkOptions(options);
  let e: Envelope;
  try {
    e = envelope(message, undefined, !!options.requireTag, options.decoding);
  } catch (err) {
    if (err instanceof CoseError) return failed("COSE_Sign1", err, {});
    throw err;
  }
  return e.kind === "COSE_Sign1" ? sign1(e, options) : sign(e, options);
}
