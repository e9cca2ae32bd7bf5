// docs/recipes/security.md#cors: the same answers from `cors` and from `@fastify/cors` as the
// recipe configures it, and the plugin's narrower default methods without that setting.
import Fastify from 'fastify';
import fastifyCors from '@fastify/cors';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { corsRecipe, ORIGINS } from '../src/security/cors.js';

const served = await servePair(corsRecipe);
afterAll(() => served.close());
const origin = ORIGINS[0]!;

describe.each(served.sides)('cors on $name', ({ url }) => {
  it('answers a preflight from an allowed origin with 204 and the CORS headers', async () => {
    const res = await request(url)
      .options('/items/1')
      .set('origin', origin)
      .set('access-control-request-method', 'DELETE');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    // `cors` joins the list with "," and the plugin with ", ": the same list to a browser.
    expect(String(res.headers['access-control-allow-methods']).split(/,\s*/)).toEqual([
      'GET',
      'HEAD',
      'PUT',
      'PATCH',
      'POST',
      'DELETE',
    ]);
    expect(res.headers['vary']).toMatch(/Origin/);
  });

  it('names the allowed origin on a simple request, and none for another origin', async () => {
    const allowed = await request(url).get('/items').set('origin', origin).expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(origin);
    const other = await request(url).get('/items').set('origin', 'https://evil.example');
    expect(other.status).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('@fastify/cors without a methods setting', () => {
  it('allows only GET, HEAD and POST in a preflight, where `cors` allows DELETE too', async () => {
    const app = Fastify();
    await app.register(fastifyCors, { origin: ORIGINS });
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/items/1',
      headers: { origin, 'access-control-request-method': 'DELETE' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-methods']).toBe('GET,HEAD,POST');
    await app.close();
  });
});
