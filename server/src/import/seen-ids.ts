/**
 * The source ids a file has given so far, to refuse the same id on a later row. A million ids as
 * strings in a Set take some 60 MB; here each is kept as a 64-bit hash (two 32-bit FNV-1a hashes
 * with different offsets) in an open-addressing table of typed arrays: 16 bytes an id at most, and
 * nothing for the garbage collector to walk. Two different ids share a 64-bit hash with a
 * probability of about n²/2⁶⁵ (3·10⁻⁸ for a million): such a row would be refused as a repeat,
 * with its line named, and imports when sent again.
 */
export class SeenIds {
  private hi = new Uint32Array(1 << 16);
  private lo = new Uint32Array(1 << 16);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `id`; false when it (or an id with its hash) was added before. */
  add(id: string): boolean {
    let a = 0x811c9dc5;
    let b = 0x050c5d1f;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
    }
    // 0/0 marks an empty slot: no real hash pair is stored as it.
    const h = a >>> 0 || 1;
    const l = b >>> 0;
    if ((this.count + 1) * 2 > this.hi.length) this.grow();
    const mask = this.hi.length - 1;
    for (let slot = (h ^ Math.imul(l, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
      if (this.hi[slot] === 0) {
        this.hi[slot] = h;
        this.lo[slot] = l;
        this.count++;
        return true;
      }
      if (this.hi[slot] === h && this.lo[slot] === l) return false;
    }
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    const mask = this.hi.length - 1;
    for (let i = 0; i < hi.length; i++) {
      const h = hi[i]!;
      if (h === 0) continue;
      const l = lo[i]!;
      let slot = (h ^ Math.imul(l, 0x9e3779b1)) & mask;
      while (this.hi[slot] !== 0) slot = (slot + 1) & mask;
      this.hi[slot] = h;
      this.lo[slot] = l;
    }
  }
}
