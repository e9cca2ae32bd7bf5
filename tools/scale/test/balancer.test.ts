// Each app as three instances behind HAProxy on one PostgreSQL database and Redis: the HTTP
// contract (e2e/contract, runApiContract) through the balancer, then on the same instances what
// only several can show (a session used on every instance, a log-out refused everywhere within
// 1 s, limits shared through Redis, a WebSocket through the balancer, the client's address
// through TRUST_PROXY), then failover under load (SIGTERM, SIGKILL, restart) with no loss.
import { randomUUID } from 'node:crypto';
import { reportCases, runApiContract } from '@switchyard/e2e-contract';
import { openSocket, startUpstream, type RunningUpstream } from '@switchyard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  SCALABLE_APPS,
  isScalableApp,
  startScaled,
  type ScalableAppName,
  type Scaled,
} from '../src/index.js';
import { checkStored, runFailoverLoad, type FailoverLoad, type Stored } from './failover-load.js';
import { call } from './http.js';
import { balanced, internalErrors } from './support.js';

/** The bound: a log-out is refused on every instance within a second. */
const WITHIN_MS = 1_000;
/** Log-ins per client address and window where TRUST_PROXY is unset: small, so that it shows. */
const RATE_LIMIT_MAX = 4;
/** The contract config's per-account log-in lock (the default): shared through Redis. */
const LOGIN_MAX_FAILURES = 10;
/** Cases per app: the cross-instance ones, then the failover ones. */
const CROSS_CASES = 8;
const FAILOVER_CASES = 6;
/** The failover runs: clients, and the seconds of load around the event (1 s in). */
const CLIENTS = 8;
const LOAD_MS = 3_000;
const EVENT_AT_MS = 1_000;

interface Account {
  readonly username: string;
  readonly password: string;
  readonly token: string;
  readonly auth: Record<string, string>;
}

/** A new account, signed up and logged in at `url` (an instance or the balancer). */
async function signUp(url: string, from: string): Promise<Account> {
  const credentials = {
    username: `u-${randomUUID().slice(0, 12)}`,
    password: 'correct horse battery',
  };
  const created = await call(url, '/v1/accounts', { body: credentials, from });
  expect(created.status, created.text).toBe(201);
  const session = await call(url, '/v1/sessions', { body: credentials, from });
  expect(session.status, session.text).toBe(201);
  const token = session.json.token as string;
  return { ...credentials, token, auth: { authorization: `Bearer ${token}` } };
}

const conversations = (url: string, account: Account) =>
  call(url, '/v1/conversations', { headers: account.auth }).then((a) => a.status);

