import { randomUUID } from 'node:crypto';
import {
  buildOpenApiDocument,
  envelope,
  type ApiRouteName,
  type ErrorCodeValue,
} from '@switchyard/api-spec';
import { databaseTargets } from '@switchyard/persistence/testing';
import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BODY_LIMIT_BYTES,
  SECRET_API_KEY,
  startEnvironment,
  type AppUnderTest,
  type Environment,
} from '@switchyard/testing';
import { expectDocumented } from './openapi-check.js';
import { openSocket, type OpenSocket } from '@switchyard/testing';

export type { AppUnderTest, StartedApp } from '@switchyard/testing';

interface Account {
  username: string;
  password: string;
  token: string;
  id: string;
  auth: { Authorization: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The exact envelope of an error whose message is the catalogue default. */
function errorBody(code: ErrorCodeValue) {
  return envelope(code);
}

/**
 * The three checks every error case makes: the status, the exact envelope with the catalogue's
 * message, and that the OpenAPI document lists that status for the route.
 */
export function expectError(
  route: ApiRouteName,
  res: Response,
  status: number,
  code: ErrorCodeValue,
): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual(errorBody(code));
  expectDocumented(route, res);
}

export function buildCredentials(overrides: Partial<{ username: string; password: string }> = {}) {
  return {
    username: `u-${randomUUID().slice(0, 12)}`,
    password: 'correct horse battery',
    ...overrides,
  };
}

/**
 * The API contract every app must meet, against every database target: the embedded PGlite
 * always, and the PostgreSQL server when it answers (always in CI). Each case checks the
 * status, the body (exactly, for errors) and that the response matches the OpenAPI document.
 */
export async function runApiContract(subject: AppUnderTest): Promise<void> {
  const targets = await databaseTargets();
  for (const target of targets) {
    describe(`${subject.name} API contract on ${target.kind}`, () => {
      if (target.skipReason) {
        it.skip(`(skipped: ${target.skipReason})`, () => {});
        return;
      }
      let env: Environment;
      const api = () => request(env.app.url);

      beforeAll(async () => {
        env = await startEnvironment(subject, target);
      });
      afterAll(async () => {
        await env?.close();
      });

      async function signUp(): Promise<Account> {
        const credentials = buildCredentials();
        const created = await api().post('/v1/accounts').send(credentials).expect(201);
        const session = await api().post('/v1/sessions').send(credentials).expect(201);
        return {
          ...credentials,
          id: created.body.id,
          token: session.body.token,
          auth: { Authorization: `Bearer ${session.body.token}` },
        };
      }

      describe('health', () => {
        it('GET /health answers 200 ok', async () => {
          const res = await api().get('/health');
          expect(res.status).toBe(200);
          expect(res.body).toEqual({ status: 'ok' });
          expectDocumented('health', res);
        });

        it('GET /ready answers 200 with the database kind', async () => {
          const res = await api().get('/ready');
          expect(res.status).toBe(200);
          expect(res.body).toEqual({ status: 'ready', database: target.kind });
          expectDocumented('ready', res);
        });

        it('sends security headers and a request id', async () => {
          const res = await api().get('/health');
          expect(res.headers['x-content-type-options']).toBe('nosniff');
          expect(res.headers['x-powered-by']).toBeUndefined();
          expect(res.headers['x-request-id']).toEqual(expect.any(String));
        });
      });

      describe('POST /v1/accounts', () => {
        it('creates an account and answers 201 without the password', async () => {
          const credentials = buildCredentials();
          const res = await api().post('/v1/accounts').send(credentials);
          expect(res.status).toBe(201);
          expect(res.body).toEqual({
            id: expect.stringMatching(UUID),
            username: credentials.username,
            createdAt: expect.any(String),
          });
          expectDocumented('createAccount', res);
        });

        it('returns 409 SWY_ERR_USERNAME_TAKEN for a username taken in another letter case', async () => {
          const credentials = buildCredentials();
          await api().post('/v1/accounts').send(credentials).expect(201);
          const res = await api()
            .post('/v1/accounts')
            .send({ ...credentials, username: credentials.username.toUpperCase() });
          expectError('createAccount', res, 409, 'SWY_ERR_USERNAME_TAKEN');
        });

        it.each([
          [
            'a missing password',
            { username: 'valid-name' },
            [{ path: '/body/password', message: "must have required property 'password'" }],
          ],
          [
            'a short password',
            { username: 'valid-name', password: 'short' },
            [{ path: '/body/password', message: 'must NOT have fewer than 8 characters' }],
          ],
          [
            'an extra field',
            { username: 'valid-name', password: 'long enough', admin: true },
            [{ path: '/body/admin', message: 'is not allowed' }],
          ],
          [
            'a number for the username',
            { username: 12345, password: 'long enough' },
            [{ path: '/body/username', message: 'must be string' }],
          ],
          [
            'a username with spaces',
            { username: 'bad name', password: 'long enough' },
            [{ path: '/body/username', message: 'must match pattern "^[A-Za-z0-9_.-]+$"' }],
          ],
          ['a JSON array', [], [{ path: '/body', message: 'must be object' }]],
        ])('returns 400 SWY_ERR_VALIDATION for %s', async (_name, body, details) => {
          const res = await api()
            .post('/v1/accounts')
            .send(body as object);
          expect(res.status).toBe(400);
          expect(res.body).toEqual({
            error: { code: 'SWY_ERR_VALIDATION', message: 'The request is not valid', details },
          });
          expectDocumented('createAccount', res);
        });

        it('returns 400 SWY_ERR_VALIDATION for an empty JSON body', async () => {
          const res = await api()
            .post('/v1/accounts')
            .set('Content-Type', 'application/json')
            .send('');
          expect(res.status).toBe(400);
          expect(res.body).toEqual({
            error: {
              code: 'SWY_ERR_VALIDATION',
              message: 'The request is not valid',
              details: [{ path: '/body', message: 'must be object' }],
            },
          });
          expectDocumented('createAccount', res);
        });

        it('refuses a __proto__ key like any other extra field', async () => {
          const res = await api()
            .post('/v1/accounts')
            .set('Content-Type', 'application/json')
            .send('{"username":"proto-user","password":"long enough","__proto__":{"admin":true}}');
          expect(res.status).toBe(400);
          expect(res.body.error.code).toMatch(/^SWY_ERR_(VALIDATION|MALFORMED_JSON)$/);
          expectDocumented('createAccount', res);
        });

        it('accepts application/json with a charset', async () => {
          const res = await api()
            .post('/v1/accounts')
            .set('Content-Type', 'application/json; charset=utf-8')
            .send(JSON.stringify(buildCredentials()));
          expect(res.status).toBe(201);
        });

        it('returns 400 SWY_ERR_MALFORMED_JSON for a body that is not JSON', async () => {
          const res = await api()
            .post('/v1/accounts')
            .set('Content-Type', 'application/json')
            .send('{"username": "x",');
          expectError('createAccount', res, 400, 'SWY_ERR_MALFORMED_JSON');
        });

        it('returns 415 SWY_ERR_UNSUPPORTED_MEDIA_TYPE for a text/plain body', async () => {
          const res = await api()
            .post('/v1/accounts')
            .set('Content-Type', 'text/plain')
            .send('username=x&password=y');
          expectError('createAccount', res, 415, 'SWY_ERR_UNSUPPORTED_MEDIA_TYPE');
        });

        it('returns 413 SWY_ERR_BODY_TOO_LARGE for a body over the limit', async () => {
          const res = await api()
            .post('/v1/accounts')
            .send({ username: 'big-body', password: 'x'.repeat(BODY_LIMIT_BYTES + 10) });
          expectError('createAccount', res, 413, 'SWY_ERR_BODY_TOO_LARGE');
        });
      });

      describe('POST /v1/sessions and DELETE /v1/sessions/current', () => {
        it('logs in with 201, a token and a future expiry', async () => {
          const credentials = buildCredentials();
          await api().post('/v1/accounts').send(credentials).expect(201);
          const res = await api().post('/v1/sessions').send(credentials);
          expect(res.status).toBe(201);
          expect(res.body).toEqual({
            token: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
            expiresAt: expect.any(String),
          });
          expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
          expectDocumented('createSession', res);
        });

        it('returns the same 401 for a wrong password and an unknown username', async () => {
          const credentials = buildCredentials();
          await api().post('/v1/accounts').send(credentials).expect(201);
          const wrong = await api()
            .post('/v1/sessions')
            .send({ ...credentials, password: 'wrong password' });
          const unknown = await api().post('/v1/sessions').send(buildCredentials());
          for (const res of [wrong, unknown]) {
            expectError('createSession', res, 401, 'SWY_ERR_AUTH_INVALID_CREDENTIALS');
          }
        });

        it('logs out with 204, after which the token is refused', async () => {
          const account = await signUp();
          const res = await api().delete('/v1/sessions/current').set(account.auth);
          expect(res.status).toBe(204);
          expect(res.text).toBe('');
          expectDocumented('deleteSession', res);
          const after = await api().get('/v1/bots').set(account.auth);
          expect(after.status).toBe(401);
          expect(after.body).toEqual(errorBody('SWY_ERR_AUTH_REQUIRED'));
        });

        it.each([
          ['no Authorization header', undefined],
          ['an unknown token', `Bearer ${'x'.repeat(43)}`],
          ['the Basic scheme', 'Basic dXNlcjpwYXNzd29yZA=='],
          ['an empty bearer', 'Bearer '],
        ])('returns 401 SWY_ERR_AUTH_REQUIRED with %s', async (_name, header) => {
          const req = api().delete('/v1/sessions/current');
          if (header !== undefined) req.set('Authorization', header);
          const res = await req;
          expectError('deleteSession', res, 401, 'SWY_ERR_AUTH_REQUIRED');
        });
      });

      describe('bots', () => {
        let account: Account;
        beforeAll(async () => {
          account = await signUp();
        });

        it('GET /v1/bots lists the registry', async () => {
          const res = await api().get('/v1/bots').set(account.auth);
          expect(res.status).toBe(200);
          expect(res.body.bots.map((b: { id: string }) => b.id)).toEqual([
            'echo',
            'model',
            'ensemble',
          ]);
          expectDocumented('listBots', res);
        });

        it('GET /v1/bots without a token is 401', async () => {
          const res = await api().get('/v1/bots');
          expectError('listBots', res, 401, 'SWY_ERR_AUTH_REQUIRED');
        });

        it('the echo bot answers 201 and the conversation continues with the next seq', async () => {
          const first = await api()
            .post('/v1/bots/echo/messages')
            .set(account.auth)
            .send({ text: 'hello' });
          expect(first.status).toBe(201);
          expectDocumented('postMessage', first);
          expect(first.body).toMatchObject({
            conversationId: expect.stringMatching(UUID),
            botId: 'echo',
            message: { seq: 1, role: 'user', text: 'hello' },
            reply: { seq: 2, role: 'bot', text: 'echo: hello' },
          });
          const next = await api()
            .post('/v1/bots/echo/messages')
            .set(account.auth)
            .send({ text: 'again', conversationId: first.body.conversationId });
          expect(next.status).toBe(201);
          expect(next.body.conversationId).toBe(first.body.conversationId);
          expect([next.body.message.seq, next.body.reply.seq]).toEqual([3, 4]);
        });

        it("the model bot answers with the upstream model's completion", async () => {
          const expected = await request(env.upstream.url)
            .post('/model/complete')
            .send({ prompt: 'tell me' })
            .expect(200);
          const res = await api()
            .post('/v1/bots/model/messages')
            .set(account.auth)
            .send({ text: 'tell me' });
          expect(res.status).toBe(201);
          expect(res.body.reply.text).toBe(expected.body.completion);
          expectDocumented('postMessage', res);
        });

        it('the ensemble bot asks every source and answers with the most confident', async () => {
          env.upstream.requests.clear();
          const res = await api()
            .post('/v1/bots/ensemble/messages')
            .set(account.auth)
            .send({ text: 'why?' });
          expect(res.status).toBe(201);
          expect(res.body.reply.text).toMatch(
            /^5 of 5 sources answered\. source-\d+ \(confidence \d\.\d\d\): /,
          );
          const asked = env.upstream.requests.all().filter((r) => r.url.startsWith('/sources/'));
          expect(asked.map((r) => r.url).sort()).toEqual(
            [0, 1, 2, 3, 4].map((i) => `/sources/${i}/answer?q=why%3F`),
          );
          expectDocumented('postMessage', res);
        });

        it('returns 404 SWY_ERR_BOT_NOT_FOUND for an unknown bot', async () => {
          const res = await api()
            .post('/v1/bots/nobody/messages')
            .set(account.auth)
            .send({ text: 'hi' });
          expect(res.status).toBe(404);
          expect(res.body).toEqual({
            error: { code: 'SWY_ERR_BOT_NOT_FOUND', message: 'No bot with id "nobody"' },
          });
          expectDocumented('postMessage', res);
        });

        it("returns 404 for another account's conversation and 409 for another bot's", async () => {
          const other = await signUp();
          const mine = await api()
            .post('/v1/bots/echo/messages')
            .set(account.auth)
            .send({ text: 'mine' })
            .expect(201);
          const foreign = await api()
            .post('/v1/bots/echo/messages')
            .set(other.auth)
            .send({ text: 'x', conversationId: mine.body.conversationId });
          expectError('postMessage', foreign, 404, 'SWY_ERR_CONVERSATION_NOT_FOUND');
          const otherBot = await api()
            .post('/v1/bots/model/messages')
            .set(account.auth)
            .send({ text: 'x', conversationId: mine.body.conversationId });
          expect(otherBot.status).toBe(409);
          expect(otherBot.body).toEqual({
            error: {
              code: 'SWY_ERR_CONVERSATION_BOT_MISMATCH',
              message: 'The conversation belongs to bot "echo"',
            },
          });
          expectDocumented('postMessage', otherBot);
        });

        it.each([
          [
            'an empty text',
            { text: '' },
            [{ path: '/body/text', message: 'must NOT have fewer than 1 characters' }],
          ],
          [
            'a text over 4000 characters',
            { text: 'x'.repeat(4001) },
            [{ path: '/body/text', message: 'must NOT have more than 4000 characters' }],
          ],
          [
            'a conversationId that is not a UUID',
            { text: 'x', conversationId: 'abc' },
            [{ path: '/body/conversationId', message: 'must match format "uuid"' }],
          ],
          ['no text', {}, [{ path: '/body/text', message: "must have required property 'text'" }]],
        ])('returns 400 SWY_ERR_VALIDATION for %s', async (_name, body, details) => {
          const res = await api().post('/v1/bots/echo/messages').set(account.auth).send(body);
          expect(res.status).toBe(400);
          expect(res.body).toEqual({
            error: { code: 'SWY_ERR_VALIDATION', message: 'The request is not valid', details },
          });
          expectDocumented('postMessage', res);
        });

        it('checks the token before the body: no token and a bad body is 401', async () => {
          const res = await api()
            .post('/v1/bots/echo/messages')
            .set('Content-Type', 'application/json')
            .send('{bad');
          expect(res.status).toBe(401);
          expect(res.body).toEqual(errorBody('SWY_ERR_AUTH_REQUIRED'));
        });
      });

      describe('conversations', () => {
        let account: Account;
        const conversationIds: string[] = [];
        beforeAll(async () => {
          account = await signUp();
          for (const text of ['one', 'two', 'three']) {
            const res = await api()
              .post('/v1/bots/echo/messages')
              .set(account.auth)
              .send({ text })
              .expect(201);
            conversationIds.push(res.body.conversationId);
          }
          for (const text of ['four', 'five']) {
            await api()
              .post('/v1/bots/echo/messages')
              .set(account.auth)
              .send({ text, conversationId: conversationIds[0] })
              .expect(201);
          }
        });

        it('GET /v1/conversations pages newest first and ends with a null cursor', async () => {
          const first = await api().get('/v1/conversations?limit=2').set(account.auth);
          expect(first.status).toBe(200);
          expectDocumented('listConversations', first);
          expect(first.body.conversations.map((c: { id: string }) => c.id)).toEqual([
            conversationIds[2],
            conversationIds[1],
          ]);
          expect(first.body.nextCursor).toEqual(expect.any(String));
          const second = await api()
            .get('/v1/conversations')
            .query({ limit: 2, cursor: first.body.nextCursor })
            .set(account.auth);
          expect(second.status).toBe(200);
          expect(second.body.conversations).toEqual([
            expect.objectContaining({ id: conversationIds[0], botId: 'echo', messageCount: 6 }),
          ]);
          expect(second.body.nextCursor).toBeNull();
        });

        it('GET /v1/conversations/:id/messages pages oldest first', async () => {
          const texts: string[] = [];
          let cursor: string | null | undefined;
          let pages = 0;
          do {
            const res = await api()
              .get(`/v1/conversations/${conversationIds[0]}/messages`)
              .query(cursor ? { limit: 4, cursor } : { limit: 4 })
              .set(account.auth);
            expect(res.status).toBe(200);
            expectDocumented('listMessages', res);
            texts.push(...res.body.messages.map((m: { text: string }) => m.text));
            cursor = res.body.nextCursor;
            pages += 1;
          } while (cursor && pages < 10);
          expect(pages).toBe(2);
          expect(texts).toEqual(['one', 'echo: one', 'four', 'echo: four', 'five', 'echo: five']);
        });

        it('uses 20 as the default page size', async () => {
          const res = await api()
            .get(`/v1/conversations/${conversationIds[0]}/messages`)
            .set(account.auth);
          expect(res.status).toBe(200);
          expect(res.body.messages).toHaveLength(6);
          expect(res.body.nextCursor).toBeNull();
        });

        it("returns 404 for another account's conversation and for an unknown id", async () => {
          const other = await signUp();
          for (const [auth, id] of [
            [other.auth, conversationIds[0]],
            [account.auth, randomUUID()],
          ] as const) {
            const res = await api().get(`/v1/conversations/${id}/messages`).set(auth);
            expectError('listMessages', res, 404, 'SWY_ERR_CONVERSATION_NOT_FOUND');
          }
        });

        it.each([
          ['limit=0', { limit: '0' }, [{ path: '/query/limit', message: 'must be >= 1' }]],
          ['limit=101', { limit: '101' }, [{ path: '/query/limit', message: 'must be <= 100' }]],
          ['limit=abc', { limit: 'abc' }, [{ path: '/query/limit', message: 'must be integer' }]],
          [
            'an unknown parameter',
            { sort: 'asc' },
            [{ path: '/query/sort', message: 'is not allowed' }],
          ],
        ])('returns 400 SWY_ERR_VALIDATION for %s', async (_name, query, details) => {
          const res = await api().get('/v1/conversations').query(query).set(account.auth);
          expect(res.status).toBe(400);
          expect(res.body).toEqual({
            error: { code: 'SWY_ERR_VALIDATION', message: 'The request is not valid', details },
          });
          expectDocumented('listConversations', res);
        });

        it('returns 400 SWY_ERR_INVALID_CURSOR for a cursor it did not hand out', async () => {
          for (const cursor of [
            'garbage!',
            'eyJ4IjoxfQ',
            Buffer.from('{"position":"-5"}').toString('base64url'),
          ]) {
            const res = await api().get('/v1/conversations').query({ cursor }).set(account.auth);
            expectError('listConversations', res, 400, 'SWY_ERR_INVALID_CURSOR');
          }
        });

        it('returns 400 SWY_ERR_VALIDATION for a conversation id that is not a UUID', async () => {
          const res = await api().get('/v1/conversations/not-a-uuid/messages').set(account.auth);
          expect(res.status).toBe(400);
          expect(res.body).toEqual({
            error: {
              code: 'SWY_ERR_VALIDATION',
              message: 'The request is not valid',
              details: [{ path: '/params/id', message: 'must match format "uuid"' }],
            },
          });
          expectDocumented('listMessages', res);
        });
      });

      describe('GET /v1/proxy/:service/*', () => {
        let account: Account;
        beforeAll(async () => {
          account = await signUp();
        });

        it('forwards path and query to the configured service with its credentials, not the client token', async () => {
          env.upstream.requests.clear();
          const res = await api()
            .get('/v1/proxy/httpbin/get?x=1&y=two')
            .set(account.auth)
            .set('Accept', 'application/json');
          expect(res.status).toBe(200);
          expectDocumented('proxy', res);
          expect(res.body.args).toEqual({ x: '1', y: 'two' });
          expect(res.body.headers['x-api-key']).toBe(SECRET_API_KEY);
          expect(res.body.headers.authorization).toBeUndefined();
          const seen = env.upstream.requests.all();
          expect(seen).toHaveLength(1);
          expect(seen[0]!.url).toBe('/get?x=1&y=two');
          expect(seen[0]!.headers.authorization).toBeUndefined();
        });

        it("keeps the service's base path", async () => {
          const res = await api().get('/v1/proxy/nested/deeper/path?q=1').set(account.auth);
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ method: 'GET' });
          expect(JSON.stringify(res.body)).toContain('/anything/base/deeper/path');
        });

        it("passes the upstream's own status through", async () => {
          const res = await api().get('/v1/proxy/httpbin/status/418').set(account.auth);
          expect(res.status).toBe(418);
          expectDocumented('proxy', res);
        });

        it('returns 404 SWY_ERR_PROXY_SERVICE_NOT_FOUND for a service that is not configured', async () => {
          const res = await api().get('/v1/proxy/elsewhere/get').set(account.auth);
          expectError('proxy', res, 404, 'SWY_ERR_PROXY_SERVICE_NOT_FOUND');
        });

        it('returns 504 SWY_ERR_UPSTREAM_TIMEOUT when the service does not answer in time', async () => {
          for (const path of ['/v1/proxy/httpbin/delay/3000', '/v1/proxy/httpbin/get?fault=hang']) {
            const res = await api().get(path).set(account.auth);
            expectError('proxy', res, 504, 'SWY_ERR_UPSTREAM_TIMEOUT');
          }
        });

        it('returns 502 SWY_ERR_UPSTREAM_UNAVAILABLE when the service refuses or resets', async () => {
          for (const path of ['/v1/proxy/down/get', '/v1/proxy/httpbin/get?fault=reset']) {
            const res = await api().get(path).set(account.auth);
            expectError('proxy', res, 502, 'SWY_ERR_UPSTREAM_UNAVAILABLE');
          }
        });

        it('refuses a path that climbs out of the service, and nothing reaches the upstream', async () => {
          env.upstream.requests.clear();
          for (const path of [
            '/v1/proxy/nested/..%2F..%2Fget',
            '/v1/proxy/nested/%2e%2e/%2e%2e/get',
            '/v1/proxy/httpbin/a%5C..%5Cb',
          ]) {
            const res = await api().get(path).set(account.auth);
            expect(res.status, path).toBe(400);
            expect(res.body.error.code).toBe('SWY_ERR_VALIDATION');
            expectDocumented('proxy', res);
          }
          expect(env.upstream.requests.all()).toEqual([]);
        });

        it('requires a token', async () => {
          const res = await api().get('/v1/proxy/httpbin/get');
          expect(res.status).toBe(401);
          expect(res.body).toEqual(errorBody('SWY_ERR_AUTH_REQUIRED'));
        });
      });

      describe('WebSocket /v1/bots/:botId/stream', () => {
        let account: Account;
        const sockets: OpenSocket[] = [];
        const wsUrl = (botId: string) =>
          `${env.app.url.replace(/^http/, 'ws')}/v1/bots/${botId}/stream`;
        beforeAll(async () => {
          account = await signUp();
        });
        afterAll(() => {
          for (const s of sockets) s.socket.terminate();
        });
        async function connect(
          botId: string,
          options: { header?: boolean; protocol?: boolean } = { header: true },
        ) {
          const socket = await openSocket(wsUrl(botId), {
            headers: options.header ? account.auth : undefined,
            protocols: options.protocol ? ['bearer', account.token] : undefined,
          });
          sockets.push(socket);
          return socket;
        }

        it('streams the reply in chunks, then a done frame with the stored ids', async () => {
          const expected = await request(env.upstream.url)
            .post('/model/complete')
            .send({ prompt: 'stream this please' })
            .expect(200);
          const s = await connect('model');
          s.send({ type: 'message', text: 'stream this please' });
          const frames = await s.untilDone();
          const chunks = frames.filter((f) => f.type === 'chunk');
          const done = frames.at(-1)!;
          expect(chunks.length).toBeGreaterThan(1);
          expect(done).toEqual({
            type: 'done',
            conversationId: expect.stringMatching(UUID),
            messageId: expect.stringMatching(UUID),
            replyId: expect.stringMatching(UUID),
            text: chunks.map((c) => c.delta).join(''),
          });
          // Streamed or not, a bot's reply is the same text.
          expect(done.text).toBe(expected.body.completion);
          const stored = await api()
            .get(`/v1/conversations/${done.conversationId}/messages`)
            .set(account.auth)
            .expect(200);
          expect(
            stored.body.messages.map((m: { id: string; text: string }) => [m.id, m.text]),
          ).toEqual([
            [done.messageId, 'stream this please'],
            [done.replyId, done.text],
          ]);
        });

        it('authenticates a browser client through the bearer subprotocol', async () => {
          const s = await connect('echo', { protocol: true });
          expect(s.socket.protocol).toBe('bearer');
          s.send({ type: 'message', text: 'hi' });
          expect((await s.untilDone()).at(-1)).toMatchObject({ type: 'done', text: 'echo: hi' });
        });

        it('refuses the upgrade with 401 without a token and 404 for an unknown bot', async () => {
          const noToken = await openSocket(wsUrl('echo'), {}).then(
            () => undefined,
            (error: { status?: number; body?: unknown }) => error,
          );
          expect(noToken).toMatchObject({ status: 401, body: errorBody('SWY_ERR_AUTH_REQUIRED') });
          const unknown = await openSocket(wsUrl('nobody'), { headers: account.auth }).then(
            () => undefined,
            (error: { status?: number; body?: unknown }) => error,
          );
          expect(unknown).toMatchObject({
            status: 404,
            body: { error: { code: 'SWY_ERR_BOT_NOT_FOUND' } },
          });
        });

        it('answers bad frames with error frames and keeps the connection open', async () => {
          const s = await connect('echo');
          s.sendRaw('not json');
          expect(await s.next()).toEqual({ type: 'error', ...errorBody('SWY_ERR_MALFORMED_JSON') });
          s.send({ type: 'message', text: '' });
          expect(await s.next()).toEqual({
            type: 'error',
            error: {
              code: 'SWY_ERR_VALIDATION',
              message: 'The request is not valid',
              details: [{ path: '/body/text', message: 'must NOT have fewer than 1 characters' }],
            },
          });
          s.send({ type: 'message', text: 'x', conversationId: randomUUID() });
          expect(await s.next()).toEqual({
            type: 'error',
            ...errorBody('SWY_ERR_CONVERSATION_NOT_FOUND'),
          });
          s.send({ type: 'message', text: 'still here' });
          expect((await s.untilDone()).at(-1)).toMatchObject({
            type: 'done',
            text: 'echo: still here',
          });
        });

        it('closes with 1009 on a frame over the size limit', async () => {
          const s = await connect('echo');
          s.sendRaw(JSON.stringify({ type: 'message', text: 'x'.repeat(BODY_LIMIT_BYTES + 100) }));
          expect(await s.closed()).toBe(1009);
        });
      });

      describe('OpenAPI and unknown routes', () => {
        it('GET /docs/json serves the shared OpenAPI document', async () => {
          const res = await api().get('/docs/json');
          expect(res.status).toBe(200);
          expect(res.body).toEqual(buildOpenApiDocument());
        });

        it('GET /docs serves Swagger UI', async () => {
          const res = await api().get('/docs').redirects(2);
          expect(res.status).toBe(200);
          expect(res.headers['content-type']).toMatch(/text\/html/);
          expect(res.text).toMatch(/swagger/i);
        });

        it.each([
          ['GET', '/nope'],
          ['GET', '/v1/nope'],
          ['POST', '/v1/conversations/abc'],
        ])('%s %s is 404 SWY_ERR_NOT_FOUND, token or not', async (method, path) => {
          const res: Response = await api()[method.toLowerCase() as 'get' | 'post'](path);
          expect(res.status).toBe(404);
          expect(res.body).toEqual(errorBody('SWY_ERR_NOT_FOUND'));
        });

        it('routes are case-sensitive and ignore one trailing slash', async () => {
          expect((await api().get('/HEALTH')).status).toBe(404);
          const slash = await api().get('/health/');
          expect(slash.status).toBe(200);
          expect(slash.body).toEqual({ status: 'ok' });
        });

        it('answers 404, not 405, for the proxy with no path below the service', async () => {
          const res = await api().get('/v1/proxy/httpbin/');
          expect(res.status).toBe(404);
        });

        it.each([
          ['PUT', '/v1/accounts', 'POST'],
          ['DELETE', '/v1/bots', 'GET, HEAD'],
          ['PATCH', '/health', 'GET, HEAD'],
        ])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
          const res: Response =
            await api()[method.toLowerCase() as 'put' | 'delete' | 'patch'](path);
          expect(res.status).toBe(405);
          expect(res.headers['allow']).toBe(allow);
          expect(res.body).toEqual(errorBody('SWY_ERR_METHOD_NOT_ALLOWED'));
        });
      });
    });

    describe(`${subject.name} with failing dependencies on ${target.kind}`, () => {
      if (target.skipReason) {
        it.skip(`(skipped: ${target.skipReason})`, () => {});
        return;
      }
      let env: Environment;
      const api = () => request(env.app.url);
      beforeAll(async () => {
        // The model service answers after 3 s but the app waits 300 ms; no knowledge source listens.
        env = await startEnvironment(subject, target, {
          latencyMs: 3000,
          overrides: (_upstream, downPort) => ({
            UPSTREAM_TIMEOUT_MS: '300',
            KNOWLEDGE_URL: `http://127.0.0.1:${downPort}`,
          }),
        });
      });
      afterAll(async () => {
        await env?.close();
      });

      async function token(): Promise<string> {
        const credentials = buildCredentials();
        await api().post('/v1/accounts').send(credentials).expect(201);
        return (await api().post('/v1/sessions').send(credentials).expect(201)).body.token;
      }

      it('answers 504 SWY_ERR_UPSTREAM_TIMEOUT when the model is too slow, and stores nothing', async () => {
        const auth = { Authorization: `Bearer ${await token()}` };
        const res = await api().post('/v1/bots/model/messages').set(auth).send({ text: 'slow' });
        expectError('postMessage', res, 504, 'SWY_ERR_UPSTREAM_TIMEOUT');
        const list = await api().get('/v1/conversations').set(auth).expect(200);
        expect(list.body.conversations).toEqual([]);
      });

      it('answers 502 SWY_ERR_UPSTREAM_UNAVAILABLE when no knowledge source listens', async () => {
        const auth = { Authorization: `Bearer ${await token()}` };
        const res = await api().post('/v1/bots/ensemble/messages').set(auth).send({ text: 'q' });
        expectError('postMessage', res, 502, 'SWY_ERR_UPSTREAM_UNAVAILABLE');
      });

      it('reports 503 on /ready and SWY_ERR_DATABASE_UNAVAILABLE once the database is gone', async () => {
        await env.db.close();
        const ready = await api().get('/ready');
        expectError('ready', ready, 503, 'SWY_ERR_NOT_READY');
        const login = await api().post('/v1/sessions').send(buildCredentials());
        expectError('createSession', login, 503, 'SWY_ERR_DATABASE_UNAVAILABLE');
        const health = await api().get('/health');
        expect(health.status).toBe(200);
      });
    });
  }
}
