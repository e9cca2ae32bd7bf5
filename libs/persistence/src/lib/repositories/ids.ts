import { randomFillSync } from 'node:crypto';

// Random bytes for 256 ids at a time: one call into OpenSSL instead of one per id.
const pool = Buffer.alloc(16 * 256);
let offset = pool.length;

/**
 * A version 7 UUID (RFC 9562): the Unix time in milliseconds in the first 48 bits, then 74
 * random bits. The ids of new rows (conversations, messages) are primary keys, and a b-tree
 * takes random (version 4) keys anywhere: each insert dirties a leaf page of its own, which
 * after every checkpoint costs a full-page image in the WAL (about 4 of them, 20 kB, per
 * message measured here). Keys that grow with time land on the rightmost leaf, as a sequence
 * would. The time in an id is no order the API promises (seq and position are), and no secret:
 * the row's createdAt says as much.
 */
export function uuidv7(now: number = Date.now()): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const b = pool.subarray(offset, offset + 16);
  offset += 16;
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70; // version 7
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
