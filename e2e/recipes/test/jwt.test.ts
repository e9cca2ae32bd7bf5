// docs/recipes/security.md#jwt: `jsonwebtoken` + `express-jwt` and `@fastify/jwt` with one HS256
// secret issue tokens that each side accepts from the other, and answer 401 to a missing, forged,
// expired or malformed token; the 401 bodies and where the claims land differ.
import Fastify from 'fastify';
import fastifyJwt from '@fastify/jwt';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { JWT_SECRET, jwtRecipe } from '../src/security/jwt.js';

const served = await servePair(jwtRecipe);
afterAll(() => served.close());

async function issue(url: string): Promise<string> {
  return (await request(url).post('/token').expect(200)).body.token;
}

function me(url: string, token: string): request.Test {
  return request(url).get('/me').set('authorization', `Bearer ${token}`);
}

describe.each(served.sides)('jwt on $name', ({ url }) => {
  it('issues an HS256 token with the claims and a 15-minute expiry', async () => {
    const decoded = jwt.decode(await issue(url), { complete: true });
    expect(decoded?.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const payload = decoded?.payload as jwt.JwtPayload;
    expect(payload).toMatchObject({ sub: 'u1', role: 'admin' });
    expect(payload.exp! - payload.iat!).toBe(15 * 60);
  });

  it('answers the claims to its own token', async () => {
    const res = await me(url, await issue(url)).expect(200);
    expect(res.body.claims).toMatchObject({ sub: 'u1', role: 'admin' });
  });

  it('answers 401 to no token, another secret, an expired token and garbage', async () => {
    await request(url).get('/me').expect(401);
    await me(url, jwt.sign({ sub: 'u1' }, 'another-secret-another-secret-123')).expect(401);
    await me(url, jwt.sign({ sub: 'u1' }, JWT_SECRET, { expiresIn: -10 })).expect(401);
    await me(url, 'not-a-token').expect(401);
  });

  it('answers 401 to an HS512 token signed with the same secret', async () => {
    const hs512 = jwt.sign({ sub: 'u1', role: 'admin' }, JWT_SECRET, { algorithm: 'HS512' });
    await me(url, hs512).expect(401);
  });

  it('answers 401 to an unsigned token (alg none)', async () => {
    const unsigned = jwt.sign({ sub: 'u1', role: 'admin' }, '', { algorithm: 'none' });
    await me(url, unsigned).expect(401);
  });
});

describe('tokens across the two sides', () => {
  it('accepts on Fastify a token Express signed, and on Express one Fastify signed', async () => {
    const fromExpress = await issue(served.express.url);
    await me(served.fastify.url, fromExpress).expect(200);
    const fromFastify = await issue(served.fastify.url);
    await me(served.express.url, fromFastify).expect(200);
  });
});

describe('what differs between the two', () => {
  it('answers 401 with the recipe’s body in Express, coded JSON errors in Fastify', async () => {
    const noToken = await request(served.express.url).get('/me');
    expect(noToken.body).toEqual({ error: 'No authorization token was found' });
    const expired = jwt.sign({ sub: 'u1' }, JWT_SECRET, { expiresIn: -10 });
    expect((await me(served.express.url, expired)).body).toEqual({ error: 'jwt expired' });

    expect((await request(served.fastify.url).get('/me')).body).toEqual({
      statusCode: 401,
      code: 'FST_JWT_NO_AUTHORIZATION_IN_HEADER',
      error: 'Unauthorized',
      message: 'No Authorization was found in request.headers',
    });
    expect((await me(served.fastify.url, expired)).body.code).toBe(
      'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED',
    );
  });

  it('takes an HS512 token with the same secret when the plugin is not told the algorithm', async () => {
    const hs512 = jwt.sign({ sub: 'u1', role: 'admin' }, JWT_SECRET, { algorithm: 'HS512' });
    const app = Fastify();
    await app.register(fastifyJwt, { secret: JWT_SECRET });
    app.get('/me', async (request) => request.jwtVerify());
    const res = await app.inject({ url: '/me', headers: { authorization: `Bearer ${hs512}` } });
    expect(res.statusCode).toBe(200);
    await app.close();
  });

  it('answers 500 to that token when the plugin is told HS256 and nothing catches the error', async () => {
    const hs512 = jwt.sign({ sub: 'u1', role: 'admin' }, JWT_SECRET, { algorithm: 'HS512' });
    const app = Fastify();
    await app.register(fastifyJwt, { secret: JWT_SECRET, verify: { algorithms: ['HS256'] } });
    app.get('/me', async (request) => request.jwtVerify());
    const res = await app.inject({ url: '/me', headers: { authorization: `Bearer ${hs512}` } });
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('FAST_JWT_INVALID_ALGORITHM');
    await app.close();
  });
});
