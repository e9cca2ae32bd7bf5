import { AppError } from '@switchyard/api-spec';

/**
 * Cursors are opaque to clients: base64url of a small JSON object. Anything that does not
 * decode to the expected shape is SWY_ERR_INVALID_CURSOR (400), never a database error.
 */
export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * The largest value each cursor field's column holds: `messages.seq` is an integer (2^31 - 1),
 * `conversations.position` a bigint, of which a JavaScript number is exact up to 2^53 - 1. A
 * larger value was never handed out, and past the column it would be a database error.
 */
const COLUMN_MAX: Readonly<Record<'seq' | 'position', number>> = {
  seq: 2 ** 31 - 1,
  position: Number.MAX_SAFE_INTEGER,
};

export function decodePositionCursor(cursor: string, field: 'seq' | 'position'): number {
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new AppError('SWY_ERR_INVALID_CURSOR', { cause: error });
  }
  const n = (value as Record<string, unknown> | null)?.[field];
  // Positions are decimal strings (bigint-safe) or integers.
  const parsed = typeof n === 'string' && /^[0-9]{1,18}$/.test(n) ? Number(n) : n;
  if (
    typeof parsed !== 'number' ||
    !Number.isSafeInteger(parsed) ||
    parsed < 0 ||
    parsed > COLUMN_MAX[field]
  ) {
    throw new AppError('SWY_ERR_INVALID_CURSOR');
  }
  return parsed;
}
