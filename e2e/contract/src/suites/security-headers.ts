import { openDatabase } from '@switchyard/persistence';
import {
  startUpstream,
  type RunningUpstream,
  BODY_LIMIT_BYTES,
  freePort,
  contractConfig,
  type AppUnderTest,
  type StartedApp,
} from '@switchyard/testing';
import request, { type Response, type Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCredentials, failOnInternalErrors } from '../support.js';
import { findLeak } from './leaks.js';
import { reportCases } from './report.js';

/**
 * The headers every response carries, whatever its status: helmet's defaults in both apps.
 * A value is matched exactly, or by a pattern where the apps' CSP differs by the docs page's
 * needs (both keep `default-src 'self'` and `frame-ancestors 'self'`).
 */
const SECURITY_HEADERS: Readonly<Record<string, string | RegExp>> = {
  'content-security-policy':
    /(^|;)default-src 'self'(;|$).*frame-ancestors 'self'|frame-ancestors 'self'.*(^|;)default-src 'self'(;|$)/,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': /^max-age=\d{7,}; includeSubDomains$/,
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/** Headers that would tell an attacker what runs the service. */
const ABSENT_HEADERS = ['x-powered-by', 'server'];

interface Case {
  readonly name: string;
  readonly status: number | readonly number[];
  readonly send: (api: ReturnType<typeof request>, auth: Record<string, string>) => Test;
}

const CASES: readonly Case[] = [
  { name: 'GET /health', status: 200, send: (api) => api.get('/health') },
  { name: 'GET /ready', status: 200, send: (api) => api.get('/ready') },
  { name: 'GET /docs/json', status: 200, send: (api) => api.get('/docs/json') },
  // Swagger UI: one app serves it at /docs, the other redirects there first.
  { name: 'GET /docs', status: [200, 301, 302], send: (api) => api.get('/docs') },
  { name: 'GET /v1/bots', status: 200, send: (api, auth) => api.get('/v1/bots').set(auth) },
  {
    name: 'POST /v1/bots/echo/messages',
    status: 201,
    send: (api, auth) => api.post('/v1/bots/echo/messages').set(auth).send({ text: 'hi' }),
  },
  {
    name: 'malformed JSON',
    status: 400,
    send: (api) =>
      api.post('/v1/accounts').set('content-type', 'application/json').send('{"username": '),
  },
  {
    name: 'a wrongly typed field',
    status: 400,
    send: (api) => api.post('/v1/accounts').send({ username: 42, password: ['x'] }),
  },
  {
    name: 'a duplicate username (a unique constraint in the database)',
    status: 409,
    send: (api) => api.post('/v1/accounts').send(DUPLICATE),
  },
  {
    name: 'a wrong password',
    status: 401,
    send: (api) => api.post('/v1/sessions').send({ ...DUPLICATE, password: 'not it at all' }),
  },
  {
    name: 'a garbage bearer token',
    status: 401,
    send: (api) => api.get('/v1/conversations').set('authorization', "Bearer ' OR 1=1 --"),
  },
  {
    name: 'an id that is not a UUID',
    status: 400,
    send: (api, auth) => api.get("/v1/conversations/1'; DROP TABLE messages;--/messages").set(auth),
  },
  {
    name: 'a cursor that was never handed out',
    status: 400,
    send: (api, auth) => api.get('/v1/conversations?cursor=%27%3B--').set(auth),
  },
  { name: 'an unknown route', status: 404, send: (api) => api.get('/v1/../../etc/passwd') },
  {
    name: 'an unknown bot',
    status: 404,
    send: (api, auth) => api.post('/v1/bots/x/messages').set(auth).send({ text: 'hi' }),
  },
  { name: 'a method not allowed', status: 405, send: (api) => api.delete('/v1/bots') },
  {
    name: 'a body over the limit',
    status: 413,
    send: (api) =>
      api.post('/v1/accounts').send({ username: 'x', password: 'y'.repeat(BODY_LIMIT_BYTES) }),
  },
  {
    name: 'a body that is not JSON',
    status: 415,
    send: (api) => api.post('/v1/accounts').set('content-type', 'text/plain').send('hello'),
  },
  {
    name: 'an upstream that refuses',
    status: 502,
    send: (api, auth) => api.get('/v1/proxy/down/get').set(auth),
  },
  {
    name: 'an upstream that does not answer in time',
    status: 504,
    send: (api, auth) => api.get('/v1/proxy/httpbin/get?fault=hang').set(auth),
  },
];

/** Run last: they close the database under the app. */
const OUTAGE_CASES: readonly Case[] = [
  { name: 'GET /ready, database gone', status: 503, send: (api) => api.get('/ready') },
  {
    name: 'POST /v1/sessions, database gone',
    status: 503,
    send: (api) => api.post('/v1/sessions').send(DUPLICATE),
  },
  {
    name: 'GET /v1/conversations, database gone',
    status: 503,
    send: (api, auth) => api.get('/v1/conversations').set(auth),
  },
];

const DUPLICATE = buildCredentials();

function expectSecure(res: Response): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    const actual = res.headers[name] as string | undefined;
    if (typeof value === 'string') expect(actual, name).toBe(value);
    else expect(actual, name).toMatch(value);
  }
  for (const name of ABSENT_HEADERS) expect(res.headers[name], name).toBeUndefined();
}

