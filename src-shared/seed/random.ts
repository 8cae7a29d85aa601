/**
 * SeedRandom: the one source of randomness for generated data. A seeded sfc32 generator (small,
 * fast, passes PractRand) so the same seed always yields the same cache, byte for byte. Faker is
 * only used once per run to fill name/address pools; every per-row choice comes from here, because
 * calling Faker per row would cost more than the SQLite inserts.
 */

/** 32-bit hash of a string or number (cyrb53's mixing, folded to 32 bits): turns seeds into state. */
export function hash32(value: string | number, salt = 0): number {
  const text = String(value);
  let h1 = 0xdeadbeef ^ salt;
  let h2 = 0x41c6ce57 ^ salt;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class SeedRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `stream` separates independent sequences drawn from one seed (catalogue, customers, …). */
  constructor(seed: number, stream = '') {
    this.a = hash32(seed, 1) ^ hash32(stream, 11);
    this.b = hash32(seed, 2) ^ hash32(stream, 12);
    this.c = hash32(seed, 3) ^ hash32(stream, 13);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }

  /** Next unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks with a bias towards the front of the list (best-sellers first): index ~ n·u². */
  pickSkewed<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    const u = this.next();
    return items[Math.floor(u * u * items.length)] as T;
  }

  /** Weighted choice; `weights` need not sum to 1. */
  pickWeighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i] ?? 0;
      if (r < 0) return items[i] as T;
    }
    return items[items.length - 1] as T;
  }

  /** A version-4-shaped UUID drawn from this generator (never crypto.randomUUID: it must repeat). */
  uuid(): string {
    const w0 = this.u32();
    const w1 = this.u32();
    const w2 = this.u32();
    const w3 = this.u32();
    const g3 = 0x4000 | ((w2 >>> 16) & 0x0fff); // version 4
    const g4 = 0x8000 | (w2 & 0x3fff); // RFC 4122 variant (10xx)
    return (
      HEX[w0 >>> 24]! + HEX[(w0 >>> 16) & 255]! + HEX[(w0 >>> 8) & 255]! + HEX[w0 & 255]! + '-' +
      HEX[w1 >>> 24]! + HEX[(w1 >>> 16) & 255]! + '-' +
      HEX[g3 >>> 8]! + HEX[g3 & 255]! + '-' +
      HEX[g4 >>> 8]! + HEX[g4 & 255]! + '-' +
      HEX[(w1 >>> 8) & 255]! + HEX[w1 & 255]! +
      HEX[w3 >>> 24]! + HEX[(w3 >>> 16) & 255]! + HEX[(w3 >>> 8) & 255]! + HEX[w3 & 255]!
    );
  }
}

const PREFIX_SPACE = 2 ** 48;

/**
 * Version-4-shaped UUIDs spread evenly over the id space but handed out in ascending order: the
 * first 48 bits climb by random steps sized for `expected` ids, the other 74 are random.
 *
 * Why: every table keys on a text UUID, and a B-tree fed random keys splits pages all over the
 * tree (measured here: 6.2 µs per insert against 1.4 µs appending). Ascending ids make a bulk load
 * append to each primary-key index, and to the foreign-key indexes that follow them
 * (order_lines.order_id, customer_phones.customer_id, …). The ids still look like v4 and sort
 * like random ones; nothing may rely on their order.
 */
export class AscendingIds {
  private position = 0;
  private readonly meanStep: number;

  constructor(
    private readonly random: SeedRandom,
    expected: number,
  ) {
    this.meanStep = Math.max(2, Math.floor(PREFIX_SPACE / Math.max(1, expected * 1.25)));
  }

  next(): string {
    // More ids than expected wrap around: still unique (74 random bits), just no longer ascending.
    this.position = (this.position + 1 + this.random.int(2 * this.meanStep - 1)) % PREFIX_SPACE;
    const high = Math.floor(this.position / 65536);
    const mid = this.position % 65536;
    const w2 = this.random.u32();
    const w3 = this.random.u32();
    const g3 = 0x4000 | ((w2 >>> 16) & 0x0fff);
    const g4 = 0x8000 | (w2 & 0x3fff);
    return (
      HEX[high >>> 24]! + HEX[(high >>> 16) & 255]! + HEX[(high >>> 8) & 255]! + HEX[high & 255]! + '-' +
      HEX[mid >>> 8]! + HEX[mid & 255]! + '-' +
      HEX[g3 >>> 8]! + HEX[g3 & 255]! + '-' +
      HEX[g4 >>> 8]! + HEX[g4 & 255]! + '-' +
      HEX[(w3 >>> 24) & 255]! + HEX[(w3 >>> 16) & 255]! + HEX[(w3 >>> 8) & 255]! + HEX[w3 & 255]! +
      HEX[this.random.int(256)]! + HEX[this.random.int(256)]!
    );
  }
}
