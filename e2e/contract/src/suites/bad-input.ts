import { envelope, errorCatalog } from '@switchyard/api-spec';
import { databaseTargets } from '@switchyard/persistence/testing';
import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openSocket,
  startEnvironment,
  type AppUnderTest,
  type Environment,
  type Frame,
  type OpenSocket,
  type RefusedUpgrade,
} from '@switchyard/testing';
import { failOnInternalErrors, signUp } from '../support.js';
import { bodyCases } from './bad-input/bodies.js';
import {
  V,
  echoes,
  type BadInputCase,
  type Context,
  type Dyn,
  type Expectation,
  type HttpCase,
  type Who,
  type WsCase,
} from './bad-input/case.js';
import { expiryCases } from './bad-input/expiry.js';
import { idAndQueryCases } from './bad-input/ids-and-queries.js';
import { routeAndAuthCases } from './bad-input/routes-and-auth.js';
import { webSocketCases } from './bad-input/websocket.js';
import { expectDocumented } from './openapi-check.js';
import { reportCases } from './report.js';

/**
 * The "bad input" suite: one table of requests (in ./bad-input/, one file per concern) that a client should not send (or that are
 * unusual but valid), each with the answer docs/api-behaviour.md, docs/errors.md and the
 * TypeBox schemas in @switchyard/domain require. Every case must get an answer (no hang), never
 * a 5xx, the exact status and the exact error envelope; afterwards the app must still serve.
 */

// The order is the run's: the expired-token case stays last (the runner waits for its expiry).
const cases: readonly BadInputCase[] = [
  ...bodyCases,
  ...idAndQueryCases,
  ...routeAndAuthCases,
  ...webSocketCases,
  ...expiryCases,
];

/** The config's minimum session lifetime: the expired-token case waits this out. */
const SESSION_TTL_SECONDS = 60;
/** Every request and WebSocket step must be answered within this, or the case fails. */
const ANSWER_WITHIN_MS = 5_000;

function resolve<T>(value: Dyn<T>, ctx: Context): T {
  return typeof value === 'function' ? (value as (ctx: Context) => T)(ctx) : value;
}

function tokenOf(who: Who, ctx: Context): string {
  switch (who) {
    case 'alice':
      return ctx.alice.token;
    case 'bob':
      return ctx.bob.token;
    case 'loggedOut':
      return ctx.loggedOutToken;
    case 'expired':
      return ctx.expiringToken;
  }
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer to ${what} within ${ANSWER_WITHIN_MS} ms`)),
      ANSWER_WITHIN_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The exact envelope: the code, the catalogue's (or the case's) message, and the details. */
function expectEnvelope(body: unknown, expected: Expectation, seen: string): void {
  const code = expected.code!;
  const message = expected.message ?? errorCatalog[code].message;
  if (expected.details) {
    expect(body, `envelope (got ${seen})`).toEqual(envelope(code, message, expected.details));
  } else if (code === V) {
    expect(body, `envelope (got ${seen})`).toEqual({
      error: { code, message, details: expect.any(Array) },
    });
    const details = (body as { error: { details: unknown[] } }).error.details;
    expect(details.length, 'at least one detail').toBeGreaterThan(0);
    for (const item of details) {
      expect(item).toEqual({
        // A JSON pointer into the request, or '' for the whole input (ErrorDetail).
        path: expect.stringMatching(/^(\/(body|query|params)(\/.*)?)?$/),
        message: expect.any(String),
      });
    }
  } else {
    expect(body, `envelope (got ${seen})`).toEqual(envelope(code, message));
  }
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';

async function sendHttp(c: HttpCase, ctx: Context, url: string): Promise<Response> {
  const method = c.method.toLowerCase() as Method;
  const req = request(url)[method](resolve(c.path, ctx)).timeout(ANSWER_WITHIN_MS);
  if (c.as) req.set('Authorization', `Bearer ${tokenOf(c.as, ctx)}`);
  for (const [name, value] of Object.entries(resolve(c.headers ?? {}, ctx))) req.set(name, value);
  if (c.body !== undefined) {
    const body = resolve(c.body, ctx);
    const contentType = c.contentType === undefined ? 'application/json' : c.contentType;
    if (contentType !== null) req.set('Content-Type', contentType);
    req.send(typeof body === 'string' ? body : JSON.stringify(body));
    // superagent adds a form Content-Type to a string body; take it off again.
    if (contentType === null) req.unset('Content-Type');
  }
  return await req;
}

function expectHttp(c: HttpCase, res: Response, ctx: Context): void {
  const seen = `${res.status} ${(res.text ?? '').slice(0, 300)}`;
  expect(res.status, `never a 5xx (got ${seen})`).toBeLessThan(500);
  expect(res.status, `status (got ${seen})`).toBe(c.status);
  if (c.code) {
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectEnvelope(res.body, c, seen);
  } else if (c.reply) {
    expect(res.body).toMatchObject(resolve(c.reply, ctx));
  }
  if (c.allow !== undefined) expect(res.headers['allow'], 'Allow').toBe(c.allow);
  if (c.route) expectDocumented(c.route, res);
}

async function runWs(c: WsCase, ctx: Context, baseUrl: string): Promise<void> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/v1/bots/${c.ws.bot}/stream`;
  const headers: Record<string, string> = { ...c.ws.headers };
  if (c.ws.as) headers['Authorization'] = `Bearer ${tokenOf(c.ws.as, ctx)}`;
  const opened = await withTimeout(
    openSocket(url, { headers, protocols: c.ws.protocols ? [...c.ws.protocols] : undefined }).then(
      (socket): { socket: OpenSocket } => ({ socket }),
      (error: unknown): { refused: unknown } => ({ refused: error }),
    ),
    'the upgrade',
  );
  if (c.status !== 101) {
    if ('socket' in opened) {
      opened.socket.socket.terminate();
      expect.fail(`the upgrade was accepted; expected ${c.status} ${c.code}`);
    }
    const refused = opened.refused as Partial<RefusedUpgrade>;
    const seen = `${refused.status} ${JSON.stringify(refused.body ?? String(refused))}`;
    expect(refused.status, `never a 5xx (got ${seen})`).toBeLessThan(500);
    expect(refused.status, `status (got ${seen})`).toBe(c.status);
    expectEnvelope(refused.body, c, seen);
    return;
  }
  if ('refused' in opened) {
    const refused = opened.refused as Partial<RefusedUpgrade>;
    expect.fail(`the upgrade was refused: ${refused.status} ${JSON.stringify(refused.body)}`);
  }
  const s = opened.socket;
  try {
    // A string goes as a text frame, a Buffer as a binary frame.
    if (c.ws.frame !== undefined) s.socket.send(c.ws.frame);
    if (c.closeCode !== undefined) {
      expect(await s.closed()).toBe(c.closeCode);
      return;
    }
    const { type, ...rest }: Frame = await s.next();
    const seen = JSON.stringify({ type, ...rest }).slice(0, 300);
    expect(type, `an error frame (got ${seen})`).toBe('error');
    expectEnvelope(rest, c, seen);
    // "The connection stays open after an error frame."
    s.send({ type: 'message', text: 'still open' });
    expect((await s.untilDone()).at(-1)).toMatchObject({ type: 'done', text: 'echo: still open' });
  } finally {
    s.socket.terminate();
  }
}