function expectNoLeak(res: Response): void {
  if (res.status < 400) return;
  // The envelope and nothing else: a code, a message, and details for validation errors.
  expect(Object.keys(res.body as object)).toEqual(['error']);
  const { error } = res.body as { error: Record<string, unknown> };
  expect(Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k))).toEqual([]);
  expect(findLeak(res.text), res.text).toBeUndefined();
}

/**
 * Security headers on every response (helmet's set, no X-Powered-By or Server), and error bodies
 * that say what went wrong and nothing about how the app is built: no stack frames, paths, SQL,
 * database or parser messages, even when the input is an injection attempt or the database is
 * gone. Prints its case count.
 */
export function runSecurityHeadersSuite(subject: AppUnderTest): void {
  reportCases('headers and error bodies', subject.name, CASES.length + OUTAGE_CASES.length);
  describe(`${subject.name} headers and error bodies`, () => {
    // A case during which the app logs SWY_ERR_INTERNAL fails (support.ts).
    const guarded = failOnInternalErrors(subject);
    let upstream: RunningUpstream;
    let app: StartedApp;
    let close: () => Promise<void>;
    let auth: Record<string, string>;

    beforeAll(async () => {
      upstream = await startUpstream();
      const db = await openDatabase();
      const config = contractConfig(upstream, {}, await freePort());
      app = await guarded.start({ config, db });
      close = async () => {
        await app.close();
        await db.close().catch(() => undefined);
        await upstream.close();
      };
      const api = request(app.url);
      await api.post('/v1/accounts').send(DUPLICATE).expect(201);
      const session = await api.post('/v1/sessions').send(DUPLICATE).expect(201);
      auth = { authorization: `Bearer ${(session.body as { token: string }).token}` };
      // Closed last, by the outage cases.
      closeDb = () => db.close();
    });
    afterAll(async () => {
      await close?.();
    });
    let closeDb: () => Promise<void>;

    const check = (c: Case) => async () => {
      const res = await c.send(request(app.url), auth);
      expect([c.status].flat()).toContain(res.status);
      expectSecure(res);
      expectNoLeak(res);
    };

    for (const c of CASES) it(`${c.name}: ${[c.status].flat().join(' or ')}`, check(c));
    describe('with the database gone', () => {
      beforeAll(async () => {
        await closeDb();
      });
      for (const c of OUTAGE_CASES) it(`${c.name}: ${c.status}`, check(c));
    });
  });
}
