// docs/recipes/validation.md#typebox: one TypeBox schema checked by Ajv in Express and by
// Fastify through @fastify/type-provider-typebox; the response schema is Fastify's alone.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { typeboxRecipe } from '../src/validation/typebox.js';

const served = await servePair(typeboxRecipe);
afterAll(() => served.close());

describe.each(served.sides)('TypeBox on $name', ({ url }) => {
  it('accepts a valid body with 201 and the id', async () => {
    const res = await request(url).post('/items').send({ name: 'pen', qty: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 1, name: 'pen', qty: 2 });
  });

  it('rejects a missing field and a number below the minimum with 400', async () => {
    await request(url).post('/items').send({ name: 'pen' }).expect(400);
    await request(url).post('/items').send({ name: 'pen', qty: 0 }).expect(400);
  });

  it('removes an unknown body field before the handler, with the same Ajv options', async () => {
    const res = await request(url).post('/items').send({ name: 'pen', qty: 2, admin: true });
    expect(res.status).toBe(201);
    expect(res.body.admin).toBeUndefined();
  });
});

describe('a field the response schema does not list', () => {
  it('reaches the client from Express and is dropped by Fastify', async () => {
    const ex = await request(served.express.url).post('/items').send({ name: 'pen', qty: 2 });
    expect(ex.body).toEqual({ id: 1, name: 'pen', qty: 2, costPrice: 0.4 });
    const fa = await request(served.fastify.url).post('/items').send({ name: 'pen', qty: 2 });
    expect(fa.body).toEqual({ id: 1, name: 'pen', qty: 2 });
  });
});

describe('the 400 body', () => {
  it("is Ajv's errors array as the handler sends it, and Ajv's first message from Fastify", async () => {
    const ex = await request(served.express.url).post('/items').send({ name: 'pen' });
    expect(ex.status).toBe(400);
    expect(ex.body).toEqual({
      errors: [
        {
          instancePath: '',
          schemaPath: '#/required',
          keyword: 'required',
          params: { missingProperty: 'qty' },
          message: "must have required property 'qty'",
        },
      ],
    });
    const fa = await request(served.fastify.url).post('/items').send({ name: 'pen' });
    expect(fa.status).toBe(400);
    expect(fa.body).toEqual({
      statusCode: 400,
      code: 'FST_ERR_VALIDATION',
      error: 'Bad Request',
      message: "body must have required property 'qty'",
    });
  });
});
