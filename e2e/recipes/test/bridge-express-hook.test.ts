// docs/recipes/bridge.md#express-hook: the same Express side mounted with
// `expressHook: 'onRequest'` (the default) and `'preHandler'`. With preHandler Fastify has read
// and parsed the body first: a global express.json() no longer hangs a Fastify POST, and the
// Express middleware sees req.body; but a route that needs the raw bytes gets Fastify's object,
// a bad JSON body gets Fastify's error instead of Express's, and an early not-found hook (as in
// this repository's bridge) answers 404 for every route only Express knows.
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHookedApp, sign } from '../src/bridge/express-hook.js';

const NOTE = { text: 'hello' };
const EVENT = JSON.stringify({ event: 'paid', id: 7 });

const VARIANTS = {
  onRequest: { expressHook: 'onRequest' },
  preHandler: { expressHook: 'preHandler' },
  'onRequest+notFound': { expressHook: 'onRequest', earlyNotFound: true },
  'preHandler+notFound': { expressHook: 'preHandler', earlyNotFound: true },
} as const;

const apps: FastifyInstance[] = [];
const urls = {} as Record<keyof typeof VARIANTS, string>;
beforeAll(async () => {
  for (const [name, options] of Object.entries(VARIANTS)) {
    const app = await buildHookedApp(options);
    apps.push(app);
    urls[name as keyof typeof VARIANTS] = await app.listen({ port: 0, host: '127.0.0.1' });
  }
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

describe.each(['onRequest', 'preHandler'] as const)('with expressHook: %s', (hook) => {
  it('serves a POST to an Express route, its body parsed', async () => {
    const res = await request(urls[hook]).post('/express/notes').send(NOTE).timeout(5_000);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ side: 'express', body: NOTE });
  });

  it('serves a GET that only Express knows, with Fastify answering unknown routes itself', async () => {
    const res = await request(urls[hook]).get('/express/only').timeout(5_000);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ side: 'express' });
  });
});

describe("expressHook: 'onRequest' (the default)", () => {
  it('never answers a POST to a Fastify route: the global express.json() read its body', async () => {
    const answer = request(urls.onRequest).post('/fastify/notes').send(NOTE).timeout(1_500);
    await expect(answer).rejects.toThrow(/Timeout of 1500ms exceeded/);
  });

  it('gives the webhook its raw bytes, so the signature verifies', async () => {
    const res = await request(urls.onRequest)
      .post('/webhooks')
      .set('content-type', 'application/json')
      .set('x-signature', sign(EVENT))
      .send(EVENT)
      .timeout(5_000);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ verified: true });
  });

  it("answers a bad JSON body with Express's error handler", async () => {
    const res = await request(urls.onRequest)
      .post('/express/notes')
      .set('content-type', 'application/json')
      .send('{"text":')
      .timeout(5_000);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid json', from: 'express' });
  });

  it('serves an Express-only route behind an early not-found hook: Express ran first', async () => {
    const res = await request(urls['onRequest+notFound']).get('/express/only').timeout(5_000);
    expect(res.status).toBe(200);
  });
});

describe("expressHook: 'preHandler'", () => {
  it('answers a POST to a Fastify route, and the Express middleware saw the parsed body', async () => {
    const res = await request(urls.preHandler).post('/fastify/notes').send(NOTE).timeout(5_000);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ side: 'fastify', body: NOTE });
    expect(JSON.parse(res.headers['x-express-saw-body'] as string)).toEqual(NOTE);
  });

  it("hands the webhook Fastify's parsed object, not the bytes: the raw-body route breaks", async () => {
    const res = await request(urls.preHandler)
      .post('/webhooks')
      .set('content-type', 'application/json')
      .set('x-signature', sign(EVENT))
      .send(EVENT)
      .timeout(5_000);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'raw body required', got: 'object' });
  });

  it("answers a bad JSON body with Fastify's error: Express never sees the request", async () => {
    const res = await request(urls.preHandler)
      .post('/express/notes')
      .set('content-type', 'application/json')
      .send('{"text":')
      .timeout(5_000);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
  });

  it('answers 404 for an Express-only route behind an early not-found hook', async () => {
    const res = await request(urls['preHandler+notFound']).get('/express/only').timeout(5_000);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not found', from: 'fastify' });
  });
});
