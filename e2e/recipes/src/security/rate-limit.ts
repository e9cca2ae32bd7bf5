// Recipe: `express-rate-limit` in Express, `@fastify/rate-limit` in Fastify
// (docs/recipes/security.md#rate-limit).
import express from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import Fastify from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import type { RecipePair } from '../harness.js';

/** Requests each client may send per window; a real app reads both from its config. */
export const LIMIT = 3;
export const WINDOW_MS = 60_000;
/** The proxy in front of the app; here the tests, which connect from loopback. */
export const PROXY = '127.0.0.1';

export const rateLimitRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:rate-limit-express
    // req.ip is the client's address from X-Forwarded-For when the proxy at PROXY sent it.
    app.set('trust proxy', PROXY);
    app.use(
      rateLimit({
        windowMs: WINDOW_MS,
        limit: LIMIT,
        // An API key has a budget of its own; without one, the client's address (IPv6 by /56).
        keyGenerator: (req) => req.get('x-api-key') ?? ipKeyGenerator(req.ip ?? ''),
      }),
    );
    app.get('/items', (_req, res) => {
      res.json({ items: [] });
    });
    // #endregion guide:rate-limit-express
    return app;
  },
  async fastify() {
    // #region guide:rate-limit-fastify
    // An address, not a hop count: Fastify 5 ignores X-Forwarded-For with `trustProxy: 1`.
    const app = Fastify({ trustProxy: PROXY });
    await app.register(fastifyRateLimit, {
      max: LIMIT,
      timeWindow: WINDOW_MS,
      keyGenerator: (request) => {
        const apiKey = request.headers['x-api-key'];
        return typeof apiKey === 'string' ? apiKey : request.ip;
      },
    });
    app.get('/items', async () => ({ items: [] }));
    // #endregion guide:rate-limit-fastify
    return app;
  },
};
