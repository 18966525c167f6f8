// The process-wide caches and their byte bounds (issue 10 item 5), in one place for
// library users: parsed certificates, parsed CRLs, fetched bodies, loaded public keys.
// Each is bounded in bytes (estimated heap for parsed models); README "Security" lists the defaults.
import { certCache } from "../parsing/certificate.js";
import { crlCache } from "../parsing/crl.js";
import { sharedFetchCache } from "../stores/http.js";
import { keyObjectCache } from "../crypto/verifier.js";

export interface CacheLimits {
  /** Parsed certificates, estimated heap bytes (default 64 MiB; 0 turns the cache off). */
  certificateBytes?: number;
  /** Parsed CRLs, bytes of DER and serial index (default 256 MiB; 0 turns the cache off). */
  crlBytes?: number;
  /** Fetched bodies of the process-wide fetch cache (the one-shot `verify` door's), bytes (default 32 MiB). */
  fetchBytes?: number;
  /** Loaded public keys, bytes of their SubjectPublicKeyInfo (default 16 MiB). */
  keyBytes?: number;
}

/** Sets the byte bounds of the process-wide caches (each evicts down to its new bound). */
export function configureCaches(limits: CacheLimits): void {
  const check = (v: number | undefined, name: string) => {
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) throw new TypeError(`${name} must be a non-negative number`);
    return v;
  };
  const c = check(limits.certificateBytes, "certificateBytes");
  const r = check(limits.crlBytes, "crlBytes");
  const f = check(limits.fetchBytes, "fetchBytes");
  const k = check(limits.keyBytes, "keyBytes");
  if (c !== undefined) certCache.setLimits({ maxBytes: c });
  if (r !== undefined) crlCache.setLimits({ maxBytes: r });
  if (f !== undefined) sharedFetchCache.setMaxBytes(f);
  if (k !== undefined) keyObjectCache.setMaxBytes(k);
}

/** What the process-wide caches hold now. */
export function cacheUsage() {
  return { certificates: certCache.stats(), crls: crlCache.stats(), fetch: sharedFetchCache.stats(), keys: keyObjectCache.size };
}
