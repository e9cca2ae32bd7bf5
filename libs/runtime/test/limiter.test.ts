import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { accountLimiters, createLimiter, loadConfig } from '../src/index.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('createLimiter', () => {
  it('allows `points` per key and window, then says when to retry; reset gives it back', async () => {
    const limiter = createLimiter({ name: 'test', points: 2, windowSeconds: 60 });
    expect(await limiter.consume('a')).toEqual({ allowed: true });
    expect(await limiter.consume('a')).toEqual({ allowed: true });
    const refused = await limiter.consume('a');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    // Another key has its own budget.
    expect(await limiter.consume('b')).toEqual({ allowed: true });
    await limiter.reset('a');
    expect(await limiter.consume('a')).toEqual({ allowed: true });
  });

  describe('in Redis', () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    afterAll(async () => {
      await redis.quit();
    });

    it('shares one budget between two limiters on one Redis and prefix, keys under the prefix', async () => {
      const keyPrefix = `switchyard-test:${randomUUID().slice(0, 8)}:`;
      const options = { name: 'shared', points: 3, windowSeconds: 60, redis, keyPrefix };
      const [one, two] = [createLimiter(options), createLimiter(options)];
      expect(await one.consume('acct')).toEqual({ allowed: true });
      expect(await two.consume('acct')).toEqual({ allowed: true });
      expect(await one.consume('acct')).toEqual({ allowed: true });
      expect((await two.consume('acct')).allowed).toBe(false);
      expect(await redis.keys(`${keyPrefix}*`)).toEqual([`${keyPrefix}limit:shared:acct`]);
      await one.reset('acct');
      expect(await two.consume('acct')).toEqual({ allowed: true });
    });
  });
});

describe('accountLimiters', () => {
  it('builds the message and proxy budgets from their settings, each its own', async () => {
    const config = loadConfig({
      MODEL_URL: 'http://127.0.0.1:1',
      KNOWLEDGE_URL: 'http://127.0.0.1:1',
      MESSAGE_RATE_MAX: '1',
      PROXY_RATE_MAX: '2',
    });
    const { messages, proxy } = accountLimiters(config, undefined);
    expect(await messages.consume('acct')).toEqual({ allowed: true });
    expect((await messages.consume('acct')).allowed).toBe(false);
    expect(await proxy.consume('acct')).toEqual({ allowed: true });
    expect(await proxy.consume('acct')).toEqual({ allowed: true });
    expect((await proxy.consume('acct')).allowed).toBe(false);
  });
});
