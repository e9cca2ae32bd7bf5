import { buildOpenApiDocument } from '@switchyard/api-spec';
import { databaseTargets } from '@switchyard/persistence/testing';
import { completionFor } from '@switchyard/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAccount, openSocket, signedIn, startStack, wsUrl, type Stack } from './support.js';

const targets = await databaseTargets();

describe.each(targets)('express-api on $kind', (target) => {
  const it_ = target.skipReason ? it.skip : it;
  if (target.skipReason) it.skip(`(skipped: ${target.skipReason})`, () => {});

  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    if (target.skipReason) return;
    stack = await startStack({ openDb: () => target.open(), env: { ENSEMBLE_SOURCES: '3' } });
    url = stack.api.url;
  });
  afterAll(async () => {
    await stack?.close();
  });

  describe('health and docs', () => {
    it_('GET /health answers ok and GET /ready names the database', async () => {
      await request(url).get('/health').expect(200, { status: 'ok' });
      await request(url).get('/ready').expect(200, { status: 'ready', database: target.kind });
    });

    it_('GET /docs/json serves the OpenAPI document and GET /docs the Swagger UI', async () => {
      const json = await request(url).get('/docs/json').expect(200);
      expect(json.body).toEqual(buildOpenApiDocument());
      const ui = await request(url)
        .get('/docs')
        .expect(200)
        .expect('content-type', /text\/html/);
      expect(ui.text).toContain('<script src="/docs/swagger-ui-init.js">');
      const init = await request(url).get('/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toContain('"swaggerUrl": "/docs/json"');
    });

    it_('echoes a plain x-request-id and replaces one that is not', async () => {
      await request(url)
        .get('/health')
        .set('x-request-id', 'abc-123')
        .expect('x-request-id', 'abc-123');
      const res = await request(url).get('/health').set('x-request-id', 'a b\tc');
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('accounts and sessions', () => {
    it_('signs up, logs in and lists the bots with the token', async () => {
      const account = buildAccount();
      const created = await request(url).post('/v1/accounts').send(account).expect(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        username: account.username,
        createdAt: expect.any(String),
      });
      const session = await request(url).post('/v1/sessions').send(account).expect(201);
      expect(session.body).toEqual({ token: expect.any(String), expiresAt: expect.any(String) });

      const list = await request(url)
        .get('/v1/bots')
        .set('authorization', `Bearer ${session.body.token}`)
        .expect(200);
      expect(list.body.bots.map((b: { id: string }) => b.id).sort()).toEqual([
        'echo',
        'ensemble',
        'model',
      ]);
    });

    it_('DELETE /v1/sessions/current ends the session at once', async () => {
      const { auth } = await signedIn(url);
      await request(url).delete('/v1/sessions/current').set(auth).expect(204, '');
      await request(url).get('/v1/bots').set(auth).expect(401);
    });
  });

  describe('POST /v1/bots/:botId/messages', () => {
    it_.each([
      ['echo', (text: string) => `echo: ${text}`],
      ['model', (text: string) => completionFor(text).completion],
      [
        'ensemble',
        () => expect.stringMatching(/^3 of 3 sources answered\. source-\d+ \(confidence/),
      ],
    ] as const)('stores the message and the reply of the %s bot', async (botId, expected) => {
      const { auth } = await signedIn(url);
      const res = await request(url)
        .post(`/v1/bots/${botId}/messages`)
        .set(auth)
        .send({ text: 'what is the weather' })
        .expect(201);
      expect(res.body).toMatchObject({
        botId,
        message: { seq: 1, role: 'user', text: 'what is the weather' },
        reply: { seq: 2, role: 'bot', text: expected('what is the weather') },
      });
    });
  });

  describe('GET /v1/conversations', () => {
    it_('pages the conversations and the messages of one by cursor', async () => {
      const { auth } = await signedIn(url);
      const first = await request(url)
        .post('/v1/bots/echo/messages')
        .set(auth)
        .send({ text: 'one' })
        .expect(201);
      const conversationId = first.body.conversationId as string;
      for (const text of ['two', 'three']) {
        await request(url)
          .post('/v1/bots/echo/messages')
          .set(auth)
          .send({ text, conversationId })
          .expect(201);
      }

      const list = await request(url).get('/v1/conversations').set(auth).expect(200);
      expect(list.body).toMatchObject({
        conversations: [{ id: conversationId, botId: 'echo', messageCount: 6 }],
        nextCursor: null,
      });

      const page1 = await request(url)
        .get(`/v1/conversations/${conversationId}/messages?limit=4`)
        .set(auth)
        .expect(200);
      expect(page1.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4]);
      expect(page1.body.nextCursor).toEqual(expect.any(String));
      const page2 = await request(url)
        .get(`/v1/conversations/${conversationId}/messages`)
        .query({ limit: 4, cursor: page1.body.nextCursor })
        .set(auth)
        .expect(200);
      expect(page2.body.messages.map((m: { text: string }) => m.text)).toEqual([
        'three',
        'echo: three',
      ]);
      expect(page2.body.nextCursor).toBeNull();
    });
  });

  describe('GET /v1/proxy/:service/*', () => {
    it_('forwards path and query with the service key, not the caller token', async () => {
      const { auth } = await signedIn(url);
      const res = await request(url).get('/v1/proxy/httpbin/get?q=1').set(auth).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ args: { q: '1' }, url: '/get?q=1', method: 'GET' });
      expect(res.body.headers['x-api-key']).toBe('k');
      expect(res.body.headers).not.toHaveProperty('authorization');
    });

    it_('passes the upstream status and body back as they are', async () => {
      const { auth } = await signedIn(url);
      await request(url).get('/v1/proxy/httpbin/status/418').set(auth).expect(418, { status: 418 });
    });
  });

  describe('WebSocket /v1/bots/:botId/stream', () => {
    it_('streams the reply in chunks, then done with the stored ids', async () => {
      const { token, auth } = await signedIn(url);
      const socket = openSocket(wsUrl(stack.api, '/v1/bots/model/stream'), ['bearer', token]);
      await socket.opened;
      expect(socket.ws.protocol).toBe('bearer');

      socket.ws.send(JSON.stringify({ type: 'message', text: 'stream this please' }));
      const frames = await socket.until((f) => f.type === 'done');
      socket.ws.close();

      const chunks = frames.filter((f) => f.type === 'chunk');
      const done = frames.at(-1)!;
      expect(chunks.length).toBeGreaterThan(1);
      expect(done).toEqual({
        type: 'done',
        conversationId: expect.any(String),
        messageId: expect.any(String),
        replyId: expect.any(String),
        text: chunks.map((f) => f.delta).join(''),
      });
      expect((done.text as string).trim()).toBe(completionFor('stream this please').completion);

      const stored = await request(url)
        .get(`/v1/conversations/${done.conversationId as string}/messages`)
        .set(auth)
        .expect(200);
      expect(stored.body.messages.map((m: { id: string }) => m.id)).toEqual([
        done.messageId,
        done.replyId,
      ]);
    });

    it_('answers a bad frame with an error frame and keeps the connection open', async () => {
      const { token } = await signedIn(url);
      const socket = openSocket(wsUrl(stack.api, '/v1/bots/echo/stream'), undefined, {
        authorization: `Bearer ${token}`,
      });
      await socket.opened;
      socket.ws.send('{not json');
      socket.ws.send(JSON.stringify({ type: 'message' }));
      socket.ws.send(JSON.stringify({ type: 'message', text: 'still here' }));
      const frames = await socket.until((f) => f.type === 'done');
      socket.ws.close();

      expect(frames[0]).toMatchObject({ type: 'error', error: { code: 'SWY_ERR_MALFORMED_JSON' } });
      expect(frames[1]).toMatchObject({
        type: 'error',
        error: { code: 'SWY_ERR_VALIDATION', details: [{ path: '/body/text' }] },
      });
      expect(frames.at(-1)).toMatchObject({ type: 'done', text: 'echo: still here' });
    });

    it_.each([
      ['no token', '/v1/bots/echo/stream', false, 401, 'SWY_ERR_AUTH_REQUIRED'],
      ['an unknown bot', '/v1/bots/nobody/stream', true, 404, 'SWY_ERR_BOT_NOT_FOUND'],
      ['an unknown path', '/v1/elsewhere', true, 404, 'SWY_ERR_NOT_FOUND'],
    ] as const)(
      'refuses the upgrade for %s with the envelope',
      async (_, path, withToken, status, code) => {
        const { token } = await signedIn(url);
        const socket = openSocket(
          wsUrl(stack.api, path),
          withToken ? ['bearer', token] : undefined,
        );
        const refusal = await socket.opened.then(
          () => expect.fail('the upgrade was accepted'),
          (error: { status: number; body: string }) => error,
        );
        expect(refusal.status).toBe(status);
        expect(JSON.parse(refusal.body)).toMatchObject({ error: { code } });
      },
    );
  });

  describe('error envelope', () => {
    it_.each([
      {
        status: 400,
        code: 'SWY_ERR_VALIDATION',
        send: (r: request.Agent) => r.post('/v1/accounts').send({ username: 'x' }),
      },
      {
        status: 400,
        code: 'SWY_ERR_MALFORMED_JSON',
        send: (r: request.Agent) =>
          r.post('/v1/accounts').set('content-type', 'application/json').send('{"username":'),
      },
      { status: 401, code: 'SWY_ERR_AUTH_REQUIRED', send: (r: request.Agent) => r.get('/v1/bots') },
      {
        status: 404,
        code: 'SWY_ERR_NOT_FOUND',
        send: (r: request.Agent) =>
          r.get('/v1/nowhere').set('authorization', 'Bearer whatever-token-123456'),
      },
      {
        status: 405,
        code: 'SWY_ERR_METHOD_NOT_ALLOWED',
        send: (r: request.Agent) => r.delete('/v1/bots'),
      },
      {
        status: 413,
        code: 'SWY_ERR_BODY_TOO_LARGE',
        send: (r: request.Agent) =>
          r.post('/v1/accounts').send({ username: 'x'.repeat(70_000), password: 'long enough' }),
      },
      {
        status: 415,
        code: 'SWY_ERR_UNSUPPORTED_MEDIA_TYPE',
        send: (r: request.Agent) =>
          r.post('/v1/accounts').set('content-type', 'text/plain').send('username=alice'),
      },
    ])('answers $status $code as JSON', async ({ status, code, send }) => {
      const res = await send(request.agent(url))
        .expect(status)
        .expect('content-type', /^application\/json; charset=utf-8/);
      expect(res.body).toEqual({
        error: {
          code,
          message: expect.any(String),
          ...(code === 'SWY_ERR_VALIDATION' ? { details: expect.any(Array) } : {}),
        },
      });
      if (status === 405) expect(res.headers['allow']).toBe('GET, HEAD');
    });

    it_('answers 409 SWY_ERR_USERNAME_TAKEN for a username in another letter case', async () => {
      const account = buildAccount();
      await request(url).post('/v1/accounts').send(account).expect(201);
      const res = await request(url)
        .post('/v1/accounts')
        .send({ ...account, username: account.username.toUpperCase() })
        .expect(409);
      expect(res.body).toEqual({
        error: { code: 'SWY_ERR_USERNAME_TAKEN', message: expect.any(String) },
      });
    });
  });
});
