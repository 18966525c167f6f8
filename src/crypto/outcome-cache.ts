// A bounded cross-call cache of signature outcomes, keyed by the digest of the signed
// document and the digest of the key (issue 12 item 3). A prepared verifier owns one;
// the one-shot `verify` door uses the process default. The per-call verifier consults it
// after its own per-call map, so a CA certificate's signature is computed once per
// process (or per verifier), not once per call.
//
// Only outcomes that needed the arithmetic are stored: refusals decided before it
// (unsupported algorithm, key size) are cheap to decide again and cost no budget.
import { createHash } from "node:crypto";
import type { SignatureOutcome } from "./verifier.js";

export interface OutcomeCacheStats {
  entries: number;
  hits: number;
  misses: number;
  evictions: number;
  /** Estimated bytes held (keys and entries). */
  bytes: number;
  maxEntries: number;
}

/** Estimated heap per entry: two 64-character hex digests, a separator and the Map slot. */
const ENTRY_BYTES = 240;

export class SignatureOutcomeCache {
  private readonly map = new Map<string, SignatureOutcome>();
  hits = 0;
  misses = 0;
  evictions = 0;

  /** `maxEntries` bounds the cache; at ~240 bytes an entry the default is about 12 MB. */
  constructor(readonly maxEntries = 50_000) {}

  get(key: string): SignatureOutcome | undefined {
    const v = this.map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Recency: a hit moves the entry to the young end.
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: string, outcome: SignatureOutcome): void {
    if (this.maxEntries <= 0) return;
    this.map.delete(key);
    this.map.set(key, outcome);
    while (this.map.size > this.maxEntries) {
      this.map.delete(this.map.keys().next().value as string);
      this.evictions++;
    }
  }

  clear(): void {
    this.map.clear();
  }

  stats(): OutcomeCacheStats {
    return { entries: this.map.size, hits: this.hits, misses: this.misses, evictions: this.evictions, bytes: this.map.size * ENTRY_BYTES, maxEntries: this.maxEntries };
  }
}

/** The process default, used by the one-shot `verify` door. */
export const processSignatureCache = new SignatureOutcomeCache();

const digests = new WeakMap<Uint8Array, string>();

/** SHA-256 (hex) of some bytes, memoised per buffer object (parsed models are shared and immutable). */
export function digestOf(bytes: Uint8Array): string {
  let d = digests.get(bytes);
  if (d === undefined) {
    d = createHash("sha256").update(bytes).digest("hex");
    digests.set(bytes, d);
  }
  return d;
}
