// docs/recipes/routing.md#head-options: HEAD on a GET route, an OPTIONS answer and a 405 with
// Allow for the other methods, written out in both apps.
import Fastify from 'fastify';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { headOptionsRecipe } from '../src/routing/head-options.js';

const served = await servePair(headOptionsRecipe);
afterAll(() => served.close());

describe.each(served.sides)('HEAD, OPTIONS and 405 on $name', ({ url }) => {
  it('answers HEAD with the GET’s headers and no body', async () => {
    const res = await request(url).head('/items').expect(200);
    expect(res.headers['content-length']).toBe(String('{"items":[]}'.length));
    expect(res.text).toBeUndefined();
  });

  it('answers OPTIONS with 204 and Allow', async () => {
    const res = await request(url).options('/items').expect(204);
    expect(res.headers['allow']).toBe('GET, HEAD, OPTIONS');
  });

  it.each(['post', 'put', 'patch', 'delete'] as const)(
    'answers %s with 405 and Allow',
    async (method) => {
      const res = await request(url)[method]('/items').expect(405, { error: 'method not allowed' });
      expect(res.headers['allow']).toBe('GET, HEAD, OPTIONS');
    },
  );
});

describe('app.all beside a GET', () => {
  it('Fastify refuses it with FST_ERR_DUPLICATED_ROUTE, where Express takes it as a fallback', () => {
    const app = Fastify();
    app.get('/items', async () => ({ items: [] }));
    expect(() => app.all('/items', async () => ({}))).toThrow(
      expect.objectContaining({ code: 'FST_ERR_DUPLICATED_ROUTE' }),
    );
  });
});
