// docs/recipes/routing.md#error-handler and docs/recipes/routing.md#not-found: the 4-argument
// error middleware against setErrorHandler, the last app.use against setNotFoundHandler.
import Fastify from 'fastify';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { errorsRecipe } from '../src/routing/errors.js';

const served = await servePair(errorsRecipe);
afterAll(() => served.close());

describe.each(served.sides)('errors on $name', ({ url }) => {
  it('answers a bad body with 400 and the message', async () => {
    const res = await request(url).post('/items').send({}).expect(400);
    expect(res.body.error).toBe('name is required');
    await request(url).post('/items').send({ name: 'a' }).expect(201, { name: 'a' });
  });

  it('answers a thrown error with 500 and without its message', async () => {
    await request(url).get('/boom').expect(500, { error: 'internal error' });
  });

  it('hands errors from the scoped routes to the scoped handler only', async () => {
    const res = await request(url).get('/legacy/boom').expect(500);
    expect(res.text).toBe('legacy error');
  });

  it('answers an unknown path with the JSON 404', async () => {
    await request(url)
      .get('/nope?x=1')
      .expect(404, {
        error: 'not found',
        path: served.express.url === url ? '/nope' : '/nope?x=1',
      });
  });

  it('answers a known path with another method with the JSON 404', async () => {
    await request(url).delete('/items').expect(404);
  });
});

describe('what differs', () => {
  it('Fastify’s handler gets the schema errors in error.validation, with the context', async () => {
    const res = await request(served.fastify.url).post('/items').send({}).expect(400);
    expect(res.body).toEqual({
      error: 'name is required',
      context: 'body',
      issues: ["must have required property 'name'"],
    });
  });

  it('a route after the 404: Express never reaches it, Fastify matches it', async () => {
    await request(served.express.url).get('/late').expect(404);
    await request(served.fastify.url).get('/late').expect(200, { late: true });
  });
});

describe('setErrorHandler after an awaited register', () => {
  it('leaves the routes added before the register with Fastify’s default handler', async () => {
    const app = Fastify();
    app.get('/before', async () => {
      throw new Error('boom');
    });
    await app.register(async () => {});
    app.get('/after', async () => {
      throw new Error('boom');
    });
    app.setErrorHandler(async (_error, _request, reply) => reply.code(500).send({ mine: true }));
    const before = await app.inject('/before');
    expect(before.json()).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'boom',
    });
    expect((await app.inject('/after')).json()).toEqual({ mine: true });
    await app.close();
  });
});
