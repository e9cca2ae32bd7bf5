// docs/recipes/routing.md#redirects: `res.redirect` and `reply.redirect` send the same status
// and Location; only Express writes a body.
import Fastify from 'fastify';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { redirectsRecipe } from '../src/routing/redirects.js';

const served = await servePair(redirectsRecipe);
afterAll(() => served.close());

describe.each(served.sides)('redirects on $name', ({ url }) => {
  it('answers 302 with the Location when no status is given', async () => {
    const res = await request(url).get('/old').redirects(0).expect(302);
    expect(res.headers['location']).toBe('/new');
  });

  it('answers the status it is given, 301 here', async () => {
    const res = await request(url).get('/moved').redirects(0).expect(301);
    expect(res.headers['location']).toBe('/new');
  });
});

describe('the body of a redirect', () => {
  it('Express writes a short text, Fastify none', async () => {
    const ex = await request(served.express.url).get('/old').redirects(0).accept('text/plain');
    expect(ex.text).toBe('Found. Redirecting to /new');
    const fa = await request(served.fastify.url).get('/old').redirects(0).accept('text/plain');
    expect(fa.headers['content-length']).toBe('0');
    expect(fa.text).toBe('');
  });
});

describe('Express’s argument order on Fastify 5', () => {
  it('reply.redirect(301, url) answers 500 FST_ERR_BAD_STATUS_CODE', async () => {
    const app = Fastify();
    // The (status, url) order as Express writes it; Fastify 5's types refuse it too.
    const redirect = (reply: object) =>
      (reply as { redirect(code: number, url: string): unknown }).redirect(301, '/new');
    app.get('/moved', async (_request, reply) => redirect(reply));
    const res = await app.inject('/moved');
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('FST_ERR_BAD_STATUS_CODE');
    await app.close();
  });
});
