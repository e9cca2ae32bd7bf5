// docs/recipes/security.md#express-session: `express-session` and `@fastify/session` on one
// Redis store (`connect-redis`) count visits the same way, and a session either app started is
// read and written by the other; the plugin's defaults that differ, asserted apart.
import { randomUUID } from 'node:crypto';
import { RedisStore } from 'connect-redis';
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { createClient } from 'redis';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { SESSION_SECRET, sessionRecipe } from '../src/security/express-session.js';

const redis = createClient({ url: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379' });
await redis.connect();
// One prefix per run, so that runs side by side never share sessions, and cleaning up is exact.
const prefix = `switchyard-recipes:session:${randomUUID()}:`;
const served = await servePair(sessionRecipe(new RedisStore({ client: redis, prefix })));
afterAll(async () => {
  await served.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(keys);
  await redis.quit();
});

/** POSTs /visits and answers the count and the session cookie, as `name=value`. */
async function visit(url: string, cookie?: string): Promise<{ views: number; cookie?: string }> {
  const req = request(url).post('/visits');
  const res = await (cookie === undefined ? req : req.set('cookie', cookie)).expect(200);
  const setCookie = (res.headers['set-cookie'] as unknown as string[] | undefined)?.[0];
  return { views: res.body.views, cookie: setCookie?.split(';')[0] };
}

function sessionId(cookie: string): string {
  // `connect.sid=s:<id>.<signature>`, the `s:` URL-encoded by express-session only.
  return decodeURIComponent(cookie.slice('connect.sid='.length)).slice(2).split('.')[0]!;
}

describe.each(served.sides)('sessions on $name', ({ url }) => {
  it('starts a session on the first visit and counts the next one in it', async () => {
    const first = await visit(url);
    expect(first.views).toBe(1);
    expect(first.cookie).toMatch(/^connect\.sid=s(:|%3A)/);
    const second = await visit(url, first.cookie);
    expect(second.views).toBe(2);
  });

  it('keeps the session in Redis under the prefix, with the visits in it', async () => {
    const { cookie } = await visit(url);
    const stored = JSON.parse((await redis.get(`${prefix}${sessionId(cookie!)}`)) ?? 'null');
    expect(stored).toMatchObject({ views: 1, cookie: { path: '/', httpOnly: true } });
  });

  it('deletes the session from Redis on logout, so the old cookie starts again', async () => {
    const { cookie } = await visit(url);
    await request(url).post('/logout').set('cookie', cookie!).expect(204);
    expect(await redis.exists(`${prefix}${sessionId(cookie!)}`)).toBe(0);
    expect((await visit(url, cookie)).views).toBe(1);
  });

  it('does not trust a session cookie with a wrong signature', async () => {
    const { cookie } = await visit(url);
    expect((await visit(url, `${cookie}x`)).views).toBe(1);
  });
});

describe('one session across the two apps', () => {
  it('reads and writes on Fastify a session Express started, and back', async () => {
    const started = await visit(served.express.url);
    const onFastify = await visit(served.fastify.url, started.cookie);
    expect(onFastify.views).toBe(2);
    const backOnExpress = await visit(served.express.url, started.cookie);
    expect(backOnExpress.views).toBe(3);
  });

  it('reads on Express a session Fastify started, though Fastify does not URL-encode s:', async () => {
    const started = await visit(served.fastify.url);
    expect(started.cookie).toMatch(/^connect\.sid=s:/);
    expect((await visit(served.express.url, started.cookie)).views).toBe(2);
  });
});

describe('@fastify/session with its default cookie options', () => {
  it('sends no session cookie over plain HTTP, because the cookie defaults to secure', async () => {
    const app = Fastify();
    await app.register(fastifyCookie);
    await app.register(fastifySession, { secret: SESSION_SECRET });
    app.post('/visits', async (request) => {
      request.session.views = 1;
      return { views: 1 };
    });
    const res = await app.inject({ method: 'POST', url: '/visits' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    await app.close();
  });

  it('refuses a secret shorter than 32 characters, which express-session takes', async () => {
    const app = Fastify();
    await app.register(fastifyCookie);
    await expect(app.register(fastifySession, { secret: 'short-secret' }).ready()).rejects.toThrow(
      /32/,
    );
    const express = (await import('express')).default;
    const session = (await import('express-session')).default;
    const expressApp = express();
    expressApp.use(session({ secret: 'short-secret', resave: false, saveUninitialized: true }));
    expressApp.get('/', (_req, res) => {
      res.end();
    });
    const res = await request(expressApp).get('/').expect(200);
    expect(String(res.headers['set-cookie'])).toMatch(/^connect\.sid=s%3A/);
  });
});
