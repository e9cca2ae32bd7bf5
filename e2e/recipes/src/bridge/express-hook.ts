// Recipe: @fastify/express's `expressHook` option, the Fastify hook the Express side runs in
// (docs/recipes/bridge.md#express-hook). The default, `onRequest`, runs Express before Fastify
// reads the body; `preHandler` runs it after Fastify's router, parser and validation.
import { createHmac, timingSafeEqual } from 'node:crypto';
import expressPlugin from '@fastify/express';
import express, { type ErrorRequestHandler } from 'express';
import Fastify, { type FastifyInstance } from 'fastify';

export type ExpressHook = 'onRequest' | 'preHandler';

export const WEBHOOK_SECRET = 'recipe-webhook-secret';

/** The signature a webhook sender puts in `x-signature`: HMAC-SHA256 of the raw bytes. */
export function sign(body: string): string {
  return createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');
}

export interface HookedAppOptions {
  readonly expressHook: ExpressHook;
  /**
   * Answer unknown routes in an onRequest hook, before any body is read, as this repository's
   * bridge does (apps/fastify-api's not-found hook).
   */
  readonly earlyNotFound?: boolean;
}

/** The Express side: a webhook that needs the raw bytes, a global JSON parser, JSON routes. */
function expressSide(): express.Express {
  const side = express();
  // #region guide:express-hook-express
  // A signed webhook: the signature is over the bytes as sent, so this route reads them raw,
  // ahead of the global parser.
  side.post('/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
    if (!Buffer.isBuffer(req.body)) {
      res.status(400).json({ error: 'raw body required', got: typeof req.body });
      return;
    }
    const expected = Buffer.from(sign(req.body.toString('utf8')));
    const given = Buffer.from(String(req.headers['x-signature'] ?? ''));
    const valid = given.length === expected.length && timingSafeEqual(given, expected);
    res.status(valid ? 200 : 401).json({ verified: valid });
  });
  // The global parser an Express app has: trap 1 of the bridge under the default hook.
  side.use(express.json());
  side.use((req, res, next) => {
    res.setHeader('x-express-saw-body', JSON.stringify(req.body ?? null));
    next();
  });
  side.post('/express/notes', (req, res) => {
    res.status(201).json({ side: 'express', body: req.body });
  });
  side.get('/express/only', (_req, res) => {
    res.json({ side: 'express' });
  });
  const invalidJson: ErrorRequestHandler = (error, _req, res, next) => {
    if ((error as { type?: string }).type !== 'entity.parse.failed') return next(error);
    res.status(400).json({ error: 'invalid json', from: 'express' });
  };
  side.use(invalidJson);
  // #endregion guide:express-hook-express
  return side;
}

export async function buildHookedApp(options: HookedAppOptions): Promise<FastifyInstance> {
  const app = Fastify();
  // #region guide:express-hook-fastify
  await app.register(expressPlugin, { expressHook: options.expressHook });
  app.use(expressSide());
  app.post('/fastify/notes', async (request, reply) =>
    reply.code(201).send({ side: 'fastify', body: request.body }),
  );
  // #endregion guide:express-hook-fastify
  if (options.earlyNotFound) {
    // Registered after the plugin, so under `onRequest` Express has had its turn already.
    app.addHook('onRequest', (request, reply, done) => {
      if (request.is404) void reply.code(404).send({ error: 'not found', from: 'fastify' });
      else done();
    });
  }
  return app;
}
