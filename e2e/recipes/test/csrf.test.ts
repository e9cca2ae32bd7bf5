// docs/recipes/security.md#csrf: `csurf` (deprecated) and `@fastify/csrf-protection`, each with
// its secret in a cookie, hand out a token and answer 403 to a POST without it; a token in the
// body is read by csurf and not by the plugin's onRequest hook.
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { csrfRecipe } from '../src/security/csrf.js';

const served = await servePair(csrfRecipe);
afterAll(() => served.close());

/** An agent that keeps the secret cookie, and the token /csrf handed it. */
async function withToken(url: string): Promise<{ agent: request.Agent; token: string }> {
  const agent = request.agent(url);
  const res = await agent.get('/csrf').expect(200);
  return { agent, token: res.body.token };
}

describe.each(served.sides)('csrf on $name', ({ url }) => {
  it('keeps the secret in an HttpOnly SameSite=Strict cookie named _csrf', async () => {
    const res = await request(url).get('/csrf').expect(200);
    const [cookie] = res.headers['set-cookie'] as unknown as string[];
    expect(cookie).toMatch(/^_csrf=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(typeof res.body.token).toBe('string');
  });

  it('accepts a POST with the token in X-CSRF-Token and the cookie', async () => {
    const { agent, token } = await withToken(url);
    await agent.post('/transfers').set('x-csrf-token', token).send({}).expect(201, { ok: true });
  });

  it('answers 403 to a POST without a token', async () => {
    const { agent } = await withToken(url);
    const res = await agent.post('/transfers').send({});
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('answers 403 to a wrong token, and to the right token without the cookie', async () => {
    const { agent, token } = await withToken(url);
    await agent.post('/transfers').set('x-csrf-token', 'not-the-token').send({}).expect(403);
    await request(url).post('/transfers').set('x-csrf-token', token).send({}).expect(403);
  });
});

describe('what differs between csurf and the plugin', () => {
  it('answers its own 403 body: the recipe’s handler in Express, coded errors in Fastify', async () => {
    const onExpress = await request(served.express.url).post('/transfers').send({});
    expect(onExpress.body).toEqual({ error: 'invalid csrf token' });
    const noSecret = await request(served.fastify.url).post('/transfers').send({});
    expect(noSecret.body).toEqual({
      statusCode: 403,
      code: 'FST_CSRF_MISSING_SECRET',
      error: 'Forbidden',
      message: 'Missing csrf secret',
    });
    const { agent } = await withToken(served.fastify.url);
    const noToken = await agent.post('/transfers').send({});
    expect(noToken.body.code).toBe('FST_CSRF_INVALID_TOKEN');
  });

  it('takes the token from a _csrf body field in Express, not in an onRequest hook', async () => {
    const onExpress = await withToken(served.express.url);
    await onExpress.agent.post('/transfers').send({ _csrf: onExpress.token }).expect(201);
    // onRequest runs before Fastify parses the body, so the plugin's getToken sees no body.
    const onFastify = await withToken(served.fastify.url);
    await onFastify.agent.post('/transfers').send({ _csrf: onFastify.token }).expect(403);
  });

  it('reads a _csrf body field when the hook runs in preHandler, after the body is parsed', async () => {
    const app = Fastify();
    await app.register(fastifyCookie);
    await app.register(fastifyCsrf);
    app.get('/csrf', async (_request, reply) => ({ token: reply.generateCsrf() }));
    app.post('/transfers', { preHandler: app.csrfProtection }, async (_request, reply) =>
      reply.code(201).send({ ok: true }),
    );
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const { agent, token } = await withToken(url);
    await agent.post('/transfers').send({ _csrf: token }).expect(201);
    await app.close();
  });
});
