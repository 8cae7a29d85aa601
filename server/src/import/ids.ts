/**
 * Ids for imported rows: UUID version 7 (RFC 9562: the time in ms, then random bits). Ids made
 * one after another sort together, so a million new rows go to the right-hand end of each
 * primary-key and foreign-key index rather than to a random page of it (random version-4 ids
 * touch a different page per row once the indexes outgrow the cache). Anything that takes a UUID
 * takes these; nothing orders by them.
 */
import { randomFillSync } from 'node:crypto';

const POOL = 16 * 1024;
const pool = Buffer.alloc(POOL * 16);
let next = POOL;
let lastMs = 0;
let counter = 0;

export function uuidV7(now = Date.now()): string {
  if (next === POOL) {
    randomFillSync(pool);
    next = 0;
  }
  const b = pool.subarray(next * 16, next * 16 + 16);
  next++;
  // Within one millisecond a 12-bit counter (in rand_a) keeps them in the order made.
  counter = now === lastMs ? (counter + 1) & 0xfff : 0;
  lastMs = now;
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