/** Milliseconds until `check` holds, polling every 20 ms; throws past twice the bound. */
async function within(check: () => Promise<boolean>): Promise<number> {
  const began = performance.now();
  for (;;) {
    if (await check()) return performance.now() - began;
    if (performance.now() - began > 2 * WITHIN_MS) throw new Error('still accepted after 2 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The access lines any instance logged for one request id, as parsed JSON. */
function accessLines(
  scaled: Scaled,
  requestId: string,
): Array<{ req?: { remoteAddress?: string } }> {
  return scaled.instances.flatMap((i) =>
    i.output
      .join('')
      .split('\n')
      .filter((line) => line.includes(requestId) && line.includes('remoteAddress'))
      .map((line) => JSON.parse(line) as { req?: { remoteAddress?: string } }),
  );
}

async function until<T>(what: string, read: () => T[], timeoutMs = 5_000): Promise<T[]> {
  const began = performance.now();
  for (;;) {
    const found = read();
    if (found.length > 0) return found;
    if (performance.now() - began > timeoutMs) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Every app unless SCALE_APPS names some (a comma list): the whole file costs about 95 s of wall
 * time per app on the shared 2-CPU machine, so CI can choose (docs/scaling.md says what each
 * app adds). An unknown name fails the file rather than running nothing.
 */
function appsToRun(): ScalableAppName[] {
  const named = (process.env['SCALE_APPS'] ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (named.length === 0) return Object.keys(SCALABLE_APPS) as ScalableAppName[];
  const unknown = named.filter((a) => !isScalableApp(a));
  if (unknown.length > 0) throw new Error(`SCALE_APPS: unknown app ${unknown.join(', ')}`);
  return named as ScalableAppName[];
}

for (const app of appsToRun()) {
  reportCases('balancer cross-instance', app, CROSS_CASES);
  reportCases('balancer failover', app, FAILOVER_CASES);
  const subject = await balanced(app);
  describe(`${app}: three instances behind HAProxy, one database, one Redis`, async () => {
    afterAll(() => subject.closeAll());
    // The contract's cases, against the balancer's URL, counted as they run (CI skips none).
    describe('the HTTP contract', async () => {
      let cases = 0;
      beforeEach(() => {
        cases += 1;
      });
      afterAll(() => reportCases('balancer contract', app, cases));
      await runApiContract(subject, {
        targets: [subject.target],
        // A database gone is the balancer's own 503 once its checks notice: not the app's answer.
        failingDependencies: false,
        behindBalancer: true,
      });
    });

    describe('across instances', () => {
      if (subject.target.skipReason) {
        it.skip(`(skipped: ${subject.target.skipReason})`, () => {});
        return;
      }
      let trusted: Scaled;
      let upstream: RunningUpstream;
      let untrusted: Scaled;
      beforeAll(async () => {
        // Started by the contract's beforeAll, still running: the same three instances.
        trusted = subject.scaled();
        upstream = await startUpstream({ latencyMs: 0, chunkDelayMs: 1 });
        // One instance is enough to show what HAProxy's own address does to the buckets.
        untrusted = await startScaled({
          app,
          instances: 1,
          trustProxy: false,
          env: {
            MODEL_URL: upstream.url,
            KNOWLEDGE_URL: upstream.url,
            LOG_LEVEL: 'info',
            RATE_LIMIT_MAX: String(RATE_LIMIT_MAX),
          },
        });
      }, 90_000);
      afterAll(async () => {
        const lines = internalErrors(untrusted);
        await untrusted?.close();
        await upstream?.close();
        expect(lines, 'an instance logged a 500').toEqual([]);
      });

      it('spreads requests over every instance in turn', async () => {
        const served = [];
        for (let i = 0; i < 6; i++)
          served.push((await call(trusted.url, '/health')).headers['x-served-by']);
        expect([...served].sort()).toEqual(['s1', 's1', 's2', 's2', 's3', 's3']);
      });

      it('accepts a token from a log-in on one instance on every other instance and the balancer', async () => {
        const [s1, s2, s3] = trusted.instances;
        const account = await signUp(s1!.url, '127.0.0.1');
        expect(await conversations(s2!.url, account)).toBe(200);
        expect(await conversations(s3!.url, account)).toBe(200);
        for (let i = 0; i < 3; i++) expect(await conversations(trusted.url, account)).toBe(200);
      });

      it(`refuses a token logged out on one instance on every instance within ${WITHIN_MS} ms`, async () => {
        const [s1, s2, s3] = trusted.instances;
        const account = await signUp(trusted.url, '127.0.0.1');
        // Each instance has the session in its cache first.
        for (const i of trusted.instances) expect(await conversations(i.url, account)).toBe(200);
        const out = await call(s1!.url, '/v1/sessions/current', {
          method: 'DELETE',
          headers: account.auth,
        });
        expect(out.status).toBe(204);
        expect(await conversations(s1!.url, account)).toBe(401);
        const ms = await within(async () => {
          const seen = await Promise.all([s2!, s3!].map((i) => conversations(i.url, account)));
          return seen.every((status) => status === 401);
        });
        console.log(
          `balancer cross-instance: ${app}: log-out refused everywhere after ${Math.round(ms)} ms`,
        );
        expect(ms).toBeLessThan(WITHIN_MS);
        for (let i = 0; i < 3; i++) expect(await conversations(trusted.url, account)).toBe(401);
      });

      it('counts one log-in lock across the instances (Redis): LOGIN_MAX_FAILURES in all, not each', async () => {
        const account = await signUp(trusted.url, '127.0.0.1');
        const wrong = { username: account.username, password: 'not the password at all' };
        const served = new Set<unknown>();
        for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
          const attempt = await call(trusted.url, '/v1/sessions', { body: wrong });
          expect(attempt.status).toBe(401);
          served.add(attempt.headers['x-served-by']);
        }
        // Round robin put them on every instance: each one alone saw a third of them.
        expect(served).toEqual(new Set(['s1', 's2', 's3']));
        const right = { username: account.username, password: account.password };
        for (const instance of trusted.instances) {
          const locked = await call(instance.url, '/v1/sessions', { body: right });
          expect(locked.status).toBe(429);
          expect(locked.json.error.code).toBe('SWY_ERR_RATE_LIMITED');
          expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
        }
      });

      it('streams a reply over a WebSocket through the balancer, and closes it with 4401 when logged out elsewhere', async () => {
        const account = await signUp(trusted.url, '127.0.0.1');
        const ws = await openSocket(`${trusted.url.replace('http', 'ws')}/v1/bots/echo/stream`, {
          protocols: ['bearer', account.token],
        });
        ws.send({ type: 'message', text: 'through the balancer' });
        const frames = await ws.untilDone();
        expect(frames.at(-1)).toMatchObject({ type: 'done', text: 'echo: through the balancer' });
        // Logged out on every instance in turn until one that does not hold the socket answers:
        // the revocation reaches the one that holds it through Redis.
        const out = await call(trusted.instances[0]!.url, '/v1/sessions/current', {
          method: 'DELETE',
          headers: account.auth,
        });
        expect(out.status).toBe(204);
        expect(await ws.closed()).toBe(4401);
      });

      it('sees the client behind HAProxy as the address with TRUST_PROXY=127.0.0.1', async () => {
        const requestId = `scale-${randomUUID()}`;
        const res = await call(trusted.url, '/health', {
          from: '127.0.0.7',
          headers: { 'x-request-id': requestId },
        });
        expect(res.status).toBe(200);
        const lines = await until('access line', () => accessLines(trusted, requestId));
        expect(lines.map((l) => l.req?.remoteAddress)).toEqual(lines.map(() => '127.0.0.7'));
      });

      it('ignores an X-Forwarded-For the client wrote itself, with TRUST_PROXY=127.0.0.1', async () => {
        const requestId = `scale-${randomUUID()}`;
        const res = await call(trusted.url, '/health', {
          from: '127.0.0.8',
          headers: { 'x-request-id': requestId, 'x-forwarded-for': '203.0.113.9' },
        });
        expect(res.status).toBe(200);
        const lines = await until('access line', () => accessLines(trusted, requestId));
        expect(new Set(lines.map((l) => l.req?.remoteAddress))).toEqual(new Set(['127.0.0.8']));
      });

      it('ignores X-Forwarded-For with TRUST_PROXY unset: every client is HAProxy, one bucket', async () => {
        const ghost = {
          username: `ghost-${randomUUID().slice(0, 8)}`,
          password: 'wrong password here',
        };
        const requestId = `scale-${randomUUID()}`;
        const statuses = [];
        for (let i = 0; i <= RATE_LIMIT_MAX; i++) {
          const attempt = await call(untrusted.url, '/v1/sessions', {
            body: ghost,
            from: `127.0.0.${20 + i}`,
            headers: {
              'x-forwarded-for': `198.51.100.${i + 1}`,
              'x-request-id': `${requestId}-${i}`,
            },
          });
          statuses.push(attempt.status);
        }
        expect(statuses).toEqual([...Array(RATE_LIMIT_MAX).fill(401), 429]);
        const lines = await until('access line', () => accessLines(untrusted, `${requestId}-0`));
        expect(new Set(lines.map((l) => l.req?.remoteAddress))).toEqual(new Set(['127.0.0.1']));
      });

      describe('failover under load', () => {
        interface Run {
          readonly load: FailoverLoad;
          readonly exit: { code: number | null; signal: NodeJS.Signals | null };
          /** The check that took it out: L7STS (/ready's 503) or L4CON (refused). */
          readonly check: string;
          /** Responses from the instance in 12 requests after it came back. */
          readonly rejoined: number;
        }
        let drained: Run;
        let killed: Run;
        let stored: Stored;

        async function scenario(name: string, signal: NodeJS.Signals): Promise<Run> {
          const clients = await Promise.all(
            Array.from({ length: CLIENTS }, (_, i) =>
              signUp(trusted.url, `127.0.0.${100 + i + (signal === 'SIGKILL' ? 50 : 0)}`),
            ),
          );
          let exit: Run['exit'] = { code: null, signal: null };
          let check = '';
          const load = await runFailoverLoad({
            url: trusted.url,
            clients,
            durationMs: LOAD_MS,
            eventAtMs: EVENT_AT_MS,
            event: async () => {
              // The check that took it out, read as HAProxy marks it down (after the exit, every
              // check is refused: L4CON).
              const down = trusted
                .waitForStatus(name, 'DOWN')
                .then(
                  async () => (await trusted.stats()).find((s) => s.name === name)?.check ?? '',
                );
              [exit, check] = await Promise.all([trusted.signal(name, signal), down]);
            },
          });
          await trusted.restart(name);
          await trusted.waitForStatus(name, 'UP');
          let rejoined = 0;
          for (let i = 0; i < 12; i++) {
            if ((await call(trusted.url, '/health')).headers['x-served-by'] === name) rejoined += 1;
          }
          console.log(
            `balancer failover: ${app}: ${signal} ${name}: ${load.sent} requests, ${load.errorCount} errors ` +
              `${JSON.stringify(load.errors)}, ${load.inFlightAtEvent} in flight at the signal, ` +
              `${load.acknowledged.length} messages acknowledged, ${load.recovered} recovered by a retry, ` +
              `${load.stuckKeys} keys stuck, exit ${exit.code ?? exit.signal}, check ${check}, ` +
              `${rejoined}/12 served by it after the restart`,
          );
          return { load, exit, check, rejoined };
        }

        beforeAll(async () => {
          drained = await scenario('s2', 'SIGTERM');
          killed = await scenario('s3', 'SIGKILL');
          stored = await checkStored(trusted.databaseUrl, {
            ...drained.load,
            acknowledged: [...drained.load.acknowledged, ...killed.load.acknowledged],
            texts: [...drained.load.texts, ...killed.load.texts],
          });
        }, 120_000);

        it('drains an instance on SIGTERM with no client error, and it exits 0', () => {
          expect(drained.load.errors).toEqual({});
          expect(drained.exit).toMatchObject({ code: 0, signal: null });
          // Taken out on /ready's 503 while it still listened (SHUTDOWN_DRAIN_MS), not on a
          // refused connection.
          expect(drained.check).toBe('L7STS');
          // The others served the whole run, the drained one its first second.
          expect(drained.load.acknowledged.length).toBeGreaterThan(0);
        });

        it('fails only requests in flight when an instance is killed with SIGKILL', () => {
          expect(killed.exit).toMatchObject({ code: null, signal: 'SIGKILL' });
          expect(killed.load.errorCount).toBeLessThanOrEqual(killed.load.inFlightAtEvent);
        });

        it('answers every post in the end, a key the killed instance held once its lease is over', () => {
          // A post the killed instance had claimed is 409 to its retries until
          // IDEMPOTENCY_LEASE_MS has passed, then taken over and answered (docs/scaling.md).
          expect(killed.load.stuckKeys).toBe(0);
          expect(killed.load.unanswered).toEqual([]);
          expect(drained.load.unanswered).toEqual([]);
        });

        it('sends traffic to a drained instance again once it is restarted', () => {
          expect(drained.rejoined).toBeGreaterThan(0);
        });

        it('sends traffic to a killed instance again once it is restarted', () => {
          expect(killed.rejoined).toBeGreaterThan(0);
        });

        it('loses no acknowledged message and stores none twice (retries reuse their Idempotency-Key)', () => {
          expect(stored).toEqual({ lost: 0, duplicated: 0, unknown: 0 });
          expect(
            drained.load.acknowledged.length + killed.load.acknowledged.length,
          ).toBeGreaterThan(0);
        });
      });
    });
  });
}
