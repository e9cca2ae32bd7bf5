// docs/recipes/validation.md#joi: the same Joi schemas behind celebrate and behind Fastify's
// setValidatorCompiler accept, convert and reject the same input; the 400 bodies differ.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { joiRecipe } from '../src/validation/joi.js';

const served = await servePair(joiRecipe);
afterAll(() => served.close());

describe.each(served.sides)('Joi on $name', ({ url }) => {
  it('accepts a valid body with 201', async () => {
    const res = await request(url).post('/items').send({ name: 'pen', qty: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'pen', qty: 2 });
  });

  it('rejects a missing field, a wrong type and an unknown field with 400', async () => {
    await request(url).post('/items').send({ name: 'pen' }).expect(400);
    await request(url).post('/items').send({ name: 'pen', qty: 'many' }).expect(400);
    await request(url).post('/items').send({ name: 'pen', qty: 1, admin: true }).expect(400);
  });

  it('hands the handler the value Joi converted: a query string number as a number', async () => {
    const res = await request(url).get('/items?limit=5').expect(200);
    expect(res.body).toEqual({ limit: 5, type: 'number' });
  });
});

describe('the 400 body', () => {
  it('nests the Joi message under validation.body from celebrate, and puts it in message from Fastify', async () => {
    const ex = await request(served.express.url).post('/items').send({ name: 'pen' });
    expect(ex.status).toBe(400);
    expect(ex.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Validation failed',
      validation: { body: { source: 'body', keys: ['qty'], message: '"qty" is required' } },
    });
    const fa = await request(served.fastify.url).post('/items').send({ name: 'pen' });
    expect(fa.status).toBe(400);
    expect(fa.body).toEqual({
      statusCode: 400,
      code: 'FST_ERR_VALIDATION',
      error: 'Bad Request',
      message: '"qty" is required',
    });
  });
});
