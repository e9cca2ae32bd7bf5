// docs/recipes/bodies.md#replies: status, headers, type and body set by Express's `res` methods
// and by Fastify's `reply`, a response schema that drops a field Express sends, and what
// `res.sendStatus` writes that `reply.code().send()` does not.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { repliesRecipe } from '../src/bodies/replies.js';

const served = await servePair(repliesRecipe);
afterAll(() => served.close());

describe.each(served.sides)('replies on $name', ({ url }) => {
  it('sends JSON with the status and the header it set', async () => {
    const res = await request(url).get('/users/1').expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ id: 1, name: 'Ann' });
  });

  it('answers 201 with a Location', async () => {
    const res = await request(url).post('/users').expect(201);
    expect(res.headers['location']).toBe('/users/2');
    expect(res.body).toEqual({ id: 2, name: 'Bea' });
  });

  it('sends text with the type it set', async () => {
    const res = await request(url).get('/health').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toBe('ok');
  });

  it('answers 204 with no body and no type', async () => {
    const res = await request(url).delete('/users/1').expect(204);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
  });
});

describe('where res and reply differ', () => {
  it('a response schema: Express sends passwordHash, Fastify drops the field the schema does not list', async () => {
    const fromExpress = await request(served.express.url).get('/users/1');
    expect(fromExpress.body).toEqual({ id: 1, name: 'Ann', passwordHash: 'argon2id$…' });
    const fromFastify = await request(served.fastify.url).get('/users/1');
    expect(fromFastify.body).toEqual({ id: 1, name: 'Ann' });
  });

  it("type('text/plain'): Express adds charset=utf-8, Fastify sends the type as given", async () => {
    const fromExpress = await request(served.express.url).get('/health');
    expect(fromExpress.headers['content-type']).toBe('text/plain; charset=utf-8');
    const fromFastify = await request(served.fastify.url).get('/health');
    expect(fromFastify.headers['content-type']).toBe('text/plain');
  });

  it('sendStatus(410) writes the reason as a text body, reply.code(410).send() an empty one', async () => {
    const fromExpress = await request(served.express.url).get('/legacy').expect(410);
    expect(fromExpress.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(fromExpress.text).toBe('Gone');
    const fromFastify = await request(served.fastify.url).get('/legacy').expect(410);
    expect(fromFastify.headers['content-type']).toBeUndefined();
    expect(fromFastify.headers['content-length']).toBe('0');
    expect(fromFastify.text).toBe('');
  });
});
