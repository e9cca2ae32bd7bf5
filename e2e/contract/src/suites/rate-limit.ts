import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { databaseTargets } from '@switchyard/persistence/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCredentials, expectError, failOnInternalErrors, useEnvironment } from '../support.js';
import {
  startEnvironment,
  type AppUnderTest,
  type Environment,
  type StartedApp,
} from '@switchyard/testing';
import { reportCases } from './report.js';

/** Where the Redis variant finds a server; CI=true makes an unreachable one a failure. */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export async function redisAnswers(url: string): Promise<string | undefined> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return `Redis at ${url} did not answer (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    client.disconnect();
  }
}

const LIMIT = 3;
const wrong = { username: 'nobody-here', password: 'not the password' };

/** `Retry-After` as a number of seconds within the window. */
function expectRetryAfter(value: string | undefined, windowS: number): void {
  expect(value).toMatch(/^\d+$/);
  expect(Number(value)).toBeGreaterThanOrEqual(1);
  expect(Number(value)).toBeLessThanOrEqual(windowS);
}

/**
 * The rate limits on sign-up and log-in: RATE_LIMIT_MAX per client and window, 429 with
 * Retry-After past it, per route, before the body is read; and with REDIS_URL, one limit
 * shared by two instances of the app.
 */
export async function runRateLimitSuite(subject: AppUnderTest): Promise<void> {
  const [pglite] = await databaseTargets();
  const overrides =
    (extra: Record<string, string> = {}) =>
    () => ({
      RATE_LIMIT_MAX: String(LIMIT),
      RATE_LIMIT_WINDOW_MS: '60000',
      ...extra,
    });

  describe(`${subject.name} rate limits, in memory`, () => {
    const { api } = useEnvironment(subject, pglite!, { overrides: overrides() });

    it('answers 429 SWY_ERR_RATE_LIMITED with Retry-After past RATE_LIMIT_MAX log-ins', async () => {
      const user = buildCredentials();
      await api().post('/v1/accounts').send(user).expect(201);
      const session = await api().post('/v1/sessions').send(user).expect(201);
      for (let i = 1; i < LIMIT; i++) await api().post('/v1/sessions').send(wrong).expect(401);

      // The right password does not help once the window is spent.
      const refused = await api().post('/v1/sessions').send(user);
      expectError('createSession', refused, 429, 'SWY_ERR_RATE_LIMITED');
      expectRetryAfter(refused.headers['retry-after'], 60);
      for (const header of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'ratelimit'])
        expect(refused.headers[header], header).toBeUndefined();

      // Refused before the body is read: malformed JSON is a 429 too, not a 400.
      const unread = await api()
        .post('/v1/sessions')
        .set('content-type', 'application/json')
        .send('{"username":');
      expectError('createSession', unread, 429, 'SWY_ERR_RATE_LIMITED');

      // Other routes, and sign-up's own window, are not touched.
      const token = (session.body as { token: string }).token;
      await api().get('/v1/bots').set('authorization', `Bearer ${token}`).expect(200);
      await api().post('/v1/accounts').send(buildCredentials()).expect(201);
      await api().get('/health').expect(200);
    });

    it('limits sign-up on its own window too', async () => {
      // Two sign-ups were used above; the rest of the window, then one too many.
      for (let i = 2; i < LIMIT; i++)
        await api().post('/v1/accounts').send(buildCredentials()).expect(201);
      const refused = await api().post('/v1/accounts').send(buildCredentials());
      expectError('createAccount', refused, 429, 'SWY_ERR_RATE_LIMITED');
      expectRetryAfter(refused.headers['retry-after'], 60);
    });
  });

  const skipReason = await redisAnswers(TEST_REDIS_URL);
  // Two in memory, and the Redis one when it runs.
  reportCases('rate limit', subject.name, skipReason && process.env['CI'] !== 'true' ? 2 : 3);
  describe(`${subject.name} rate limits, shared in Redis by two instances`, () => {
    // A case during which either instance logs SWY_ERR_INTERNAL fails (support.ts).
    const guarded = failOnInternalErrors(subject);
    if (skipReason && process.env['CI'] !== 'true') {
      it.skip(`(skipped: ${skipReason})`, () => {});
      return;
    }
    let env: Environment;
    let second: StartedApp;
    beforeAll(async () => {
      if (skipReason) throw new Error(`${skipReason}; CI=true needs it`);
      // A prefix of its own, so that parallel suites on the same Redis never share counters.
      const prefix = `switchyard-test:${randomUUID().slice(0, 8)}:`;
      env = await startEnvironment(guarded, pglite!, {
        overrides: overrides({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix }),
      });
      second = await guarded.start({ config: env.config, db: env.db });
    });
    afterAll(async () => {
      await second?.close();
      await env?.close();
    });

    it('counts log-ins on either instance against one limit', async () => {
      const instances = [env.app.url, second.url];
      for (let i = 0; i < LIMIT; i++) {
        await request(instances[i % 2]!)
          .post('/v1/sessions')
          .send(wrong)
          .expect(401);
      }
      // Each instance alone has seen fewer than LIMIT attempts; together they have seen LIMIT.
      for (const url of instances) {
        const refused = await request(url).post('/v1/sessions').send(wrong);
        expectError('createSession', refused, 429, 'SWY_ERR_RATE_LIMITED');
        expectRetryAfter(refused.headers['retry-after'], 60);
      }
    });
  });
}
