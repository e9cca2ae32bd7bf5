// docs/recipes/validation.md#response-time: the same X-Response-Time header from
// `response-time` and from an onSend hook, on a route's answer and on a 404.
import Fastify from 'fastify';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { responseTimeRecipe } from '../src/validation/response-time.js';

const served = await servePair(responseTimeRecipe);
afterAll(() => served.close());
const FORMAT = /^\d+\.\d{3}ms$/;

describe.each(served.sides)('X-Response-Time on $name', ({ url }) => {
  it("sets the header on a route's answer, in milliseconds with three decimals", async () => {
    const res = await request(url).get('/items').expect(200);
    expect(res.headers['x-response-time']).toMatch(FORMAT);
  });

  it('sets the header on a 404 too', async () => {
    const res = await request(url).get('/missing').expect(404);
    expect(res.headers['x-response-time']).toMatch(FORMAT);
  });
});

describe('an onResponse hook', () => {
  it('runs after the answer is sent, so a header set there never reaches the client', async () => {
    const app = Fastify();
    app.addHook('onResponse', async (_request, reply) => {
      reply.header('x-response-time', `${reply.elapsedTime.toFixed(3)}ms`);
    });
    app.get('/items', async () => ({ items: [] }));
    const res = await app.inject('/items');
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-response-time']).toBeUndefined();
  });
});
