// docs/recipes/bodies.md#urlencoded: `express.urlencoded({ extended: false })` and
// `@fastify/formbody` read the same form alike; their limits and `__proto__` differ, and
// Fastify without the plugin answers 415.
import Fastify from 'fastify';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { urlencodedRecipe } from '../src/bodies/urlencoded.js';

const served = await servePair(urlencodedRecipe);
afterAll(() => served.close());

const fields = (count: number) => Array.from({ length: count }, (_, i) => `k${i}=1`).join('&');

describe.each(served.sides)('a form post on $name', ({ url }) => {
  it('reads repeated keys as an array, brackets as part of the key, an empty value as ""', async () => {
    const res = await request(url)
      .post('/login')
      .type('form')
      .send('user=ann&role=a&role=b&x[y]=1&empty=');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      received: { user: 'ann', role: ['a', 'b'], 'x[y]': '1', empty: '' },
    });
  });

  it('takes 1000 fields', async () => {
    const res = await request(url).post('/login').type('form').send(fields(1000));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.received)).toHaveLength(1000);
  });
});

describe('where the two form parsers differ', () => {
  it('1001 fields: Express answers 413 (parameterLimit), formbody takes them', async () => {
    const send = (url: string) => request(url).post('/login').type('form').send(fields(1001));
    const fromExpress = await send(served.express.url);
    expect(fromExpress.status).toBe(413);
    expect(fromExpress.text).toContain('too many parameters');
    const fromFastify = await send(served.fastify.url);
    expect(fromFastify.status).toBe(200);
    expect(Object.keys(fromFastify.body.received)).toHaveLength(1001);
  });

  it('a 200 KiB form: Express answers 413 (100 kB), formbody takes it (bodyLimit, 1 MiB)', async () => {
    const send = (url: string) =>
      request(url)
        .post('/login')
        .type('form')
        .send(`a=${'x'.repeat(200 * 1024)}`);
    expect((await send(served.express.url)).status).toBe(413);
    expect((await send(served.fastify.url)).status).toBe(200);
  });

  it('a __proto__ field: Express drops it, formbody keeps it as a key', async () => {
    const send = (url: string) => request(url).post('/login').type('form').send('__proto__=1&a=2');
    expect((await send(served.express.url)).body).toEqual({ received: { a: '2' } });
    const fromFastify = await send(served.fastify.url);
    expect(fromFastify.text).toBe('{"received":{"__proto__":"1","a":"2"}}');
  });

  it('Fastify without @fastify/formbody answers a form post with 415', async () => {
    const app = Fastify();
    app.post('/login', async (request) => ({ received: request.body }));
    const res = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'user=ann',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    await app.close();
  });
});
