// A bounded cache of parsed objects keyed by the SHA-256 of their DER. Parsing with
// the ASN.1 schema library costs about a millisecond per certificate (measured with
// the PKITS stress run: 405 certificates per call), hashing a few microseconds, so a
// relying party that sees the same intermediates on every call parses them once.
// Models are immutable, so sharing them between calls is safe.
import { createHash } from "node:crypto";

export class ParseCache<T> {
  private readonly map = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  get(der: Uint8Array, parse: () => T): T {
    const key = createHash("sha256").update(der).digest("base64");
    const hit = this.map.get(key);
    if (hit !== undefined) {
      // refresh recency
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const v = parse();
    this.map.set(key, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
    return v;
  }
}
