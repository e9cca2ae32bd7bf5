// docs/recipes/routing.md#express-router: a router mounted on a prefix and a route plugin
// registered with one answer alike, and a plugin's hook stays with the plugin's routes.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { routersRecipe } from '../src/routing/routers.js';

const served = await servePair(routersRecipe);
afterAll(() => served.close());

describe.each(served.sides)('a router on a prefix on $name', ({ url }) => {
  it('serves the routes under the prefix, with the scoped header', async () => {
    const res = await request(url).get('/v1/items/7').expect(200, { id: '7' });
    expect(res.headers['x-scope']).toBe('items');
  });

  it('answers the prefix itself and the prefix with a trailing slash', async () => {
    await request(url).get('/v1/items').expect(200, { items: [] });
    await request(url).get('/v1/items/').expect(200, { items: [] });
  });

  it('keeps the scoped header off the routes outside the prefix', async () => {
    const res = await request(url).get('/health').expect(200, { ok: true });
    expect(res.headers['x-scope']).toBeUndefined();
  });
});

describe('an unknown path under the prefix', () => {
  it('Express runs the router middleware before its 404, Fastify the plugin hook not at all', async () => {
    const ex = await request(served.express.url).get('/v1/items/7/nope').expect(404);
    expect(ex.headers['x-scope']).toBe('items');
    const fa = await request(served.fastify.url).get('/v1/items/7/nope').expect(404);
    expect(fa.headers['x-scope']).toBeUndefined();
  });
});
