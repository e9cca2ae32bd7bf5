// The traps of @fastify/express (the fourth, inject(), is in test/inject.test.ts), each shown
// twice: the bridge as built avoids it (the test that would fail if the trap were sprung), and
// the same bridge with the trap sprung on purpose, which shows what the trap does.
// docs/migration-guide.md#bridge-traps explains them.
import { openDatabase, type Database } from '@switchyard/persistence';
import { contractConfig, startUpstream, type RunningUpstream } from '@switchyard/testing';
import { notFound } from '@switchyard/express-api';
import { serve, type RunningServer } from '@switchyard/fastify-api';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBridge, type BuildBridgeOptions } from '../src/index.js';
import { SPLIT } from './support.js';

interface Bridge {
  readonly server: RunningServer;
  readonly upstream: RunningUpstream;
  readonly auth: { authorization: string };
  close(): Promise<void>;
}

/** The bridge with SPLIT on a fresh PGlite, and a signed-in user. */
async function startBridge(
  options: Pick<BuildBridgeOptions, 'expressExtras'> = {},
  beforeListen: (server: ReturnType<typeof buildBridge>) => void = () => {},
): Promise<Bridge> {
  const upstream: RunningUpstream = await startUpstream();
  const db: Database = await openDatabase();
  const config = contractConfig(upstream);
  const app = buildBridge({ config, db, logger: false, moved: SPLIT, ...options });
  beforeListen(app);
  const server = await serve(app, config);
  const credentials = { username: `trap-${Date.now()}`, password: 'correct horse battery' };
  await request(server.url).post('/v1/accounts').send(credentials).expect(201);
  const session = await request(server.url).post('/v1/sessions').send(credentials).expect(201);
  return {
    server,
    upstream,
    auth: { authorization: `Bearer ${(session.body as { token: string }).token}` },
    async close() {
      await server.close();
      await db.close();
      await upstream.close();
    },
  };
}

it('serves bots natively and accounts, conversations and the proxy through Express (the premise below)', () => {
  expect(SPLIT).toContain('bots');
  expect(SPLIT).not.toContain('accounts');
  expect(SPLIT).not.toContain('conversations');
  expect(SPLIT).not.toContain('proxy');
});

describe('trap: a body parser in front of the Express side', () => {
  let bridge: Bridge;
  let sprung: Bridge;
  beforeAll(async () => {
    bridge = await startBridge();
    // Every request's body read by Express before Fastify's router sees it.
    sprung = await startBridge({ expressExtras: { before: [express.json()] } });
  });
  afterAll(async () => {
    await bridge?.close();
    await sprung?.close();
  });

  it('leaves the body of a request for a Fastify route unread, so POST to it is answered', async () => {
    const res = await request(bridge.server.url)
      .post('/v1/bots/echo/messages')
      .set(bridge.auth)
      .send({ text: 'hello' })
      .timeout(5_000);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ reply: { text: 'echo: hello' } });
  });

  it('with express.json() in front (sprung), the same POST is never answered', async () => {
    const answer = request(sprung.server.url)
      .post('/v1/bots/echo/messages')
      .set(sprung.auth)
      .send({ text: 'hello' })
      .timeout(1_500);
    await expect(answer).rejects.toThrow(/Timeout of 1500ms exceeded/);
  });
});

