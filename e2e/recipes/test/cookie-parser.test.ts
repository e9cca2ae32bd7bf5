// docs/recipes/security.md#cookie-parser: `cookie-parser` and `@fastify/cookie` read plain and
// signed cookies alike, sign with the same HMAC, and spell the signed value differently; a
// cookie set with no options gets a different Path on each side.
import cookieParser from 'cookie-parser';
import express from 'express';
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import {
  COOKIE_SECRET,
  cookieParserRecipe,
  readExpressSigned,
} from '../src/security/cookie-parser.js';

const served = await servePair(cookieParserRecipe);
afterAll(() => served.close());

async function loginCookie(url: string): Promise<string> {
  const login = await request(url).post('/login').expect(200);
  const [setCookie] = login.headers['set-cookie'] as unknown as string[];
  return setCookie!.split(';')[0]!;
}

describe.each(served.sides)('cookies on $name', ({ url }) => {
  it('sets the signed cookie HttpOnly, SameSite=Lax, on Path=/', async () => {
    const login = await request(url).post('/login').expect(200);
    const [setCookie] = login.headers['set-cookie'] as unknown as string[];
    expect(setCookie).toMatch(/^user=/);
    expect(setCookie).toContain('Path=/;');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
  });

  it('reads a plain cookie and the signed one it set', async () => {
    const cookie = await loginCookie(url);
    const me = await request(url).get('/me').set('cookie', `${cookie}; theme=dark`).expect(200);
    expect(me.body).toEqual({ theme: 'dark', user: 'ada' });
  });

  it('reads a signed cookie whose signature was changed as false', async () => {
    const cookie = await loginCookie(url);
    const me = await request(url).get('/me').set('cookie', `${cookie}x`).expect(200);
    expect(me.body).toEqual({ theme: null, user: false });
  });

  it('answers null for cookies that are not there', async () => {
    const me = await request(url).get('/me').expect(200);
    expect(me.body).toEqual({ theme: null, user: null });
  });
});

describe('signed cookies across the two sides', () => {
  it('spells the value s:<value>.<hmac> URL-encoded in Express, <value>.<same hmac> in Fastify', async () => {
    const fromExpress = decodeURIComponent((await loginCookie(served.express.url)).slice(5));
    const fromFastify = (await loginCookie(served.fastify.url)).slice(5);
    expect(fromExpress).toMatch(/^s:ada\./);
    expect(fromFastify).toMatch(/^ada\./);
    expect(fromExpress).toBe(`s:${fromFastify}`);
    expect(await loginCookie(served.express.url)).toMatch(/^user=s%3Aada\./);
  });

  it('does not verify a cookie signed by the other side as it comes', async () => {
    const fromExpress = await loginCookie(served.express.url);
    const onFastify = await request(served.fastify.url).get('/me').set('cookie', fromExpress);
    expect(onFastify.body.user).toBe(false);
    const fromFastify = await loginCookie(served.fastify.url);
    const onExpress = await request(served.express.url).get('/me').set('cookie', fromFastify);
    // cookie-parser leaves a value without `s:` in req.cookies, unverified.
    expect(onExpress.body.user).toBeNull();
  });

  it('verifies them both ways once the Fastify side adds or strips the s: prefix', async () => {
    const fastify = Fastify();
    await fastify.register(fastifyCookie, { secret: COOKIE_SECRET });
    fastify.get('/bridge/me', async (request) => ({ user: readExpressSigned(request, 'user') }));
    const fromExpress = await loginCookie(served.express.url);
    const read = await fastify.inject({ url: '/bridge/me', headers: { cookie: fromExpress } });
    expect(read.json()).toEqual({ user: 'ada' });
    const tampered = await fastify.inject({
      url: '/bridge/me',
      headers: { cookie: `${fromExpress}x` },
    });
    expect(tampered.json()).toEqual({ user: false });

    const forExpress = `user=${encodeURIComponent(`s:${fastify.signCookie('ada')}`)}`;
    const onExpress = await request(served.express.url).get('/me').set('cookie', forExpress);
    expect(onExpress.body.user).toBe('ada');
    await fastify.close();
  });
});

describe('a cookie set with no options', () => {
  it('gets Path=/ from Express and no Path from @fastify/cookie, so it stays under /account', async () => {
    const app = express();
    app.use(cookieParser());
    app.post('/account/login', (_req, res) => {
      res.cookie('user', 'ada').end();
    });
    const fromExpress = await request(app).post('/account/login');
    expect(fromExpress.headers['set-cookie']).toEqual(['user=ada; Path=/']);

    const fastify = Fastify();
    await fastify.register(fastifyCookie);
    fastify.post('/account/login', async (_request, reply) =>
      reply.setCookie('user', 'ada').send(),
    );
    const fromFastify = await fastify.inject({ method: 'POST', url: '/account/login' });
    expect(fromFastify.headers['set-cookie']).toBe('user=ada; SameSite=Lax');
    await fastify.close();
  });
});
