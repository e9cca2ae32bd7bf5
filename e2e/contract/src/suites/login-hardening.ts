import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseTargets } from '@switchyard/persistence/testing';
import {
  startEnvironment,
  type AppUnderTest,
  type Environment,
  type StartedApp,
} from '@switchyard/testing';
import request, { type Response } from 'supertest';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../apps.js';
import { buildCredentials, expectError, failOnInternalErrors, useEnvironment } from '../support.js';
import { expectDocumented } from './openapi-check.js';
import { TEST_REDIS_URL } from './rate-limit.js';
import { reportCases } from './report.js';

const MAX_FAILURES = 3;
/**
 * The failures count within this window. 2 s was too short once CI ran more beside this file
 * (stop 24's rehearsal): three log-ins of an unknown username took longer than the window, the
 * first failure expired, and no lock came. The cases that wait for the lock to end wait this long.
 */
const LOCK_SECONDS = 6;
const MAX_SESSIONS = 2;
const PURGE_BATCH = 2;

/** Addresses from the documentation range (RFC 5737): header values only, never dialled. */
const address = (n: number) => `203.0.113.${n}`;

/** The fullwidth form (U+FF01…U+FF5E) of printable ASCII. */
const fullwidth = (ascii: string) =>
  [...ascii].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');

function expectLocked(res: Response): void {
  expectError('createSession', res, 429, 'SWY_ERR_RATE_LIMITED');
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(LOCK_SECONDS);
}

/** Waits out a lock: its Retry-After, then a few bounded tries (a hang guard, not a timing). */
async function afterLock(res: Response, attempt: () => Promise<Response>): Promise<Response> {
  await sleep(Number(res.headers['retry-after']) * 1000);
  let last = await attempt();
  for (let i = 0; i < 10 && last.status === 429; i++) {
    await sleep(250);
    last = await attempt();
  }
  return last;
}

/**
 * Log-in hardening (issue 11, item 5; sessions from item 11): per-account lock-out after
 * LOGIN_MAX_FAILURES within LOGIN_LOCK_SECONDS, TRUST_PROXY, the common-password deny-list,
 * PRECIS (RFC 8265) usernames and passwords, MAX_SESSIONS_PER_ACCOUNT, log out everywhere and
 * the purge of expired sessions (SESSION_PURGE_BATCH a log-in).
 */