describe('trap: an Express 404 handler', () => {
  let bridge: Bridge;
  let sprung: Bridge;
  beforeAll(async () => {
    bridge = await startBridge();
    // express-api's own 404/405 handler, behind the routers as in express-api.
    sprung = await startBridge({ expressExtras: { after: [notFound] } });
  });
  afterAll(async () => {
    await bridge?.close();
    await sprung?.close();
  });

  it('lets Fastify serve its routes, and answers an unknown path with the API 404', async () => {
    const bots = await request(bridge.server.url).get('/v1/bots').set(bridge.auth);
    expect(bots.status).toBe(200);
    const unknown = await request(bridge.server.url).get('/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'SWY_ERR_NOT_FOUND' } });
  });

  it('with a 404 handler behind the routers (sprung), Express answers for a Fastify route', async () => {
    const bots = await request(sprung.server.url).get('/v1/bots').set(sprung.auth);
    // express-api's handler knows the path from the route table, so for a path it did not
    // match it answers 405, even for the GET the route serves: the request never reached Fastify.
    expect(bots.status).toBe(405);
    expect(bots.body).toMatchObject({ error: { code: 'SWY_ERR_METHOD_NOT_ALLOWED' } });
  });
});

describe('trap: Fastify hooks and the routes Express serves', () => {
  let bridge: Bridge;
  beforeAll(async () => {
    bridge = await startBridge({}, (app) => {
      // Express answers from inside the onRequest phase, so the hooks of the later phases
      // (preParsing … preHandler) never run for it; onSend and onResponse do.
      app.addHook('preHandler', async (_request, reply) => {
        reply.header('x-bridge-pre-handler', 'ran');
      });
      app.addHook('onSend', async (_request, reply) => {
        reply.header('x-bridge-on-send', 'ran');
      });
    });
  });
  afterAll(async () => {
    await bridge?.close();
  });

  it("puts the request id and helmet's headers on Express's responses too (onRequest hooks)", async () => {
    const viaFastify = await request(bridge.server.url).get('/v1/bots').set(bridge.auth);
    const viaExpress = await request(bridge.server.url).get('/v1/conversations').set(bridge.auth);
    expect(viaFastify.status).toBe(200);
    expect(viaExpress.status).toBe(200);
    for (const header of [
      'x-request-id',
      'content-security-policy',
      'x-content-type-options',
      'strict-transport-security',
    ]) {
      expect(viaExpress.headers[header], header).toBeDefined();
      expect(viaFastify.headers[header], header).toBeDefined();
    }
  });

  it('does not run a preHandler hook for a route Express serves (sprung)', async () => {
    const viaFastify = await request(bridge.server.url).get('/v1/bots').set(bridge.auth);
    const viaExpress = await request(bridge.server.url).get('/v1/conversations').set(bridge.auth);
    expect(viaFastify.headers['x-bridge-pre-handler']).toBe('ran');
    expect(viaExpress.headers['x-bridge-pre-handler']).toBeUndefined();
    // onSend runs for both: @fastify/express hands Express's res.json() to Fastify's reply.
    expect(viaFastify.headers['x-bridge-on-send']).toBe('ran');
    expect(viaExpress.headers['x-bridge-on-send']).toBe('ran');
  });

  it('skips onSend for a response Express writes with res.end() (its proxy)', async () => {
    const proxied = await request(bridge.server.url).get('/v1/proxy/httpbin/get').set(bridge.auth);
    expect(SPLIT).not.toContain('proxy');
    expect(proxied.status).toBe(200);
    expect(proxied.headers['x-bridge-on-send']).toBeUndefined();
  });
});

describe('trap: Express sees a decoded, normalized req.url', () => {
  /** Answers what a middleware of the Express side reads for a path under /trap-url/. */
  const readsUrl: RequestHandler = (req, res, next) => {
    if (!req.originalUrl.startsWith('/trap-url/')) return next();
    res.json({
      url: req.url,
      originalUrl: req.originalUrl,
      // What code that decodes the path it reads (a proxy, a file server) ends up with.
      fromUrl: decodeURIComponent(req.url),
      fromOriginalUrl: decodeURIComponent(req.originalUrl),
    });
  };
  let bridge: Bridge;
  let sprung: Bridge;
  beforeAll(async () => {
    bridge = await startBridge();
    sprung = await startBridge({ expressExtras: { before: [readsUrl] } });
  });
  afterAll(async () => {
    await bridge?.close();
    await sprung?.close();
  });

  it('forwards a double-encoded path through the proxy as sent: it reads req.originalUrl', async () => {
    expect(SPLIT).not.toContain('proxy');
    bridge.upstream.requests.clear();
    const res = await request(bridge.server.url)
      .get('/v1/proxy/nested/%252e%252e/%252e%252e/get')
      .set(bridge.auth);
    expect(res.status).toBe(200);
    // contractConfig's `nested` service is the stand-in's /anything/base.
    expect(bridge.upstream.requests.last()?.url).toBe('/anything/base/%252e%252e/%252e%252e/get');
  });

  it('in Express alone, req.url is the path as sent', async () => {
    const alone = express().use(readsUrl);
    const res = await request(alone).get('/trap-url/%252e%252e/secret');
    expect(res.body).toMatchObject({
      url: '/trap-url/%252e%252e/secret',
      fromUrl: '/trap-url/%2e%2e/secret',
    });
  });

  it('inside the bridge (sprung), req.url is decoded once already: decoding it again climbs', async () => {
    const res = await request(sprung.server.url).get('/trap-url/%252e%252e/secret');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      url: '/trap-url/%2e%2e/secret',
      originalUrl: '/trap-url/%252e%252e/secret',
      fromUrl: '/trap-url/../secret',
      fromOriginalUrl: '/trap-url/%2e%2e/secret',
    });
  });
});
