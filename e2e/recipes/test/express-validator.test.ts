// docs/recipes/validation.md#express-validator: `express-validator` chains and a Fastify route
// schema accept and convert the same input, reject the same input with 400, and differ in the
// 400's body and in what happens to unknown fields.
import express from 'express';
import { body, matchedData, query } from 'express-validator';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { expressValidatorRecipe } from '../src/validation/express-validator.js';

const served = await servePair(expressValidatorRecipe);
afterAll(() => served.close());

describe.each(served.sides)('validation on $name', ({ url }) => {
  it('accepts a valid body with 201', async () => {
    const res = await request(url).post('/items').send({ name: 'pen', qty: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'pen', qty: 2 });
  });

  it('rejects a body with a missing or wrong field with 400', async () => {
    await request(url).post('/items').send({ name: 'pen' }).expect(400);
    await request(url).post('/items').send({ name: 'pen', qty: 0 }).expect(400);
    await request(url).post('/items').send({ name: '', qty: 1 }).expect(400);
  });

  it('hands the handler a query string number as a number', async () => {
    const res = await request(url).get('/items?limit=5').expect(200);
    expect(res.body).toEqual({ limit: 5, type: 'number' });
  });

  it('rejects a query string that is not an integer with 400', async () => {
    await request(url).get('/items?limit=five').expect(400);
  });

  it('hands the handler a path parameter as a number, and rejects a non-integer with 400', async () => {
    const res = await request(url).get('/items/42').expect(200);
    expect(res.body).toEqual({ id: 42, type: 'number' });
    await request(url).get('/items/abc').expect(400);
  });

  it('drops an unknown body field from what the handler answers', async () => {
    const res = await request(url).post('/items').send({ name: 'pen', qty: 2, admin: true });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'pen', qty: 2 });
  });
});

describe('the 400 body', () => {
  it('lists every failed check from express-validator, and names the first one in a message from Fastify', async () => {
    const ex = await request(served.express.url).post('/items').send({});
    expect(ex.status).toBe(400);
    expect(ex.body).toEqual({
      // One entry per failed validator: isString() and notEmpty() for name, isInt() for qty.
      errors: [
        { type: 'field', msg: 'Invalid value', path: 'name', location: 'body' },
        { type: 'field', msg: 'Invalid value', path: 'name', location: 'body' },
        { type: 'field', msg: 'Invalid value', path: 'qty', location: 'body' },
      ],
    });
    const fa = await request(served.fastify.url).post('/items').send({});
    expect(fa.status).toBe(400);
    expect(fa.body).toEqual({
      statusCode: 400,
      code: 'FST_ERR_VALIDATION',
      error: 'Bad Request',
      message: "body must have required property 'name'",
    });
  });

  it("names the query string in Fastify's message", async () => {
    const fa = await request(served.fastify.url).get('/items?limit=five').expect(400);
    expect(fa.body.message).toBe('querystring/limit must be integer');
  });
});

describe('express-validator sanitizers on Express 5', () => {
  it('leave req.query a string (its getter cannot be written) while matchedData has the number', async () => {
    const app = express();
    app.get('/q', query('limit').toInt(), (req, res) => {
      res.json({
        raw: typeof (req.query as Record<string, unknown>).limit,
        matched: typeof matchedData(req).limit,
      });
    });
    const res = await request(app).get('/q?limit=5').expect(200);
    expect(res.body).toEqual({ raw: 'string', matched: 'number' });
  });
});

describe('an unknown body field', () => {
  it('stays in req.body behind express-validator, and is removed before the handler by Fastify', async () => {
    const app = express();
    app.use(express.json());
    app.post('/b', body('name').isString(), (req, res) => {
      res.json(req.body);
    });
    const ex = await request(app).post('/b').send({ name: 'pen', admin: true }).expect(200);
    expect(ex.body).toEqual({ name: 'pen', admin: true });
    const fa = await served.fastifyApp.inject({
      method: 'POST',
      url: '/items',
      payload: { name: 'pen', qty: 1, admin: true },
    });
    expect(fa.json()).toEqual({ name: 'pen', qty: 1 });
  });
});
