// docs/recipes/routing.md#res-locals and docs/recipes/routing.md#req-user: app and request
// state in `app.locals`, `res.locals` and `req.user`, and in Fastify's decorators.
import Fastify from 'fastify';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { localsRecipe } from '../src/routing/locals.js';

const served = await servePair(localsRecipe);
afterAll(() => served.close());

describe.each(served.sides)('app and request state on $name', ({ url }) => {
  it('reads the app value and the user the hook set from the token', async () => {
    await request(url)
      .get('/me')
      .set('authorization', 'Bearer token-ada')
      .expect(200, { app: 'switchyard', user: { id: 'ada', role: 'admin' }, tags: ['seen'] });
  });

  it('starts every request with its own state: no user, a fresh list', async () => {
    await request(url).get('/me').set('authorization', 'Bearer token-bob').expect(200);
    await request(url)
      .get('/me')
      .expect(200, { app: 'switchyard', user: null, tags: ['seen'] });
  });
});

describe('decorateRequest with an object or an array', () => {
  it.each([
    ['an array', []],
    ['an object', {}],
  ])('refuses %s with FST_ERR_DEC_REFERENCE_TYPE', (_what, value) => {
    const app = Fastify();
    expect(() => app.decorateRequest('scratch', value)).toThrow(
      expect.objectContaining({ code: 'FST_ERR_DEC_REFERENCE_TYPE' }),
    );
  });
});
