// A TEEP exchange on top of the COSE door: sign a TEEP message (COSE_Sign1, as every TEEP
// message is, draft-ietf-teep-protocol-26), verify one (signature, signer path against the
// role's anchors or verifier, then the message against the CDDL), and match a response's
// token to an outstanding request.
//
// Tokens (draft-ietf-teep-protocol-26, token): a TAM puts a fresh random token in a
// QueryRequest (when it asks for no attestation) or an Update; the TEEP Agent copies it into
// its QueryResponse, Success or Error. A response whose token matches no outstanding request
// is rejected; a token is used once.
import { randomBytes } from "node:crypto";
import { toHex } from "./cbor.js";
import { signCose1, type CoseSign1Options } from "./signing.js";
import { verifyCoseSign1 } from "./sign1.js";
import { TEEP_ERR, TEEP_TYPE } from "./teep.js";
import { decodeTeep, encodeTeep, TeepDecodeError, TEEP_TYPE_NAMES, type TeepMessageBody } from "./teep-messages.js";
import type { CoseErrorCode, CoseVerifyOptions, CoseVerifyResult } from "./types.js";

export interface OutstandingRequest {
  token: Uint8Array;
  /** The type of the request the token went out with (QueryRequest 1, Update 3). */
  requestType: number;
  /** The challenge of a QueryRequest, for the caller's attestation nonce check. */
  challenge?: Uint8Array;
  issuedAt: number;
}

/** Outstanding tokens of one TAM (or one session): issue, then match each response once. */
export class TeepTokenTracker {
  private readonly pending = new Map<string, OutstandingRequest>();
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(opts: { ttlMs?: number; maxOutstanding?: number; now?: () => number } = {}) {
    this.ttlMs = opts.ttlMs ?? 10 * 60_000;
    this.max = opts.maxOutstanding ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.pending.size;
  }

  /** A fresh random token (16 bytes, within the CDDL's 8..64), recorded as outstanding. */
  issue(requestType: number = TEEP_TYPE.QUERY_REQUEST, challenge?: Uint8Array): Uint8Array {
    const token = new Uint8Array(randomBytes(16));
    this.track(token, requestType, challenge);
    return token;
  }

  /** Records a token the caller made. */
  track(token: Uint8Array, requestType: number = TEEP_TYPE.QUERY_REQUEST, challenge?: Uint8Array): void {
    if (!(token instanceof Uint8Array) || token.length < 8 || token.length > 64) throw new TypeError("token must be 8..64 bytes");
    this.expire();
    if (this.pending.size >= this.max) throw new RangeError(`more than ${this.max} outstanding TEEP requests`);
    const key = toHex(token);
    if (this.pending.has(key)) throw new TypeError("token already outstanding (a token is used once)");
    this.pending.set(key, { token, requestType, ...(challenge ? { challenge } : {}), issuedAt: this.now() });
  }

  /** The outstanding request this token answers, removed from the outstanding set; undefined when none. */
  take(token: Uint8Array | undefined): OutstandingRequest | undefined {
    if (!token) return undefined;
    this.expire();
    const key = toHex(token);
    const r = this.pending.get(key);
    if (r) this.pending.delete(key);
    return r;
  }

  private expire(): void {
    const limit = this.now() - this.ttlMs;
    for (const [k, r] of this.pending) if (r.issuedAt < limit) this.pending.delete(k);
  }
}

/** Signs a TEEP message as a COSE_Sign1 (the payload is the message's CBOR). */
export async function signTeep(message: TeepMessageBody, options: CoseSign1Options): Promise<Uint8Array> {
  return signCose1(encodeTeep(message), options);
}

export type TeepVerifyErrorCode = CoseErrorCode | "MALFORMED_TEEP" | "UNSUPPORTED_TEEP_EXTENSION" | "UNEXPECTED_TEEP_TYPE" | "TOKEN_MISMATCH";

export interface TeepVerifyOptions extends CoseVerifyOptions {
  /** Accept only these message types (e.g. a TEEP Agent: [1, 3]; a TAM: [2, 4, 5]). */
  expect?: number | number[];
  /** Match the response's token against these outstanding requests (a TAM). */
  tokens?: TeepTokenTracker;
}

export interface TeepVerifyResult {
  valid: boolean;
  /** The decoded message, only when valid. */
  message?: TeepMessageBody;
  /** The request the token matched (with `tokens`). */
  request?: OutstandingRequest;
  /** The COSE result: signer, path, thumbprint (for the EAT cnf check), ... */
  cose: CoseVerifyResult;
  error?: { code: TeepVerifyErrorCode; message: string; field?: string; teepError: number; errMsg: string };
}

function teepFailure(cose: CoseVerifyResult, code: TeepVerifyErrorCode, message: string, teepError: number, field?: string): TeepVerifyResult {
  const errMsg = Buffer.byteLength(message, "utf8") <= 128 ? message : `${message.slice(0, 120)}…`;
  return { valid: false, cose, error: { code, message, ...(field ? { field } : {}), teepError, errMsg } };
}

/**
 * Verifies a TEEP message: the COSE_Sign1 and its signer (as verifyCose), then the payload
 * against the message's CDDL, the expected types, and (with `tokens`) the token. Every
 * failure carries the TEEP err-code to answer with.
 */
export async function verifyTeep(message: Uint8Array, options: TeepVerifyOptions): Promise<TeepVerifyResult> {
  const cose = await verifyCoseSign1(message, options);
  if (!cose.valid) {
    const e = cose.error!;
    return { valid: false, cose, error: { code: e.code, message: e.message, teepError: e.teepError, errMsg: e.errMsg } };
  }
  let body: TeepMessageBody;
  try {
    body = decodeTeep(cose.payload!, { decoding: options.decoding ?? "strict" });
  } catch (e) {
    if (!(e instanceof TeepDecodeError)) throw e;
    const code = e.teepError === TEEP_ERR.ERR_UNSUPPORTED_EXTENSION ? "UNSUPPORTED_TEEP_EXTENSION" : "MALFORMED_TEEP";
    return teepFailure(cose, code, e.message, e.teepError, e.field);
  }
  const expect = options.expect === undefined ? undefined : Array.isArray(options.expect) ? options.expect : [options.expect];
  if (expect && !expect.includes(body.type))
    return teepFailure(cose, "UNEXPECTED_TEEP_TYPE", `a ${TEEP_TYPE_NAMES[body.type]} where ${expect.map((t) => TEEP_TYPE_NAMES[t] ?? t).join(" or ")} was expected`, TEEP_ERR.ERR_PERMANENT_ERROR, "type");
  let request: OutstandingRequest | undefined;
  if (options.tokens) {
    request = options.tokens.take(body.token);
    if (!request) {
      const what = body.token ? `token ${toHex(body.token)} matches no outstanding request` : "no token, and a token was expected";
      return teepFailure(cose, "TOKEN_MISMATCH", `${TEEP_TYPE_NAMES[body.type]}: ${what}`, TEEP_ERR.ERR_PERMANENT_ERROR, "token");
    }
  }
  return { valid: true, message: body, ...(request ? { request } : {}), cose };
}
