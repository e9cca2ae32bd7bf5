import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../src/lib/repositories/ids.js';

describe('uuidv7', () => {
  it('is a version 7, variant 10 UUID carrying the time in its first 48 bits', () => {
    const at = Date.UTC(2026, 11, 1, 21, 30, 0, 123);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('never repeats, and sorts by time across milliseconds', () => {
    // More than the 256 ids one refill of the random pool serves.
    const ids = Array.from({ length: 5_000 }, (_, i) => uuidv7(1_700_000_000_000 + (i >> 4)));
    expect(new Set(ids).size).toBe(ids.length);
    const firstOfEachMs = ids.filter((_, i) => i % 16 === 0);
    expect([...firstOfEachMs].sort()).toEqual(firstOfEachMs);
  });
});
