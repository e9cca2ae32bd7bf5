import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLimiter } from '../src/index.js';
import { trustProxy } from '../src/lib/config/trust-proxy.js';
import { loadConfig } from '../src/lib/config/config.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('createLimiter', () => {
  it('allows `points` units a key and window, then says when the next one is', async () => {
    const limiter = createLimiter({ name: 't', points: 2, windowSeconds: 30 });
    expect(await limiter.consume('a')).toEqual({ allowed: true });
    expect(await limiter.consume('a')).toEqual({ allowed: true });
    const refused = await limiter.consume('a');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(30);
    }
    // Keys are counted apart, and reset gives one its whole budget back.
    expect(await limiter.consume('b')).toEqual({ allowed: true });
    await limiter.reset('a');
    expect(await limiter.consume('a')).toEqual({ allowed: true });
  });

  describe('in Redis', () => {
    const clients: Redis[] = [];
    afterAll(() => {
      for (const client of clients) client.disconnect();
    });
    it('shares one budget between two limiters on the same prefix', async () => {
      const open = () => {
        const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
        clients.push(client);
        return client;
      };
      const keyPrefix = `switchyard-test:${randomUUID().slice(0, 8)}:`;
      const one = createLimiter({
        name: 't',
        points: 2,
        windowSeconds: 30,
        redis: open(),
        keyPrefix,
      });
      const two = createLimiter({
        name: 't',
        points: 2,
        windowSeconds: 30,
        redis: open(),
        keyPrefix,
      });
      expect(await one.consume('k')).toEqual({ allowed: true });
      expect(await two.consume('k')).toEqual({ allowed: true });
      expect((await one.consume('k')).allowed).toBe(false);
      await two.reset('k');
      expect(await one.consume('k')).toEqual({ allowed: true });
      expect(await clients[0]!.keys(`${keyPrefix}*`)).toEqual([`${keyPrefix}limit:t:k`]);
    });
  });
});

describe('TRUST_PROXY', () => {
  const base = { MODEL_URL: 'http://127.0.0.1:1', KNOWLEDGE_URL: 'http://127.0.0.1:1' };
  it('is false unset, a function of the hop for a hop count, a list for addresses and CIDRs', () => {
    expect(trustProxy(loadConfig(base))).toBe(false);
    const hops = trustProxy(loadConfig({ ...base, TRUST_PROXY: '1' }));
    expect(typeof hops).toBe('function');
    if (typeof hops === 'function') {
      expect([hops('127.0.0.1', 0), hops('203.0.113.1', 1)]).toEqual([true, false]);
    }
    expect(trustProxy(loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/8, ::1,192.0.2.7' }))).toEqual([
      '10.0.0.0/8',
      '::1',
      '192.0.2.7',
    ]);
  });

  it('stops the start-up on an entry that is not an address or CIDR', () => {
    for (const value of ['loopback', '10.0.0.0/33', '1.2.3.4/8/8', 'true']) {
      expect(() => loadConfig({ ...base, TRUST_PROXY: value }), value).toThrow(/TRUST_PROXY: "/);
    }
  });
});
