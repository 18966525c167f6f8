// Strict CBOR for COSE, on cborg: one definite-length item, shortest-form integers and
// lengths, no duplicate map keys, no `undefined`, no integers beyond 2^53 (RFC 8949 4.2.1
// core deterministic requirements where they matter for signed structures; RFC 9052 3:
// duplicate header labels MUST make the message malformed).
import { decode, encode, rfc8949EncodeOptions, Tagged, type DecodeOptions, type TagDecoder } from "cborg";
import { CoseError } from "./errors.js";

export { Tagged };

/**
 * Any tag decodes to a `Tagged` value (so the top level can tell COSE_Sign1_Tagged from
 * COSE_Sign_Tagged, and a tagged value in a header fails the type checks instead of
 * being silently unwrapped).
 */
const ANY_TAG: Record<number, TagDecoder> = new Proxy({} as Record<number, TagDecoder>, {
  get: (_t, k) => (typeof k === "string" && /^\d+$/.test(k) ? Tagged.decoder(Number(k)) : undefined),
});

export const STRICT_DECODE_OPTIONS: DecodeOptions = Object.freeze({
  strict: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowBigInt: false,
  useMaps: true,
  tags: ANY_TAG,
});

/**
 * "relaxed": valid CBOR that is not deterministically encoded (indefinite lengths, integers
 * and lengths not in their shortest form) is accepted. Still refused: duplicate map keys
 * (RFC 9052 3 makes them malformed), `undefined`, integers beyond 2^53, trailing bytes. The
 * signature is checked over the bytes as received (the protected bucket and the payload are
 * bstrs, so their contents never get re-encoded); only the enclosing structure is lenient.
 */
export const RELAXED_DECODE_OPTIONS: DecodeOptions = Object.freeze({ ...STRICT_DECODE_OPTIONS, strict: false, allowIndefinite: true });

export type CborDecoding = "strict" | "relaxed";

/** Decodes exactly one CBOR item (strict unless told); throws CoseError MALFORMED_COSE naming `what`. */
export function strictDecode(bytes: Uint8Array, what: string, decoding: CborDecoding = "strict"): unknown {
  if (!(bytes instanceof Uint8Array)) throw new CoseError("MALFORMED_COSE", `${what}: expected bytes`);
  if (bytes.length === 0) throw new CoseError("MALFORMED_COSE", `${what}: empty input`);
  try {
    return decode(bytes, decoding === "relaxed" ? RELAXED_DECODE_OPTIONS : STRICT_DECODE_OPTIONS);
  } catch (e) {
    throw new CoseError("MALFORMED_COSE", `${what}: not ${decoding === "relaxed" ? "valid" : "strict"} CBOR (${(e as Error).message.replace(/^CBOR decode error: /, "")})`);
  }
}

/** CBOR encoding with RFC 8949 4.2.1 map key order (bytewise lexicographic of the encoded keys). */
export function encodeDeterministic(value: unknown): Uint8Array {
  return encode(value, rfc8949EncodeOptions);
}

/** The encoding used for Sig_structure, TEEP messages and test messages (the same deterministic one). */
export const encodeCbor = encodeDeterministic;

export const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
export const isMap = (v: unknown): v is Map<unknown, unknown> => v instanceof Map;
export const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
