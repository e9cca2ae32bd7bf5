// docs/recipes/security.md#basic-auth: `express-basic-auth` and `@fastify/basic-auth` let the
// right user in, answer 401 with a WWW-Authenticate challenge otherwise, and leave the open
// route open; the challenge's spelling and the 401 body differ, and neither challenges by default.
import express from 'express';
import basicAuth from 'express-basic-auth';
import Fastify from 'fastify';
import fastifyBasicAuth from '@fastify/basic-auth';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { ADMIN, basicAuthRecipe } from '../src/security/basic-auth.js';

const served = await servePair(basicAuthRecipe);
afterAll(() => served.close());

describe.each(served.sides)('basic auth on $name', ({ url }) => {
  it('lets the right username and password in and names the user', async () => {
    await request(url)
      .get('/admin')
      .auth(ADMIN.username, ADMIN.password)
      .expect(200, { user: ADMIN.username });
  });

  it('answers 401 with a Basic challenge for the realm to no credentials', async () => {
    const res = await request(url).get('/admin').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm="Switchyard"/);
  });

  it('answers 401 to a wrong password, and to a bearer token', async () => {
    await request(url).get('/admin').auth(ADMIN.username, 'wrong').expect(401);
    await request(url).get('/admin').auth('someone', ADMIN.password).expect(401);
    await request(url).get('/admin').set('authorization', 'Bearer token').expect(401);
  });

  it('leaves the route without the guard open', async () => {
    await request(url).get('/health').expect(200, { ok: true });
  });
});

describe('what differs between the two', () => {
  it('adds charset="UTF-8" to the challenge in Fastify', async () => {
    const fromExpress = await request(served.express.url).get('/admin');
    expect(fromExpress.headers['www-authenticate']).toBe('Basic realm="Switchyard"');
    const fromFastify = await request(served.fastify.url).get('/admin');
    expect(fromFastify.headers['www-authenticate']).toBe(
      'Basic realm="Switchyard", charset="UTF-8"',
    );
  });

  it('answers 401 with an empty body from Express, a JSON error from Fastify', async () => {
    const fromExpress = await request(served.express.url)
      .get('/admin')
      .auth(ADMIN.username, 'wrong');
    expect(fromExpress.text).toBe('');
    const wrong = await request(served.fastify.url).get('/admin').auth(ADMIN.username, 'wrong');
    expect(wrong.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'wrong username or password',
    });
    const missing = await request(served.fastify.url).get('/admin');
    expect(missing.body.code).toBe('FST_BASIC_AUTH_MISSING_OR_BAD_AUTHORIZATION_HEADER');
  });

  it('sends no WWW-Authenticate on either side without challenge / authenticate', async () => {
    const app = express();
    app.use(basicAuth({ users: { [ADMIN.username]: ADMIN.password } }));
    app.get('/admin', (_req, res) => {
      res.end();
    });
    const fromExpress = await request(app).get('/admin').expect(401);
    expect(fromExpress.headers['www-authenticate']).toBeUndefined();

    const fastify = Fastify();
    await fastify.register(fastifyBasicAuth, {
      async validate() {
        throw new Error('no');
      },
    });
    fastify.get('/admin', { onRequest: fastify.basicAuth }, async () => ({}));
    const fromFastify = await fastify.inject({ url: '/admin' });
    expect(fromFastify.statusCode).toBe(401);
    expect(fromFastify.headers['www-authenticate']).toBeUndefined();
    await fastify.close();
  });
});
