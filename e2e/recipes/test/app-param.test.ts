// docs/recipes/routing.md#app-param: `app.param` loading the item for every `:itemId` route,
// and a preHandler in the plugin that owns those routes doing the same.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { paramsRecipe } from '../src/routing/params.js';

const served = await servePair(paramsRecipe);
afterAll(() => served.close());

describe.each(served.sides)('a loaded :itemId on $name', ({ url }) => {
  it('hands the loaded item to each route that has the parameter', async () => {
    await request(url).get('/items/1').expect(200, { id: 1, name: 'kettle' });
    const name = await request(url).get('/items/1/name').expect(200);
    expect(name.text).toBe('kettle');
  });

  it('answers 404 for an item that does not exist, before the route runs', async () => {
    await request(url).get('/items/9').expect(404, { error: 'no such item' });
    await request(url).get('/items/9/name').expect(404, { error: 'no such item' });
  });
});

describe('a parameter that is not a number', () => {
  it('Express looks it up and answers 404, Fastify’s schema refuses it with 400', async () => {
    await request(served.express.url).get('/items/abc').expect(404, { error: 'no such item' });
    const res = await request(served.fastify.url).get('/items/abc').expect(400);
    expect(res.body.message).toBe('params/itemId must be integer');
  });
});
