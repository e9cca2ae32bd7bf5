// docs/recipes/validation.md#zod: the same Zod schemas behind a hand-written Express
// middleware and behind fastify-type-provider-zod's compilers.
import Fastify from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { Item, zodRecipe } from '../src/validation/zod.js';

const served = await servePair(zodRecipe);
afterAll(() => served.close());

describe.each(served.sides)('Zod on $name', ({ url }) => {
  it('accepts a valid body with 201', async () => {
    const res = await request(url).post('/items').send({ name: 'pen', qty: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'pen', qty: 2 });
  });

  it('rejects a missing field and a wrong type with 400', async () => {
    await request(url).post('/items').send({ name: 'pen' }).expect(400);
    await request(url).post('/items').send({ name: 'pen', qty: '2' }).expect(400);
  });

  it('strips an unknown body field and answers 201', async () => {
    const res = await request(url).post('/items').send({ name: 'pen', qty: 2, admin: true });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'pen', qty: 2 });
  });

  it('coerces a query string number with z.coerce, and rejects a non-number with 400', async () => {
    const res = await request(url).get('/items?limit=5').expect(200);
    expect(res.body).toEqual({ limit: 5, type: 'number' });
    await request(url).get('/items?limit=five').expect(400);
  });
});

describe('the 400 body', () => {
  it('is the Zod issues from the middleware, and one message with the path from Fastify', async () => {
    const ex = await request(served.express.url).post('/items').send({ name: 'pen' });
    expect(ex.status).toBe(400);
    expect(ex.body).toEqual({
      issues: [
        {
          expected: 'number',
          code: 'invalid_type',
          path: ['qty'],
          message: 'Invalid input: expected number, received undefined',
        },
      ],
    });
    const fa = await request(served.fastify.url).post('/items').send({ name: 'pen' });
    expect(fa.status).toBe(400);
    expect(fa.body).toEqual({
      statusCode: 400,
      code: 'FST_ERR_VALIDATION',
      error: 'Bad Request',
      message: 'body/qty Invalid input: expected number, received undefined',
    });
  });
});

describe('a Zod response schema in Fastify', () => {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const response = { 200: Item };
  typed.get('/leak', { schema: { response } }, async () => ({ name: 'pen', qty: 1, secret: 's3' }));
  // @ts-expect-error qty is a number in the schema; the type provider says so at compile time
  typed.get('/wrong', { schema: { response } }, async () => ({ name: 'pen', qty: 'one' }));
  afterAll(() => app.close());

  it('drops a field it does not list', async () => {
    const res = await app.inject('/leak');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: 'pen', qty: 1 });
  });

  it('answers 500 FST_ERR_RESPONSE_SERIALIZATION when the handler returns the wrong type', async () => {
    const res = await app.inject('/wrong');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'FST_ERR_RESPONSE_SERIALIZATION' });
  });
});
