// docs/recipes/security.md#rate-limit: `express-rate-limit` and `@fastify/rate-limit` count the
// same budget per client behind one proxy, per API key, and send X-RateLimit-* and 429 with
// Retry-After; the reset header's meaning, the 429 body and the draft headers differ.
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import Fastify from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { LIMIT, rateLimitRecipe } from '../src/security/rate-limit.js';

const served = await servePair(rateLimitRecipe);
afterAll(() => served.close());

// Each case spends the budget of an address of its own (TEST-NET-3), so cases never share one.
let lastOctet = 0;
function nextAddress(): string {
  lastOctet += 1;
  return `203.0.113.${lastOctet}`;
}

function get(url: string, address: string, apiKey?: string): request.Test {
  const req = request(url).get('/items').set('x-forwarded-for', address);
  return apiKey === undefined ? req : req.set('x-api-key', apiKey);
}

async function spend(url: string, address: string, apiKey?: string): Promise<void> {
  for (let sent = 0; sent < LIMIT; sent += 1) await get(url, address, apiKey).expect(200);
}

describe.each(served.sides)('rate limit on $name', ({ url }) => {
  it('counts down X-RateLimit-Remaining from the limit, then answers 429 with Retry-After', async () => {
    const address = nextAddress();
    for (let sent = 1; sent <= LIMIT; sent += 1) {
      const res = await get(url, address).expect(200);
      expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
      expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - sent));
    }
    const limited = await get(url, address).expect(429);
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('gives each address behind the trusted proxy a budget of its own', async () => {
    const address = nextAddress();
    await spend(url, address);
    await get(url, address).expect(429);
    await get(url, nextAddress()).expect(200);
  });

  it('gives an API key a budget of its own, apart from its address', async () => {
    const address = nextAddress();
    await spend(url, address);
    await get(url, address, `key-${address}`).expect(200);
    await spend(url, nextAddress(), `shared-key-${address}`);
    await get(url, nextAddress(), `shared-key-${address}`).expect(429);
  });

  it('sends no draft RateLimit-* headers by default', async () => {
    const res = await get(url, nextAddress()).expect(200);
    expect(Object.keys(res.headers).filter((name) => name.startsWith('ratelimit'))).toEqual([]);
  });
});

describe('what differs between the two limiters', () => {
  it('sends X-RateLimit-Reset as a Unix time from Express, as seconds left from Fastify', async () => {
    const fromExpress = await get(served.express.url, nextAddress()).expect(200);
    const resetAt = Number(fromExpress.headers['x-ratelimit-reset']);
    expect(resetAt).toBeGreaterThan(Date.now() / 1000);
    const fromFastify = await get(served.fastify.url, nextAddress()).expect(200);
    const secondsLeft = Number(fromFastify.headers['x-ratelimit-reset']);
    expect(secondsLeft).toBeGreaterThan(0);
    expect(secondsLeft).toBeLessThanOrEqual(60);
  });

  it('answers 429 with a sentence in text/html from Express, a JSON error from Fastify', async () => {
    const address = nextAddress();
    await spend(served.express.url, address);
    const fromExpress = await get(served.express.url, address).expect(429);
    expect(fromExpress.headers['content-type']).toMatch(/^text\/html/);
    expect(fromExpress.text).toBe('Too many requests, please try again later.');
    await spend(served.fastify.url, address);
    const fromFastify = await get(served.fastify.url, address).expect(429);
    expect(fromFastify.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'Rate limit exceeded, retry in 1 minute',
    });
  });

  it('sends the draft headers when asked: one RateLimit from Express, three from Fastify', async () => {
    const app = express();
    app.use(
      rateLimit({ windowMs: 60_000, limit: 3, standardHeaders: 'draft-8', legacyHeaders: false }),
    );
    app.get('/items', (_req, res) => {
      res.json({});
    });
    const fromExpress = await request(app).get('/items').expect(200);
    expect(fromExpress.headers['ratelimit']).toBe('"3-in-1min"; r=2; t=60');
    expect(fromExpress.headers['ratelimit-policy']).toMatch(/^"3-in-1min"; q=3; w=60;/);
    expect(fromExpress.headers['x-ratelimit-limit']).toBeUndefined();

    const fastify = Fastify();
    await fastify.register(fastifyRateLimit, { max: 3, timeWindow: 60_000, enableDraftSpec: true });
    fastify.get('/items', async () => ({}));
    const fromFastify = await fastify.inject({ url: '/items' });
    expect(fromFastify.headers).toMatchObject({
      'ratelimit-limit': '3',
      'ratelimit-remaining': '2',
      'ratelimit-reset': '60',
    });
    expect(fromFastify.headers['x-ratelimit-limit']).toBeUndefined();
    await fastify.close();
  });

  it('keys by X-Forwarded-For with trust proxy 1 in Express, by the socket with trustProxy: 1 in Fastify', async () => {
    const app = express();
    app.set('trust proxy', 1);
    app.get('/ip', (req, res) => {
      res.json({ ip: req.ip });
    });
    await request(app).get('/ip').set('x-forwarded-for', '203.0.113.250').expect(200, {
      ip: '203.0.113.250',
    });

    // Fastify 5's types reject a number here; a JavaScript app passes it without a word.
    const fastify = Fastify({ trustProxy: 1 as unknown as boolean });
    fastify.get('/ip', async (request) => ({ ip: request.ip }));
    const res = await fastify.inject({
      url: '/ip',
      headers: { 'x-forwarded-for': '203.0.113.250' },
    });
    expect(res.json()).toEqual({ ip: '127.0.0.1' });
    await fastify.close();
  });
});
