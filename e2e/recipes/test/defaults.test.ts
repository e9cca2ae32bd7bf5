// The defaults that differ between Express 5 and Fastify 5, asserted on a bare app of each with
// nothing configured (src/defaults): a release of either framework that changes one fails here,
// and the guide's "Defaults that differ" table is this file in prose. Each case states both
// sides, so that a default the two come to share fails too.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBareExpress, buildBareFastify } from '../src/defaults/index.js';

let expressServer: Server;
let expressUrl: string;
const fastify = buildBareFastify();
let fastifyUrl: string;

beforeAll(async () => {
  expressServer = buildBareExpress().listen(0, '127.0.0.1');
  await new Promise((resolve) => expressServer.once('listening', resolve));
  expressUrl = `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}`;
  fastifyUrl = await fastify.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await new Promise((resolve) => expressServer.close(resolve));
  await fastify.close();
});

const express5 = () => request(expressUrl);
const fastify5 = () => request(fastifyUrl);

describe('routing', () => {
  it('a trailing slash: Express matches /items/1/ as /items/1, Fastify answers 404', async () => {
    await express5().get('/items/1/').expect(200, { id: '1' });
    await fastify5().get('/items/1/').expect(404);
  });

  it('case: Express matches /ITEMS/1 as /items/1, Fastify answers 404', async () => {
    await express5().get('/ITEMS/1').expect(200, { id: '1' });
    await fastify5().get('/ITEMS/1').expect(404);
  });

  it('a parameter over 100 characters: Express takes it, Fastify answers 414', async () => {
    const id = 'x'.repeat(101);
    await express5().get(`/items/${id}`).expect(200, { id });
    await fastify5().get(`/items/${id}`).expect(414);
    await fastify5()
      .get(`/items/${'x'.repeat(100)}`)
      .expect(200);
  });

  it('OPTIONS on a known path: Express answers 200 with Allow, Fastify answers 404', async () => {
    const ex = await express5().options('/items/1');
    expect(ex.status).toBe(200);
    expect(ex.headers['allow']).toBe('GET, HEAD');
    await fastify5().options('/items/1').expect(404);
  });

  it('HEAD on a GET route: both answer it, without a body', async () => {
    for (const app of [express5, fastify5]) {
      const res = await app().head('/items/1');
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe(String('{"id":"1"}'.length));
      expect(res.text).toBeUndefined();
    }
  });
});

describe('bodies', () => {
  it('the body limit: Express 100 kB (413 past it), Fastify 1 MiB', async () => {
    const body = JSON.stringify({ text: 'x'.repeat(200 * 1024) });
    await express5().post('/echo').type('json').send(body).expect(413);
    await fastify5().post('/echo').type('json').send(body).expect(200);
    const overMiB = JSON.stringify({ text: 'x'.repeat(1024 * 1024) });
    await fastify5().post('/echo').type('json').send(overMiB).expect(413);
  });

  it('an unknown content type: Express leaves the body unread, Fastify answers 415', async () => {
    await express5().post('/echo').type('application/xml').send('<a/>').expect(200, { body: null });
    await fastify5().post('/echo').type('application/xml').send('<a/>').expect(415);
  });

  it('text/plain: Express leaves it unread, Fastify parses it as a string', async () => {
    await express5().post('/echo').type('text/plain').send('hello').expect(200, { body: null });
    await fastify5().post('/echo').type('text/plain').send('hello').expect(200, { body: 'hello' });
  });

  it('an empty JSON body: Express reads {}, Fastify answers 400', async () => {
    await express5()
      .post('/echo')
      .set('content-type', 'application/json')
      .expect(200, { body: {} });
    await fastify5().post('/echo').set('content-type', 'application/json').expect(400);
  });

  it('a DELETE with a JSON body: both parse it', async () => {
    for (const app of [express5, fastify5]) {
      await app()
        .delete('/echo')
        .send({ a: 1 })
        .expect(200, { body: { a: 1 } });
    }
  });

  it('a GET with a JSON body: Express parses it, Fastify ignores it', async () => {
    await express5()
      .get('/echo')
      .send({ a: 1 })
      .expect(200, { body: { a: 1 } });
    await fastify5().get('/echo').send({ a: 1 }).expect(200, { body: null });
  });

  it('"__proto__" in JSON: Express keeps it as a key, Fastify answers 400', async () => {
    const poisoned = '{"__proto__":{"admin":true},"a":1}';
    const ex = await express5().post('/echo').type('json').send(poisoned).expect(200);
    expect(ex.text).toBe('{"body":{"__proto__":{"admin":true},"a":1}}');
    await fastify5().post('/echo').type('json').send(poisoned).expect(400);
  });
});

describe('answers', () => {
  it('ETag: Express adds a weak one to every answer, Fastify none', async () => {
    const ex = await express5().get('/items/1').expect(200);
    expect(ex.headers['etag']).toMatch(/^W\/"/);
    const fa = await fastify5().get('/items/1').expect(200);
    expect(fa.headers['etag']).toBeUndefined();
  });

  it('X-Powered-By: Express says "Express", Fastify nothing', async () => {
    const ex = await express5().get('/items/1');
    expect(ex.headers['x-powered-by']).toBe('Express');
    const fa = await fastify5().get('/items/1');
    expect(fa.headers['x-powered-by']).toBeUndefined();
  });

  it('an unknown route: Express answers an HTML page, Fastify JSON', async () => {
    const ex = await express5().get('/nope').expect(404);
    expect(ex.headers['content-type']).toMatch(/^text\/html/);
    expect(ex.text).toContain('Cannot GET /nope');
    const fa = await fastify5().get('/nope').expect(404);
    expect(fa.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Route GET:/nope not found',
    });
  });

  it('a thrown error: Express answers an HTML page, Fastify JSON with the message', async () => {
    for (const path of ['/error', '/rejected']) {
      const ex = await express5().get(path).expect(500);
      expect(ex.headers['content-type']).toMatch(/^text\/html/);
      const fa = await fastify5().get(path).expect(500);
      expect(fa.body).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'boom',
      });
    }
  });
});

describe('query strings', () => {
  it('repeated keys become arrays in both; brackets stay part of the key in both', async () => {
    for (const app of [express5, fastify5]) {
      await app()
        .get('/query?a=1&a=2&b[c]=3')
        .expect(200, { a: ['1', '2'], 'b[c]': '3' });
    }
  });
});

describe('the server', () => {
  it('the keep-alive timeout: Express keeps Node 5 s, Fastify sets 72 s', () => {
    expect(expressServer.keepAliveTimeout).toBe(5_000);
    expect(fastify.server.keepAliveTimeout).toBe(72_000);
  });
});
