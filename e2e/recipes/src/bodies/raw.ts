// Recipe: `express.raw()` and `express.text()` in Express, `addContentTypeParser` with
// `parseAs` in Fastify (docs/recipes/bodies.md#raw-body).
import { createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';
import Fastify from 'fastify';
import type { RecipePair } from '../harness.js';

/** The webhook's shared secret; a real app reads it from its config. */
export const WEBHOOK_SECRET = 'recipe-secret';

/** The signature a sender puts in `x-signature`: HMAC-SHA256 of the exact bytes, in hex. */
export function sign(body: Buffer | string): string {
  return createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');
}

// The signature covers the bytes as sent; a re-serialised JSON.parse result would not match.
// Not a Buffer: another content type reached the route (Express leaves it unread, Fastify's
// core parses text/plain as a string), so there are no raw bytes to check.
function verified(raw: unknown, signature: unknown): raw is Buffer {
  if (!Buffer.isBuffer(raw)) return false;
  const expected = Buffer.from(sign(raw), 'hex');
  const given = Buffer.from(typeof signature === 'string' ? signature : '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const rawRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:raw-body-express
    app.post('/webhook', express.raw({ type: 'application/json' }), (req, res) => {
      if (!verified(req.body, req.get('x-signature'))) {
        res.status(401).json({ error: 'bad signature' });
        return;
      }
      res.json({ event: JSON.parse(req.body.toString('utf8')) });
    });
    app.post('/import', express.text({ type: 'text/csv' }), (req, res) => {
      res.json({ rows: String(req.body).trim().split('\n').length });
    });
    app.post('/items', express.json(), (req, res) => {
      res.json({ received: req.body });
    });
    // #endregion guide:raw-body-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:raw-body-fastify
    // A parser added inside a plugin applies to that plugin's routes only: /items keeps core's
    // JSON parser.
    await app.register(async (webhooks) => {
      webhooks.addContentTypeParser(
        'application/json',
        { parseAs: 'buffer' },
        (_req, body, done) => {
          done(null, body);
        },
      );
      webhooks.post('/webhook', async (request, reply) => {
        if (!verified(request.body, request.headers['x-signature'])) {
          return reply.code(401).send({ error: 'bad signature' });
        }
        return { event: JSON.parse(request.body.toString('utf8')) };
      });
    });
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => {
      done(null, body);
    });
    app.post<{ Body: string }>('/import', async (request) => ({
      rows: request.body.trim().split('\n').length,
    }));
    app.post('/items', async (request) => ({ received: request.body }));
    // #endregion guide:raw-body-fastify
    return app;
  },
};