const names = new Set(cases.map((c) => c.name));
if (names.size !== cases.length) throw new Error('bad-input: two cases share a name');

/**
 * Runs the bad-input table against one app on an embedded PGlite database, plus a second
 * instance with the shortest session lifetime for the expired-token case.
 */
export async function runBadInputSuite(subject: AppUnderTest): Promise<void> {
  const pglite = (await databaseTargets()).find((target) => target.kind === 'pglite');
  if (!pglite) throw new Error('bad-input: no PGlite database target');
  reportCases('bad input', subject.name, cases.length);

  describe(`${subject.name} bad input (${cases.length} cases)`, () => {
    let env: Environment | undefined;
    let shortTtl: Environment | undefined;
    let ctx: Context;

    const account = (url: string) => signUp(url, { timeoutMs: ANSWER_WITHIN_MS });
    const guarded = failOnInternalErrors(subject);

    beforeAll(async () => {
      // The short-lived instance first, so that its session's clock starts as early as possible.
      shortTtl = await startEnvironment(guarded, pglite, {
        overrides: () => ({ SESSION_TTL_SECONDS: String(SESSION_TTL_SECONDS) }),
      });
      const expiring = await account(shortTtl.app.url);
      // The token works until it expires: the later 401 is the expiry's doing.
      await request(shortTtl.app.url)
        .get('/v1/bots')
        .set('Authorization', `Bearer ${expiring.token}`)
        .timeout(ANSWER_WITHIN_MS)
        .expect(200);

      env = await startEnvironment(guarded, pglite);
      const url = env.app.url;
      const [alice, bob, leaver] = [await account(url), await account(url), await account(url)];
      await request(url)
        .delete('/v1/sessions/current')
        .set('Authorization', `Bearer ${leaver.token}`)
        .timeout(ANSWER_WITHIN_MS)
        .expect(204);
      const first = await request(url)
        .post('/v1/bots/echo/messages')
        .set('Authorization', `Bearer ${alice.token}`)
        .send({ text: 'first' })
        .timeout(ANSWER_WITHIN_MS)
        .expect(201);
      ctx = {
        alice,
        bob,
        loggedOutToken: leaver.token,
        aliceConversation: first.body.conversationId as string,
        expiringToken: expiring.token,
        expiresAt: expiring.expiresAt,
      };
    });
    afterAll(async () => {
      await env?.close();
      await shortTtl?.close();
    });

    for (const c of cases) {
      const waits = 'method' in c && c.as === 'expired';
      it(
        c.name,
        async () => {
          if ('ws' in c) return runWs(c, ctx, env!.app.url);
          let url = env!.app.url;
          if (c.as === 'expired') {
            url = shortTtl!.app.url;
            const wait = Date.parse(ctx.expiresAt) + 1_000 - Date.now();
            if (wait > 0) await new Promise((done) => setTimeout(done, wait));
          }
          expectHttp(c, await sendHttp(c, ctx, url), ctx);
        },
        waits ? (SESSION_TTL_SECONDS + 30) * 1_000 : undefined,
      );
    }

    it('still serves afterwards: /health, a sign-up, a log-in and a message', async () => {
      const url = env!.app.url;
      const health = await request(url).get('/health').timeout(ANSWER_WITHIN_MS);
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok' });
      const someone = await account(url);
      const res = await request(url)
        .post('/v1/bots/echo/messages')
        .set('Authorization', `Bearer ${someone.token}`)
        .send({ text: 'after the storm' })
        .timeout(ANSWER_WITHIN_MS);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject(echoes('after the storm'));
    });
  });
}
