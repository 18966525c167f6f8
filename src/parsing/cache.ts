// A bounded cache of parsed objects keyed by the SHA-256 of their DER. Parsing with
// the ASN.1 schema library costs about a millisecond per certificate (measured with
// the PKITS stress run: 405 certificates per call), hashing a few microseconds, so a
// relying party that sees the same intermediates on every call parses them once.
// Models are immutable, so sharing them between calls is safe.
//
// Bounded by a number of entries and, when `sizeOf` is given, by the bytes they hold
// (least recently used first out): a count alone let large CRLs hold hundreds of MB, and
// 20,000 certificates of 64 KiB 1.3 GiB (issue 10 item 5). Sizes are checked before hashing.
import { createHash, hash } from "node:crypto";
import { checkpointNow } from "./deadline.js";

const HASH_SLICE = 1 << 20;
import { MAX_DER_BYTES } from "./der.js";

export interface ParseCacheBytes<T> {
  maxBytes: number;
  sizeOf: (v: T) => number;
}

/**
 * SHA-256 of some bytes, 1 MiB at a time with the call's deadline read between slices
 * (issue 10 item 3: 16 MiB in one call is 15-50 ms). An input of one slice goes through
 * the one-shot crypto.hash (Node 20.12+) where there is one: a new Hash object per input
 * cost a measured 12% of parsing new certificates (an inspector profile of 5,500 parses:
 * OpenSSL 3 fetches the digest for each Hash).
 */
export function sha256Of(der: Uint8Array): Buffer {
  if (der.length <= HASH_SLICE && typeof hash === "function") return hash("sha256", der, "buffer");
  const h = createHash("sha256");
  for (let i = 0; i < der.length; i += HASH_SLICE) {
    if (i) checkpointNow();
    h.update(der.subarray(i, i + HASH_SLICE));
  }
  return h.digest();
}

/** Every parse cache of the process, so that they can be emptied together. */
const ALL = new Set<{ clear(): void }>();

/** Adds a table of parsed values to those clearParseCaches empties. */
export function registerParseCache(c: { clear(): void }): void {
  ALL.add(c);
}

/**
 * Empties every parse cache of the process (certificates, CRLs, ...): for memory pressure,
 * and for benchmarks that measure cold parsing.
 */
export function clearParseCaches(): void {
  for (const c of ALL) c.clear();
}

export class ParseCache<T> {
  private readonly map = new Map<string, { v: T; bytes: number }>();
  private bytes = 0;
  private capacity: number;
  private maxBytes: number;
  private readonly sizeOf: ((v: T) => number) | undefined;

  constructor(capacity: number, bytes?: ParseCacheBytes<T>) {
    this.capacity = capacity;
    this.maxBytes = bytes?.maxBytes ?? Infinity;
    this.sizeOf = bytes?.sizeOf;
    ALL.add(this);
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
    this.oldest = undefined;
  }

  /** The model of `der`, parsed once; `parse` receives the SHA-256 computed for the key (the model keeps it). */
  get(der: Uint8Array, parse: (sha256?: Buffer) => T): T {
    // An input over the DER cap is refused by the parser without being hashed (issue 10 item 5).
    if (der.length > MAX_DER_BYTES || this.maxBytes === 0) return parse();
    // Hashed 1 MiB at a time, the call's deadline read between slices (issue 10 item 3: 16 MiB in one call is 15-50 ms).
    const digest = sha256Of(der);
    const key = digest.toString("base64");
    const hit = this.map.get(key);
    if (hit !== undefined) {
      // refresh recency
      this.map.delete(key);
      this.map.set(key, hit);
      return hit.v;
    }
    const v = parse(digest);
    const bytes = this.sizeOf ? this.sizeOf(v) : 0;
    // An object larger than the whole bound is returned, not kept.
    if (bytes > this.maxBytes) return v;
    this.map.set(key, { v, bytes });
    this.bytes += bytes;
    this.evict();
    return v;
  }

  /**
   * Oldest first. One iterator kept across calls: a new `entries()` per eviction started at
   * the map's front and stepped over every entry deleted there before (V8 compacts only on
   * rehash), ~9% of parsing new certificates once the byte bound was reached. A Map iterator
   * visits entries in insertion order, skips deleted ones and reaches entries added after it
   * was made (a refreshed entry is met again at its new place), so it still yields the least
   * recently used entry next.
   */
  private evict(): void {
    while (this.map.size > this.capacity || this.bytes > this.maxBytes) {
      let n = (this.oldest ??= this.map.entries()).next();
      if (n.done) n = (this.oldest = this.map.entries()).next();
      if (n.done) break;
      const [k, e] = n.value as [string, { bytes: number }];
      this.map.delete(k);
      this.bytes -= e.bytes;
    }
  }
  private oldest: MapIterator<[string, { v: T; bytes: number }]> | undefined;

  setLimits(l: { maxEntries?: number; maxBytes?: number }): void {
    if (l.maxEntries !== undefined) this.capacity = l.maxEntries;
    if (l.maxBytes !== undefined) this.maxBytes = l.maxBytes;
    this.evict();
  }

  stats(): { maxEntries: number; maxBytes: number; entries: number; bytes: number } {
    return { maxEntries: this.capacity, maxBytes: this.maxBytes, entries: this.map.size, bytes: this.bytes };
  }
}