export async function runLoginHardeningSuite(subject: App): Promise<void> {
  const [pglite] = await databaseTargets();
  const base = {
    LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    LOGIN_LOCK_SECONDS: String(LOCK_SECONDS),
    MAX_SESSIONS_PER_ACCOUNT: String(MAX_SESSIONS),
    SESSION_PURGE_BATCH: String(PURGE_BATCH),
    TRUST_PROXY: '1',
  };
  reportCases('login hardening', subject.name, 14);

  describe(`${subject.name} log-in hardening`, () => {
    const ctx = useEnvironment(subject, pglite!, { overrides: () => base });
    const { api } = ctx;
    const logIn = (body: object, from = address(200)) =>
      api().post('/v1/sessions').set('x-forwarded-for', from).send(body);

    it('locks an account after LOGIN_MAX_FAILURES wrong passwords from as many addresses, even for the right password, until the lock ends', async () => {
      const user = buildCredentials();
      await api().post('/v1/accounts').send(user).expect(201);
      for (let i = 1; i <= MAX_FAILURES; i++) {
        const res = await logIn({ ...user, password: `wrong guess ${i}` }, address(i));
        expectError('createSession', res, 401, 'SWY_ERR_AUTH_INVALID_CREDENTIALS');
      }
      const locked = await logIn(user, address(99));
      expectLocked(locked);
      // The lock is per account: another account logs in from the same address.
      const other = buildCredentials();
      await api().post('/v1/accounts').send(other).expect(201);
      await logIn(other, address(99)).expect(201);

      const after = await afterLock(locked, () => logIn(user, address(99)));
      expect(after.status).toBe(201);
    });

    it('clears the failures on a successful log-in', async () => {
      const user = buildCredentials();
      await api().post('/v1/accounts').send(user).expect(201);
      for (let round = 0; round < 2; round++) {
        for (let i = 1; i < MAX_FAILURES; i++)
          await logIn({ ...user, password: 'not this one' }, address(i)).expect(401);
        await logIn(user).expect(201);
      }
    });

    it('throttles an unknown username the same way (no account enumeration)', async () => {
      const ghost = { username: `ghost-${randomUUID().slice(0, 8)}`, password: 'whatever it is' };
      for (let i = 1; i <= MAX_FAILURES; i++) {
        const res = await logIn(ghost, address(i));
        expectError('createSession', res, 401, 'SWY_ERR_AUTH_INVALID_CREDENTIALS');
      }
      expectLocked(await logIn(ghost, address(50)));
    });

    it('refuses a common password at sign-up with 400 on /body/password', async () => {
      for (const password of ['password123', 'Qwertyuiop', 'iloveyou1']) {
        const res = await api()
          .post('/v1/accounts')
          .send({ username: `cp-${randomUUID().slice(0, 8)}`, password });
        expect(res.status, password).toBe(400);
        expect(res.body).toEqual({
          error: {
            code: 'SWY_ERR_VALIDATION',
            message: expect.any(String),
            details: [{ path: '/body/password', message: 'is a commonly used password' }],
          },
        });
        expectDocumented('createAccount', res);
      }
    });

    it('refuses the Kelvin sign (U+212A) in a username with 400 instead of logging into the k… account', async () => {
      const user = buildCredentials({ username: `k-${randomUUID().slice(0, 8)}` });
      await api().post('/v1/accounts').send(user).expect(201);
      const res = await logIn({ ...user, username: `\u212A${user.username.slice(1)}` });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: {
          code: 'SWY_ERR_VALIDATION',
          message: expect.any(String),
          details: [{ path: '/body/username', message: expect.any(String) }],
        },
      });
      expectDocumented('createSession', res);
      const signUp = await api()
        .post('/v1/accounts')
        .send({ ...buildCredentials(), username: `\u212Aelvin-${randomUUID().slice(0, 6)}` });
      expect(signUp.status).toBe(400);
    });

    it('logs in with the NFD form of a password signed up in NFC', async () => {
      const password = 'caf\u00e9 cr\u00e8me br\u00fbl\u00e9e'.normalize('NFC');
      const user = buildCredentials({ password });
      await api().post('/v1/accounts').send(user).expect(201);
      expect(password.normalize('NFD')).not.toBe(password);
      await logIn({ ...user, password: password.normalize('NFD') }).expect(201);
      // Non-ASCII spaces are spaces (OpaqueString maps them to U+0020).
      await logIn({ ...user, password: password.replace(/ /g, '\u3000') }).expect(201);
    });

    it('maps a fullwidth username to its ASCII form at sign-up and log-in', async () => {
      const ascii = `fw-${randomUUID().slice(0, 8)}`;
      const password = `pw ${randomUUID()}`;
      const created = await api()
        .post('/v1/accounts')
        .send({ username: fullwidth(ascii), password });
      expect(created.status).toBe(201);
      expect(created.body.username).toBe(ascii);
      await logIn({ username: ascii, password }).expect(201);
      await logIn({ username: fullwidth(ascii.toUpperCase()), password }).expect(201);
      // Taken in its ASCII form too.
      const again = await api().post('/v1/accounts').send({ username: ascii, password });
      expectError('createAccount', again, 409, 'SWY_ERR_USERNAME_TAKEN');
    });

    it('keeps at most MAX_SESSIONS_PER_ACCOUNT sessions: a new log-in ends the oldest', async () => {
      const user = buildCredentials();
      await api().post('/v1/accounts').send(user).expect(201);
      const tokens: string[] = [];
      for (let i = 0; i <= MAX_SESSIONS; i++) {
        tokens.push((await logIn(user).expect(201)).body.token as string);
      }
      const bots = (token: string) => api().get('/v1/bots').set('authorization', `Bearer ${token}`);
      expect((await bots(tokens[0]!)).status).toBe(401);
      for (const token of tokens.slice(1)) expect((await bots(token)).status).toBe(200);
    });

    it('DELETE /v1/sessions ends every session of the account, and only of that account', async () => {
      const user = buildCredentials();
      await api().post('/v1/accounts').send(user).expect(201);
      const mine = [
        (await logIn(user).expect(201)).body.token as string,
        (await logIn(user).expect(201)).body.token as string,
      ];
      const other = buildCredentials();
      await api().post('/v1/accounts').send(other).expect(201);
      const theirs = (await logIn(other).expect(201)).body.token as string;
      const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

      const res = await api().delete('/v1/sessions').set(bearer(mine[1]!));
      expect(res.status).toBe(204);
      expectDocumented('deleteAllSessions', res);
      for (const token of mine) {
        expectError(
          'listBots',
          await api().get('/v1/bots').set(bearer(token)),
          401,
          'SWY_ERR_AUTH_REQUIRED',
        );
      }
      await api().get('/v1/bots').set(bearer(theirs)).expect(200);
      // Without a token: 401, like every authenticated route.
      expectError(
        'deleteAllSessions',
        await api().delete('/v1/sessions'),
        401,
        'SWY_ERR_AUTH_REQUIRED',
      );
    });

    it('purges expired sessions on log-in, at most SESSION_PURGE_BATCH at a time', async () => {
      const expired = async () =>
        Number(
          (
            await ctx.env.db.query<{ n: string }>(
              'SELECT count(*) AS n FROM sessions WHERE expires_at <= now()',
            )
          ).rows[0]!.n,
        );
      const users = [buildCredentials(), buildCredentials(), buildCredentials()];
      for (const user of users) {
        await api().post('/v1/accounts').send(user).expect(201);
        await logIn(user).expect(201);
      }
      // Three sessions whose time is up (SESSION_TTL_SECONDS is at least a minute: aged by hand).
      await ctx.env.db.query(
        `UPDATE sessions SET expires_at = now() - interval '1 second'
          WHERE account_id IN (SELECT id FROM accounts WHERE username = ANY($1))`,
        [users.map((u) => u.username)],
      );
      const before = await expired();
      expect(before).toBeGreaterThanOrEqual(3);
      await logIn(users[0]!).expect(201);
      expect(await expired()).toBe(before - PURGE_BATCH);
      await logIn(users[1]!).expect(201);
      expect(await expired()).toBe(Math.max(0, before - 2 * PURGE_BATCH));
    });
  });

  // TRUST_PROXY decides which address the per-address limit of sign-up and log-in counts.
  const limited = { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_MS: '60000' };
  const ghost = () => ({ username: `g-${randomUUID().slice(0, 8)}`, password: 'no such user' });

  describe(`${subject.name} TRUST_PROXY unset`, () => {
    const { api } = useEnvironment(subject, pglite!, { overrides: () => limited });
    it('ignores X-Forwarded-For: every request from one peer shares its buckets', async () => {
      const from = (xff: string) => api().post('/v1/sessions').set('x-forwarded-for', xff);
      await from(address(1)).send(ghost()).expect(401);
      await from(address(2)).send(ghost()).expect(401);
      expectError(
        'createSession',
        await from(address(3)).send(ghost()),
        429,
        'SWY_ERR_RATE_LIMITED',
      );
      const signUp = (xff: string) =>
        api().post('/v1/accounts').set('x-forwarded-for', xff).send(buildCredentials());
      await signUp(address(1)).expect(201);
      await signUp(address(2)).expect(201);
      expectError('createAccount', await signUp(address(3)), 429, 'SWY_ERR_RATE_LIMITED');
    });
  });

  describe(`${subject.name} TRUST_PROXY=1`, () => {
    // Every line the app logs, parsed: the access lines must name the client, not the proxy.
    const lines: Array<{ req?: { url?: string; remoteAddress?: string } }> = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line)) },
    );
    const logged: AppUnderTest = {
      name: subject.name,
      start: (options) => subject.start({ ...options, logger }),
    };
    const { api } = useEnvironment(logged, pglite!, {
      overrides: () => ({ ...limited, TRUST_PROXY: '1' }),
    });
    it("logs the client behind the proxy as the request's address", async () => {
      await api().get('/health').set('x-forwarded-for', address(42)).expect(200);
      const seen = lines.filter((l) => l.req?.url === '/health').map((l) => l.req?.remoteAddress);
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen)).toEqual(new Set([address(42)]));
    });
    it('counts each X-Forwarded-For client in its own sign-up and log-in buckets', async () => {
      const from = (xff: string) => api().post('/v1/sessions').set('x-forwarded-for', xff);
      await from(address(1)).send(ghost()).expect(401);
      await from(address(1)).send(ghost()).expect(401);
      expectError(
        'createSession',
        await from(address(1)).send(ghost()),
        429,
        'SWY_ERR_RATE_LIMITED',
      );
      await from(address(2)).send(ghost()).expect(401);
      const signUp = (xff: string) =>
        api().post('/v1/accounts').set('x-forwarded-for', xff).send(buildCredentials());
      await signUp(address(1)).expect(201);
      await signUp(address(1)).expect(201);
      expectError('createAccount', await signUp(address(1)), 429, 'SWY_ERR_RATE_LIMITED');
      await signUp(address(2)).expect(201);
      // Only the last hop is trusted: a client's own X-Forwarded-For entry before it is not.
      await from(`${address(7)}, ${address(2)}`)
        .send(ghost())
        .expect(401);
      expectError(
        'createSession',
        await from(`${address(8)}, ${address(2)}`).send(ghost()),
        429,
        'SWY_ERR_RATE_LIMITED',
      );
    });
  });

  describe(`${subject.name} account lock shared in Redis by two instances`, () => {
    // A case during which either instance logs SWY_ERR_INTERNAL fails (support.ts).
    const guarded = failOnInternalErrors(subject);
    let env: Environment;
    let second: StartedApp;
    beforeAll(async () => {
      const prefix = `switchyard-test:${randomUUID().slice(0, 8)}:`;
      env = await startEnvironment(guarded, pglite!, {
        overrides: () => ({ ...base, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix }),
      });
      second = await guarded.start({ config: env.config, db: env.db });
    });
    afterAll(async () => {
      await second?.close();
      await env?.close();
    });

    it('counts failures on either instance against one lock, and a success on either clears it', async () => {
      const urls = [env.app.url, second.url];
      const user = buildCredentials();
      await request(urls[0]!).post('/v1/accounts').send(user).expect(201);
      const logIn = (i: number, body: object) =>
        request(urls[i % 2]!)
          .post('/v1/sessions')
          .set('x-forwarded-for', address(i))
          .send(body);
      // A success on one instance clears what the other counted.
      await logIn(0, { ...user, password: 'wrong' }).expect(401);
      await logIn(1, user).expect(201);
      for (let i = 0; i < MAX_FAILURES; i++)
        await logIn(i, { ...user, password: 'wrong' }).expect(401);
      expectLocked(await logIn(0, user));
      expectLocked(await logIn(1, user));
    });
  });
}
