import { randomUUID } from 'node:crypto';
import { databaseTargets } from '@switchyard/persistence/testing';
import {
  openSocket,
  startEnvironment,
  type AppUnderTest,
  type Environment,
  type OpenSocket,
  type StartedApp,
} from '@switchyard/testing';
import request from 'supertest';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  errorBody,
  expectError,
  failOnInternalErrors,
  signUp,
  useEnvironment,
} from '../support.js';
import { TEST_REDIS_URL, redisAnswers } from './rate-limit.js';
import { reportCases } from './report.js';

const LIMIT = 3;
const WINDOW_S = 60;

const overrides = (extra: Record<string, string> = {}) => ({
  MESSAGE_RATE_MAX: String(LIMIT),
  MESSAGE_RATE_WINDOW_MS: String(WINDOW_S * 1000),
  PROXY_RATE_MAX: String(LIMIT),
  PROXY_RATE_WINDOW_MS: String(WINDOW_S * 1000),
  ...extra,
});

function expectRetryAfter(value: string | number | undefined): void {
  expect(String(value)).toMatch(/^\d+$/);
  expect(Number(value)).toBeGreaterThanOrEqual(1);
  expect(Number(value)).toBeLessThanOrEqual(WINDOW_S);
}

const post = (url: string, account: Account, text = 'hello', key?: string) => {
  const req = request(url).post('/v1/bots/echo/messages').set(account.auth);
  return (key ? req.set('idempotency-key', key) : req).send({ text });
};

const proxied = (url: string, account: Account) =>
  request(url).get('/v1/proxy/httpbin/get').set(account.auth);

/**
 * Per-account budgets on the expensive routes: MESSAGE_RATE_MAX bot messages per window, HTTP
 * posts and WebSocket message frames drawing from one budget (past it: 429 with Retry-After, or
 * an error frame with `retryAfter` and the socket stays open), PROXY_RATE_MAX proxied calls; a
 * replayed Idempotency-Key spends nothing; with REDIS_URL, two instances share the budgets.
 */
