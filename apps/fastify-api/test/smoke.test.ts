import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { databaseTargets } from '@switchyard/persistence/testing';
import { buildCredentials, startStack, type Stack } from './support.js';

// What the contract suite (e2e/contract) does not check for this app: the exact JSON content
// type, the proxy's headers and body as the stand-in saw them, and x-request-id handling. A case
// the contract or the bad-input table makes in the same way lives there only.
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

    it('echoes x-request-id, and makes one up when the client sends none', async () => {
      const given = await request(url).get('/health').set('x-request-id', 'req-42').expect(200);
      expect(given.headers['x-request-id']).toBe('req-42');
      const made = await request(url).get('/nope').expect(404);
      expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
}
