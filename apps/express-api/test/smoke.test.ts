import { buildOpenApiDocument } from '@switchyard/api-spec';
import { databaseTargets } from '@switchyard/persistence/testing';
import { completionFor } from '@switchyard/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, signedIn, startStack, wsUrl, type Stack } from './support.js';

// What the contract suite (e2e/contract) does not check for this app: the Swagger UI's init
// script, x-request-id handling, the bots' stored seqs, the proxy's headers and body, a refused
// upgrade on an unknown path, and the exact JSON content type of each error. A case the contract
// or the bad-input table makes in the same way lives there only.
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
    it_('GET /docs/json serves the OpenAPI document and GET /docs the Swagger UI', async () => {
      const json = await request(url).get('/docs/json').expect(200);
      expect(json.body).toEqual(buildOpenApiDocument());
      const ui = await request(url)
        .get('/docs')
        .expect(200)
        .expect('content-type', /text\/html/);
      expect(ui.text).toContain('<script src="/docs/static/swagger-initializer.js">');
      const init = await request(url).get('/docs/static/swagger-initializer.js').expect(200);
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

  describe('POST /v1/bots/:botId/messages', () => {
    it_.each([
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
    it_.each([['an unknown path', '/v1/elsewhere', true, 404, 'SWY_ERR_NOT_FOUND']] as const)(
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
  });
});
