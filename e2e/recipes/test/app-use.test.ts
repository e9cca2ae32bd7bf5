// docs/recipes/routing.md#app-use: a middleware from `app.use`, the same thing as an onRequest
// hook, and the middleware itself run by `@fastify/middie`.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import {
  buildMiddieApp,
  middlewareRecipe,
  requestIdExpressApi,
} from '../src/routing/middleware.js';

const served = await servePair(middlewareRecipe);
const middie = await buildMiddieApp();
const middieUrl = await middie.listen({ port: 0, host: '127.0.0.1' });
afterAll(async () => {
  await served.close();
  await middie.close();
});

const sides = [...served.sides, { name: 'fastify with middie', url: middieUrl }];

describe.each(sides)('request ids on $name', ({ url }) => {
  it('echoes the incoming X-Request-Id', async () => {
    const res = await request(url).get('/items').set('x-request-id', 'abc').expect(200);
    expect(res.headers['x-request-id']).toBe('abc');
  });

  it('makes one up when there is none, on an unknown route too', async () => {
    const known = await request(url).get('/items').expect(200);
    expect(known.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unknown = await request(url).get('/nope').expect(404);
    expect(unknown.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('@fastify/middie', () => {
  it('gives middleware Node’s request and response, so one that calls req.get fails with 500', async () => {
    const app = await buildMiddieApp(requestIdExpressApi as never);
    const res = await app.inject({ method: 'GET', url: '/items' });
    expect(res.statusCode).toBe(500);
    expect(res.json().message).toBe('req.get is not a function');
    await app.close();
  });
});
