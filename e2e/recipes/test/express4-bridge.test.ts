// docs/recipes/express4.md#bridge: an Express 4 Router() under Fastify through @fastify/express
// (which runs Express 5), beside a Fastify route. The router keeps Express 4's path matching
// and its middleware; its req and res are Express 5's; an error it passes on reaches Fastify's
// error handler; a rejected async handler in it ends the whole server, or leaves the request
// without an answer, until it is wrapped.
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildBridge, caughtRouter, legacyRouter } from '../src/express4/bridge.js';
import { startChild, type Child } from '../src/express4/child-process.js';

const bridge = await buildBridge(legacyRouter());
const url = await bridge.listen({ port: 0, host: '127.0.0.1' });
const fixed = await buildBridge(caughtRouter());
const fixedUrl = await fixed.listen({ port: 0, host: '127.0.0.1' });
afterAll(async () => {
  await bridge.close();
  await fixed.close();
});

let child: Child | undefined;
afterEach(async () => {
  await child?.stop();
  child = undefined;
});

/** GET url; resolves with the status, or with the error's code when the connection fails. */
async function get(target: string, signal?: AbortSignal) {
  try {
    const res = await fetch(target, { signal: signal ?? AbortSignal.timeout(10_000) });
    return { status: res.status, body: (await res.json()) as unknown };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { failed: cause?.code ?? (error as Error).name };
  }
}

describe('what works as it is', () => {
  it("matches Express 4's `*` inside Express 5, with the router's middleware", async () => {
    await request(url)
      .get('/legacy/files/reports/q4.csv')
      .expect(200, { path: 'reports/q4.csv' })
      .expect('x-legacy', 'express4');
    // Express 4's `*` also matches nothing, which Express 5's `*path` would not.
    await request(url).get('/legacy/files/').expect(200, { path: '' });
  });

  it("matches Express 4's optional parameter, with and without it", async () => {
    await request(url).get('/legacy/items/7').expect(200, { id: '7' });
    await request(url).get('/legacy/items').expect(200, { id: null });
  });

  it("sends a thrown error on to Fastify's error handler", async () => {
    await request(url)
      .get('/legacy/broken')
      .expect(500, { error: 'legacy route failed' })
      .expect('x-legacy', 'express4');
  });

  it('serves the Fastify route beside it, without the router’s middleware', async () => {
    const res = await request(url).get('/native').expect(200, { native: true });
    expect(res.headers['x-legacy']).toBeUndefined();
  });

  it("leaves a path the router does not match to Fastify's 404", async () => {
    const res = await request(url).get('/legacy/nope').expect(404);
    expect(res.body).toMatchObject({ error: 'Not Found' });
  });
});

describe('what Express 5 changes inside the Express 4 router', () => {
  it('req.param() is gone: the request is Express 5’s', async () => {
    await request(url).get('/legacy/param/7').expect(500, { error: 'req.param is not a function' });
  });

  it('res.send(202) answers 200 with the body "202": the response is Express 5’s', async () => {
    const res = await request(url).post('/legacy/jobs').expect(200);
    expect(res.text).toBe('202');
  });
});

describe('a rejected async handler in the router', () => {
  it('ends the server with Node’s default: the Fastify route goes down too', async () => {
    child = await startChild('bridge', 'crash');
    await expect(get(`${child.url}/native`)).resolves.toEqual({
      status: 200,
      body: { native: true },
    });
    const answer = await get(`${child.url}/legacy/stock/7`);
    expect(answer).toEqual({ failed: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET)$/) });
    const { code, stderr } = await child.exited();
    expect(code).toBe(1);
    expect(stderr).toContain('item 7 could not be loaded');
    await expect(get(`${child.url}/native`)).resolves.toEqual({ failed: 'ECONNREFUSED' });
  });

  it('leaves the request without an answer when the app logs unhandled rejections', async () => {
    child = await startChild('bridge', 'log');
    const abort = new AbortController();
    let settled = false;
    const pending = get(`${child.url}/legacy/stock/7`, abort.signal).finally(
      () => (settled = true),
    );
    await expect(child.waitFor('unhandledRejection')).resolves.toEqual({
      unhandledRejection: 'item 7 could not be loaded',
    });
    await expect(get(`${child.url}/native`)).resolves.toEqual({
      status: 200,
      body: { native: true },
    });
    expect(settled).toBe(false);
    abort.abort();
    await expect(pending).resolves.toEqual({ failed: 'AbortError' });
  });

  it("wrapped with catchAsync, answers 500 from Fastify's error handler", async () => {
    await request(fixedUrl).get('/legacy/stock/7').expect(500, {
      error: 'item 7 could not be loaded',
    });
    await request(fixedUrl).get('/legacy/files/a.txt').expect(200, { path: 'a.txt' });
  });
});
