import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildOpenApiDocument } from '@switchyard/api-spec';
import { databaseTargets } from '@switchyard/persistence/testing';
import { completionFor } from '@switchyard/testing';
import {
  buildCredentials,
  framesUntilEnd,
  openSocket,
  signUpAndLogIn,
  startStack,
  wsUrl,
  type Stack,
} from './support.js';

interface MessageBody {
  id: string;
  conversationId: string;
  seq: number;
  role: string;
  text: string;
}

interface ChatBody {
  conversationId: string;
  botId: string;
  message: MessageBody;
  reply: MessageBody;
}

const targets = await databaseTargets();

for (const target of targets) {
  const title = target.skipReason
    ? `fastify-api on ${target.kind} (skipped: ${target.skipReason})`
    : `fastify-api on ${target.kind}`;

  describe.skipIf(target.skipReason !== undefined)(title, () => {
    let stack: Stack;
    let url: string;
    let token: string;
    const auth = () => ({ authorization: `Bearer ${token}` });

    beforeAll(async () => {
      stack = await startStack({ openDb: () => target.open() });
      url = stack.api.url;
    });

    afterAll(async () => {
      await stack?.close();
    });

    it('answers GET /health and GET /ready', async () => {
      await request(url).get('/health').expect(200, { status: 'ok' });
      await request(url).get('/ready').expect(200, { status: 'ready', database: target.kind });
    });

    it('signs up and logs in', async () => {
      const credentials = buildCredentials();
      const account = await request(url).post('/v1/accounts').send(credentials).expect(201);
      expect(account.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(account.body).toEqual({
        id: expect.any(String),
        username: credentials.username,
        createdAt: expect.any(String),
      });

      const session = await request(url).post('/v1/sessions').send(credentials).expect(201);
      expect(session.body).toEqual({ token: expect.any(String), expiresAt: expect.any(String) });
      token = session.body.token as string;
    });

    it('lists the bots', async () => {
      const res = await request(url).get('/v1/bots').set(auth()).expect(200);
      expect((res.body.bots as Array<{ id: string }>).map((b) => b.id).sort()).toEqual([
        'echo',
        'ensemble',
        'model',
      ]);
    });

    it('messages the echo bot', async () => {
      const res = await request(url)
        .post('/v1/bots/echo/messages')
        .set(auth())
        .send({ text: 'hello' })
        .expect(201);
      const body = res.body as ChatBody;
      expect(body.botId).toBe('echo');
      expect(body.message).toMatchObject({ seq: 1, role: 'user', text: 'hello' });
      expect(body.reply).toMatchObject({ seq: 2, role: 'bot', text: 'echo: hello' });
    });

    it('messages the model bot, which calls the model service', async () => {
      const res = await request(url)
        .post('/v1/bots/model/messages')
        .set(auth())
        .send({ text: 'route my ticket' })
        .expect(201);
      expect((res.body as ChatBody).reply.text).toBe(completionFor('route my ticket').completion);
    });

    it('messages the ensemble bot, which asks every knowledge source', async () => {
      const res = await request(url)
        .post('/v1/bots/ensemble/messages')
        .set(auth())
        .send({ text: 'is it true?' })
        .expect(201);
      const sources = stack.config.ENSEMBLE_SOURCES;
      expect((res.body as ChatBody).reply.text).toMatch(
        new RegExp(`^${sources} of ${sources} sources answered\\. source-\\d+ \\(confidence`),
      );
    });

    it('pages the messages of a conversation', async () => {
      const first = await request(url)
        .post('/v1/bots/echo/messages')
        .set(auth())
        .send({ text: 'one' })
        .expect(201);
      const conversationId = (first.body as ChatBody).conversationId;
      await request(url)
        .post('/v1/bots/echo/messages')
        .set(auth())
        .send({ text: 'two', conversationId })
        .expect(201);

      const page1 = await request(url)
        .get(`/v1/conversations/${conversationId}/messages?limit=3`)
        .set(auth())
        .expect(200);
      expect((page1.body.messages as MessageBody[]).map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(page1.body.nextCursor).toEqual(expect.any(String));

      const page2 = await request(url)
        .get(`/v1/conversations/${conversationId}/messages`)
        .query({ limit: 3, cursor: page1.body.nextCursor as string })
        .set(auth())
        .expect(200);
      expect(page2.body).toEqual({
        messages: [expect.objectContaining({ seq: 4, role: 'bot', text: 'echo: two' })],
        nextCursor: null,
      });

      const list = await request(url).get('/v1/conversations?limit=1').set(auth()).expect(200);
      expect(list.body.conversations).toEqual([
        expect.objectContaining({ id: conversationId, botId: 'echo', messageCount: 4 }),
      ]);
    });

    it('proxies GET /v1/proxy/httpbin/get with the service credentials and without the caller token', async () => {
      const res = await request(url)
        .get('/v1/proxy/httpbin/get?color=blue')
        .set(auth())
        .expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ url: '/get?color=blue', args: { color: 'blue' } });
      expect(res.body.headers['x-api-key']).toBe('k');
      expect(res.body.headers.authorization).toBeUndefined();
    });

    it('streams a reply over a WebSocket: chunks, then done with the stored ids', async () => {
      const socket = await openSocket(wsUrl(url, '/v1/bots/model/stream'), { headers: auth() });
      try {
        const frames = framesUntilEnd(socket);
        socket.send(JSON.stringify({ type: 'message', text: 'route my ticket' }));
        const received = await frames;
        const chunks = received.filter((f) => f.type === 'chunk');
        const done = received.at(-1);
        expect(chunks.length).toBeGreaterThan(1);
        const joined = chunks.map((c) => c.delta).join('');
        expect(done).toEqual({
          type: 'done',
          conversationId: expect.any(String),
          messageId: expect.any(String),
          replyId: expect.any(String),
          // The stored reply is the chunks as sent, the model's trailing space included.
          text: joined,
        });
        expect(joined.trim()).toBe(completionFor('route my ticket').completion);

        const stored = await request(url)
          .get(`/v1/conversations/${String(done?.conversationId)}/messages`)
          .set(auth())
          .expect(200);
        expect((stored.body.messages as MessageBody[]).map((m) => m.id)).toEqual([
          done?.messageId,
          done?.replyId,
        ]);
      } finally {
        socket.close();
      }
    });

    it('accepts the token as the bearer subprotocol and selects "bearer"', async () => {
      const socket = await openSocket(wsUrl(url, '/v1/bots/echo/stream'), {
        protocols: ['bearer', token],
      });
      try {
        expect(socket.protocol).toBe('bearer');
        const frames = framesUntilEnd(socket);
        socket.send(JSON.stringify({ type: 'message', text: 'hi there' }));
        expect((await frames).at(-1)).toMatchObject({ type: 'done', text: 'echo: hi there' });
      } finally {
        socket.close();
      }
    });

    it('serves the OpenAPI document at /docs/json and Swagger UI at /docs', async () => {
      const doc = await request(url).get('/docs/json').expect(200);
      expect(doc.body).toEqual(buildOpenApiDocument());
      const ui = await request(url).get('/docs').expect(200);
      expect(ui.headers['content-type']).toMatch(/^text\/html/);
    });

    it('echoes x-request-id, and makes one up when the client sends none', async () => {
      const given = await request(url).get('/health').set('x-request-id', 'req-42').expect(200);
      expect(given.headers['x-request-id']).toBe('req-42');
      const made = await request(url).get('/nope').expect(404);
      expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('ends the session on DELETE /v1/sessions/current', async () => {
      const other = await signUpAndLogIn(url);
      await request(url)
        .delete('/v1/sessions/current')
        .set({ authorization: `Bearer ${other}` })
        .expect(204, '');
      await request(url)
        .get('/v1/bots')
        .set({ authorization: `Bearer ${other}` })
        .expect(401);
    });
  });
}
