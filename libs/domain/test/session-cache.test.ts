import { describe, expect, it } from 'vitest';
import type { SessionOwner } from '@switchyard/persistence';
import { SessionCache } from '../src/lib/use-cases/session-cache.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-01T12:00:00Z');

function owner(accountId: string, expiresInMs = HOUR): SessionOwner {
  return {
    accountId,
    username: `u-${accountId}`,
    expiresAt: new Date(T0 + expiresInMs).toISOString(),
  };
}

const hash = (n: number) => n.toString(16).padStart(64, '0');

function cache(maxEntries = 10, ttlSeconds = 30) {
  const clock = { now: T0 };
  return { clock, sessions: new SessionCache({ maxEntries, ttlSeconds, now: () => clock.now }) };
}

describe('SessionCache', () => {
  it('answers a stored session, and nothing for one never stored', () => {
    const { sessions } = cache();
    sessions.store(hash(1), owner('a'), sessions.begin());
    expect(sessions.get(hash(1))).toEqual(owner('a'));
    expect(sessions.get(hash(2))).toBeUndefined();
  });

  it('holds at most maxEntries sessions, dropping the least recently used', () => {
    const { sessions } = cache(2);
    sessions.store(hash(1), owner('a'), sessions.begin());
    sessions.store(hash(2), owner('b'), sessions.begin());
    sessions.get(hash(1));
    sessions.store(hash(3), owner('c'), sessions.begin());
    expect(sessions.size).toBe(2);
    expect(sessions.get(hash(2))).toBeUndefined();
    expect(sessions.get(hash(1))).toBeDefined();
    expect(sessions.get(hash(3))).toBeDefined();
  });

  it('keeps nothing with maxEntries 0', () => {
    const { sessions } = cache(0);
    sessions.store(hash(1), owner('a'), sessions.begin());
    expect(sessions.size).toBe(0);
    expect(sessions.get(hash(1))).toBeUndefined();
  });

  it('believes an entry for ttlSeconds at most', () => {
    const { clock, sessions } = cache(10, 30);
    sessions.store(hash(1), owner('a'), sessions.begin());
    clock.now = T0 + 29_999;
    expect(sessions.get(hash(1))).toBeDefined();
    clock.now = T0 + 30_000;
    expect(sessions.get(hash(1))).toBeUndefined();
    expect(sessions.size).toBe(0);
  });

  it('never past the session expiry, when that comes before the TTL', () => {
    const { clock, sessions } = cache(10, 30);
    sessions.store(hash(1), owner('a', 5_000), sessions.begin());
    clock.now = T0 + 4_999;
    expect(sessions.get(hash(1))).toBeDefined();
    clock.now = T0 + 5_000;
    expect(sessions.get(hash(1))).toBeUndefined();
  });

  it('does not store a session that has already expired', () => {
    const { sessions } = cache();
    sessions.store(hash(1), owner('a', -1), sessions.begin());
    expect(sessions.size).toBe(0);
  });

  it('drops revoked sessions, and only those', () => {
    const { sessions } = cache();
    for (const n of [1, 2, 3]) sessions.store(hash(n), owner('a'), sessions.begin());
    sessions.apply({ kind: 'sessions', tokenHashes: [hash(1), hash(3)] });
    expect([1, 2, 3].map((n) => sessions.get(hash(n)) !== undefined)).toEqual([false, true, false]);
  });

  it("drops every session of a revoked account, and no other account's", () => {
    const { sessions } = cache();
    sessions.store(hash(1), owner('a'), sessions.begin());
    sessions.store(hash(2), owner('a'), sessions.begin());
    sessions.store(hash(3), owner('b'), sessions.begin());
    sessions.apply({ kind: 'account', accountId: 'a' });
    expect([1, 2, 3].map((n) => sessions.get(hash(n)) !== undefined)).toEqual([false, false, true]);
    // The account index followed the evictions: a new session of a is dropped by the next one.
    sessions.store(hash(4), owner('a'), sessions.begin());
    sessions.apply({ kind: 'account', accountId: 'a' });
    expect(sessions.get(hash(4))).toBeUndefined();
  });

  it('an account revocation reaches sessions the LRU replaced and stored again', () => {
    const { sessions } = cache(1);
    sessions.store(hash(1), owner('a'), sessions.begin());
    sessions.store(hash(2), owner('b'), sessions.begin());
    sessions.store(hash(1), owner('a'), sessions.begin());
    sessions.apply({ kind: 'account', accountId: 'a' });
    expect(sessions.size).toBe(0);
  });

  it('forgets everything on reset', () => {
    const { sessions } = cache();
    for (const n of [1, 2]) sessions.store(hash(n), owner(String(n)), sessions.begin());
    sessions.apply({ kind: 'reset' });
    expect(sessions.size).toBe(0);
  });

  it('does not store a lookup that began before a revocation arrived', () => {
    // The lookup read the session while it was live; the log-out landed before it returned.
    const { sessions } = cache();
    const since = sessions.begin();
    sessions.apply({ kind: 'sessions', tokenHashes: [hash(1)] });
    sessions.store(hash(1), owner('a'), since);
    expect(sessions.get(hash(1))).toBeUndefined();
    // A lookup that begins afterwards is stored.
    sessions.store(hash(1), owner('a'), sessions.begin());
    expect(sessions.get(hash(1))).toBeDefined();
  });
});
