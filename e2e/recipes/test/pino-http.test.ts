// docs/recipes/validation.md#pino-http: a request id from pino-http and from Fastify's
// logger, taken from the caller's header or generated, echoed, and on the handler's log line.
import Fastify from 'fastify';
import request from 'supertest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { captureLines, servePair } from '../src/harness.js';
import { pinoHttpRecipe } from '../src/validation/pino-http.js';

const lines = captureLines();
const served = await servePair(pinoHttpRecipe(lines.streams));
afterAll(() => served.close());
beforeEach(() => lines.clear());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const entries = (side: 'express' | 'fastify') =>
  lines[side].map((line) => JSON.parse(line) as Record<string, unknown>);

describe.each(served.sides)('request ids on $name', ({ url }) => {
  it("takes the caller's X-Request-Id and echoes it", async () => {
    const res = await request(url).get('/items').set('x-request-id', 'abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.body).toEqual({ id: 'abc-123' });
  });

  it('makes up a UUID when the caller sends none, and echoes it', async () => {
    const res = await request(url).get('/items').expect(200);
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.body.id).toBe(res.headers['x-request-id']);
  });
});

describe("the handler's log line", () => {
  it('carries the id as req.id, with every request header, from pino-http; as requestId alone from Fastify', async () => {
    await request(served.express.url).get('/items').set('x-request-id', 'ex-1').expect(200);
    await request(served.fastify.url).get('/items').set('x-request-id', 'fa-1').expect(200);
    const ex = entries('express').find((entry) => entry['msg'] === 'listing items');
    expect(ex).toMatchObject({ req: { id: 'ex-1', headers: { 'x-request-id': 'ex-1' } } });
    const fa = entries('fastify').find((entry) => entry['msg'] === 'listing items');
    expect(fa).toMatchObject({ requestId: 'fa-1' });
    expect(fa).not.toHaveProperty('req');
  });

  it('comes with "request completed" from pino-http, and with "incoming request" too from Fastify', async () => {
    await request(served.express.url).get('/items').expect(200);
    await request(served.fastify.url).get('/items').expect(200);
    expect(entries('express').map((entry) => entry['msg'])).toEqual([
      'listing items',
      'request completed',
    ]);
    expect(entries('fastify').map((entry) => entry['msg'])).toEqual([
      'incoming request',
      'listing items',
      'request completed',
    ]);
  });
});

describe('Fastify without requestIdHeader', () => {
  it("ignores the caller's X-Request-Id and counts req-1, req-2", async () => {
    const app = Fastify();
    app.get('/items', async (request) => ({ id: request.id }));
    const res = await app.inject({ url: '/items', headers: { 'x-request-id': 'abc-123' } });
    await app.close();
    expect(res.json()).toEqual({ id: 'req-1' });
    expect(res.headers['x-request-id']).toBeUndefined();
  });
});
