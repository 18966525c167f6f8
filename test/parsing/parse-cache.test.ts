// The parse cache's eviction: least recently used first, by entries and by bytes.
import { describe, expect, it } from "vitest";
import { ParseCache } from "../../src/parsing/cache.js";

const input = (i: number) => new TextEncoder().encode(`input ${i}`);

/** A cache of strings that records which inputs it had to parse. */
function cache(capacity: number, maxBytes?: number) {
  const parsed: number[] = [];
  const c = new ParseCache<string>(capacity, maxBytes === undefined ? undefined : { maxBytes, sizeOf: (v) => v.length });
  const get = (i: number) => c.get(input(i), () => (parsed.push(i), `value ${i}`.padEnd(10, ".")));
  return { c, get, parsed };
}

describe("ParseCache eviction", () => {
  it("evicts the least recently used entry, a hit refreshing its entry", () => {
    const { get, parsed } = cache(3);
    [1, 2, 3, 1, 4].forEach(get); // 1 refreshed by its hit: 2 is the oldest when 4 comes
    expect(parsed).toEqual([1, 2, 3, 4]);
    get(1);
    get(3);
    expect(parsed).toEqual([1, 2, 3, 4]);
    get(2); // evicted: parsed again, and 4 is now the oldest (1 and 3 were used after it)
    expect(parsed).toEqual([1, 2, 3, 4, 2]);
    get(4);
    expect(parsed).toEqual([1, 2, 3, 4, 2, 4]);
  });

  it("agrees with a naive LRU over 20,000 lookups with hits and misses mixed", () => {
    const { c, get, parsed } = cache(100);
    const lru: number[] = []; // most recent last
    const expected: number[] = [];
    let seed = 7;
    for (let n = 0; n < 20_000; n++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      // Mostly recent inputs (hits), sometimes new ones (misses that evict).
      const i = seed % 4 === 0 ? 1_000 + n : seed % 150;
      const at = lru.indexOf(i);
      if (at >= 0) lru.splice(at, 1);
      else {
        expected.push(i);
        if (lru.length === 100) lru.shift();
      }
      lru.push(i);
      get(i);
    }
    expect(parsed).toEqual(expected);
    expect(c.stats().entries).toBe(100);
  });

  it("evicts down to its byte bound, oldest first", () => {
    const { c, get, parsed } = cache(Infinity, 35); // values are 10 characters: three fit
    [1, 2, 3, 4].forEach(get);
    expect(c.stats()).toMatchObject({ entries: 3, bytes: 30 });
    get(1);
    expect(parsed).toEqual([1, 2, 3, 4, 1]);
    c.clear();
    get(4);
    expect(parsed).toEqual([1, 2, 3, 4, 1, 4]);
  });
});
