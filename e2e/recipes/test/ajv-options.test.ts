// docs/migration-guide.md#validation: Fastify's Ajv with its defaults, with
// `removeAdditional: false` alone, and with a strict compiler for bodies: which of the three
// promises (unknown fields refused, body types left alone, every failure in the app's own
// 400 body) each one keeps.
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultAjv, removeAdditionalOnly, strictBodies } from '../src/validation/ajv-options.js';

const apps: FastifyInstance[] = [];
afterAll(() => Promise.all(apps.map((app) => app.close())));
async function post(build: () => FastifyInstance, body: unknown) {
  const app = build();
  apps.push(app);
  return app.inject({ method: 'POST', url: '/items', payload: body as object });
}

describe("Fastify's defaults", () => {
  it('drop an unknown body field and answer 201', async () => {
    const res = await post(defaultAjv, { name: 'pen', qty: 1, admin: true });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ name: 'pen', qty: 1 });
  });
});

describe('removeAdditional: false alone', () => {
  it('refuses an unknown body field with 400', async () => {
    const res = await post(removeAdditionalOnly, { name: 'pen', qty: 1, admin: true });
    expect(res.statusCode).toBe(400);
  });

  it('still coerces a body string to a number, so "5" passes as 5', async () => {
    const res = await post(removeAdditionalOnly, { name: 'pen', qty: '5' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ name: 'pen', qty: 5 });
  });

  it("still answers Fastify's own 400, naming the first failure only", async () => {
    const res = await post(removeAdditionalOnly, { name: '', qty: 0 });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'FST_ERR_VALIDATION', statusCode: 400 });
    expect(res.json()).not.toHaveProperty('error.details');
  });
});

describe('a strict compiler for bodies and an error handler', () => {
  it('refuses an unknown body field and a string where the schema says integer', async () => {
    expect((await post(strictBodies, { name: 'pen', qty: 1, admin: true })).statusCode).toBe(400);
    expect((await post(strictBodies, { name: 'pen', qty: '5' })).statusCode).toBe(400);
  });

  it("reports every failure in the app's own body", async () => {
    const res = await post(strictBodies, { name: '', qty: 0 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(
      res
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['/name', '/qty']);
  });

  it('still coerces the query string, which arrives as text', async () => {
    const app = strictBodies();
    apps.push(app);
    const res = await app.inject({ method: 'GET', url: '/items?limit=5' });
    expect(res.json()).toEqual({ limit: 5, type: 'number' });
  });

  it('accepts a valid body with 201', async () => {
    expect((await post(strictBodies, { name: 'pen', qty: 2 })).statusCode).toBe(201);
  });
});
