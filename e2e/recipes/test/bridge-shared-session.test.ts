// docs/recipes/bridge.md#shared-sessions: in one Fastify instance, express-session on the
// Express routes and @fastify/session on the moved Fastify routes share one Redis store. A
// session either side starts is read and written by the other, and a logout on either side
// ends it on both. Over HTTP (inject() loses the bodies while Express is mounted).
import { randomUUID } from 'node:crypto';
import { RedisStore } from 'connect-redis';
import type { FastifyInstance } from 'fastify';
import { createClient } from 'redis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSharedSessionApp } from '../src/bridge/shared-session.js';

const redis = createClient({ url: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379' });
// One prefix per run, so that runs side by side never share sessions, and cleaning up is exact.
const prefix = `switchyard-recipes:bridge-session:${randomUUID()}:`;
let app: FastifyInstance;
let url: string;
beforeAll(async () => {
  await redis.connect();
  app = await buildSharedSessionApp(new RedisStore({ client: redis, prefix }));
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(keys);
  await redis.quit();
});

type Side = 'express' | 'fastify';

/** POSTs /<side>/visits; the count, the side that answered and the cookie it set, if any. */
async function visit(side: Side, cookie?: string) {
  const req = request(url).post(`/${side}/visits`).timeout(5_000);
  const res = await (cookie === undefined ? req : req.set('cookie', cookie)).expect(200);
  const setCookie = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  return {
    side: res.body.side as Side,
    views: res.body.views as number,
    cookies: setCookie.map((c) => c.split(';')[0]!),
  };
}

function sessionKey(cookie: string): string {
  const id = decodeURIComponent(cookie.slice('connect.sid='.length)).slice(2).split('.')[0]!;
  return `${prefix}${id}`;
}

describe.each([
  ['express', 'fastify'],
  ['fastify', 'express'],
] as const)('a session started on %s', (first, other) => {
  it(`is read and written on ${other}, and back`, async () => {
    const started = await visit(first);
    expect(started).toMatchObject({ side: first, views: 1 });
    expect(started.cookies).toHaveLength(1);
    const cookie = started.cookies[0]!;

    const there = await visit(other, cookie);
    expect(there).toMatchObject({ side: other, views: 2 });
    // @fastify/session sends the cookie again when it saves; it names the same session.
    for (const again of there.cookies) expect(sessionKey(again)).toBe(sessionKey(cookie));
    expect((await visit(first, cookie)).views).toBe(3);
    expect(JSON.parse((await redis.get(sessionKey(cookie))) ?? 'null')).toMatchObject({
      views: 3,
    });
  });

  it(`ends on both sides with a logout on ${other}`, async () => {
    const cookie = (await visit(first)).cookies[0]!;
    expect((await visit(other, cookie)).views).toBe(2);

    await request(url).post(`/${other}/logout`).set('cookie', cookie).timeout(5_000).expect(204);

    expect(await redis.exists(sessionKey(cookie))).toBe(0);
    expect((await visit(first, cookie)).views).toBe(1);
    expect((await visit(other, cookie)).views).toBe(1);
  });
});

it('sets at most one session cookie per answer, though both plugins see a moved route', async () => {
  for (const side of ['express', 'fastify'] as const) {
    const fresh = await request(url).post(`/${side}/visits`).timeout(5_000).expect(200);
    expect(fresh.headers['set-cookie'], side).toHaveLength(1);
  }
});