export async function runRouteLimitsSuite(subject: AppUnderTest): Promise<void> {
  const [pglite] = await databaseTargets();

  describe(`${subject.name} per-account route limits, in memory`, () => {
    const used = useEnvironment(subject, pglite!, { overrides: () => overrides() });
    const url = () => used.env.app.url;
    const sockets: OpenSocket[] = [];
    afterAll(() => {
      for (const s of sockets) s.socket.terminate();
    });

    it('answers 429 with Retry-After past MESSAGE_RATE_MAX posts; another account is not touched', async () => {
      const [a, b] = [await used.signUp(), await used.signUp()];
      for (let i = 0; i < LIMIT; i++) await post(url(), a).expect(201);
      const refused = await post(url(), a);
      expectError('postMessage', refused, 429, 'SWY_ERR_RATE_LIMITED');
      expectRetryAfter(refused.headers['retry-after']);
      // Nothing was stored for the refused one.
      const { rows } = await used.env.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM conversations WHERE account_id = $1',
        [a.id],
      );
      expect(Number(rows[0]!.n)).toBe(LIMIT);
      await post(url(), b).expect(201);
      // Reads are not limited.
      await request(url()).get('/v1/conversations').set(a.auth).expect(200);
    });

    it('counts WebSocket frames against the same budget: an error frame, the socket stays open', async () => {
      const account = await used.signUp();
      await post(url(), account).expect(201);
      const s = await openSocket(`${url().replace(/^http/, 'ws')}/v1/bots/echo/stream`, {
        headers: account.auth,
      });
      sockets.push(s);
      for (let i = 1; i < LIMIT; i++) {
        s.send({ type: 'message', text: `frame ${i}` });
        expect((await s.untilDone()).at(-1)).toMatchObject({ type: 'done' });
      }
      s.send({ type: 'message', text: 'one too many' });
      const frame = await s.next();
      expect(frame).toEqual({
        type: 'error',
        retryAfter: expect.any(Number),
        ...errorBody('SWY_ERR_RATE_LIMITED'),
      });
      expectRetryAfter(frame['retryAfter'] as number);
      // Still open and still answering: a bad frame gets its own error frame.
      expect(s.socket.readyState).toBe(WebSocket.OPEN);
      s.sendRaw('not json');
      expect(await s.next()).toEqual({ type: 'error', ...errorBody('SWY_ERR_MALFORMED_JSON') });
      s.send({ type: 'message', text: 'again' });
      expect(await s.next()).toMatchObject({
        type: 'error',
        error: { code: 'SWY_ERR_RATE_LIMITED' },
      });
      // And HTTP is refused too: one budget.
      expectError('postMessage', await post(url(), account), 429, 'SWY_ERR_RATE_LIMITED');
    });

    it('spends nothing on a replayed Idempotency-Key', async () => {
      const account = await used.signUp();
      const key = randomUUID();
      const first = await post(url(), account, 'once', key).expect(201);
      for (let i = 0; i < LIMIT + 2; i++) {
        const replay = await post(url(), account, 'once', key).expect(201);
        expect(replay.body).toEqual(first.body);
      }
      for (let i = 1; i < LIMIT; i++) await post(url(), account).expect(201);
      expectError('postMessage', await post(url(), account), 429, 'SWY_ERR_RATE_LIMITED');
      // Past the budget, a replay is still answered.
      expect((await post(url(), account, 'once', key).expect(201)).body).toEqual(first.body);
    });

    it('answers 429 with Retry-After past PROXY_RATE_MAX proxied calls; another account is not touched', async () => {
      const [a, b] = [await used.signUp(), await used.signUp()];
      const seen = used.env.upstream.requests.total();
      for (let i = 0; i < LIMIT; i++) expect((await proxied(url(), a)).status).not.toBe(429);
      const forwarded = used.env.upstream.requests.total();
      const refused = await proxied(url(), a);
      expectError('proxy', refused, 429, 'SWY_ERR_RATE_LIMITED');
      expectRetryAfter(refused.headers['retry-after']);
      // Nothing was forwarded for the refused call.
      expect(used.env.upstream.requests.total()).toBe(forwarded);
      expect(forwarded).toBeGreaterThan(seen);
      expect((await proxied(url(), b)).status).not.toBe(429);
      // The message budget is its own.
      await post(url(), a).expect(201);
    });
  });

  const skipReason = await redisAnswers(TEST_REDIS_URL);
  const runsRedis = !(skipReason && process.env['CI'] !== 'true');
  reportCases('route limits', subject.name, runsRedis ? 6 : 4);
  describe(`${subject.name} per-account route limits, shared in Redis by two instances`, () => {
    // A case during which either instance logs SWY_ERR_INTERNAL fails (support.ts).
    const guarded = failOnInternalErrors(subject);
    if (!runsRedis) {
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
        overrides: () => overrides({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix }),
      });
      second = await guarded.start({ config: env.config, db: env.db });
    });
    afterAll(async () => {
      await second?.close();
      await env?.close();
    });

    it('counts messages on either instance against one budget', async () => {
      const instances = [env.app.url, second.url];
      const account = await signUp(env.app.url);
      for (let i = 0; i < LIMIT; i++) await post(instances[i % 2]!, account).expect(201);
      for (const url of instances) {
        const refused = await post(url, account);
        expectError('postMessage', refused, 429, 'SWY_ERR_RATE_LIMITED');
        expectRetryAfter(refused.headers['retry-after']);
      }
      await post(second.url, await signUp(second.url)).expect(201);
    });

    it('counts proxied calls on either instance against one budget', async () => {
      const instances = [env.app.url, second.url];
      const account = await signUp(env.app.url);
      for (let i = 0; i < LIMIT; i++)
        expect((await proxied(instances[i % 2]!, account)).status).not.toBe(429);
      for (const url of instances) {
        const refused = await proxied(url, account);
        expectError('proxy', refused, 429, 'SWY_ERR_RATE_LIMITED');
        expectRetryAfter(refused.headers['retry-after']);
      }
    });
  });
}
