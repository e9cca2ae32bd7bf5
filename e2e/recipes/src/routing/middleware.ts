// Recipe: `app.use` middleware as an `onRequest` hook, or run as is under `@fastify/middie`
// (docs/recipes/routing.md#app-use).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import middie from '@fastify/middie';
import type { RecipePair } from '../harness.js';

// #region guide:app-use-middleware
/** Express-style middleware that touches only Node's request and response. */
export function requestId(req: IncomingMessage, res: ServerResponse, next: () => void) {
  const incoming = req.headers['x-request-id'];
  res.setHeader('x-request-id', typeof incoming === 'string' ? incoming : randomUUID());
  next();
}
// #endregion guide:app-use-middleware

/** The same idea written against Express's response (`res.set`), which middie does not give. */
export function requestIdExpressApi(req: express.Request, res: express.Response, next: () => void) {
  res.set('x-request-id', req.get('x-request-id') ?? randomUUID());
  next();
}

export const middlewareRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:app-use-express
    app.use(requestId);
    app.get('/items', (_req, res) => {
      res.json({ items: [] });
    });
    // #endregion guide:app-use-express
    return app;
  },
  fastify() {
    const app = Fastify();
    // #region guide:app-use-fastify
    // onRequest runs first, before the body is read; use preHandler when you need request.body.
    app.addHook('onRequest', async (request, reply) => {
      const incoming = request.headers['x-request-id'];
      reply.header('x-request-id', typeof incoming === 'string' ? incoming : randomUUID());
    });
    app.get('/items', async () => ({ items: [] }));
    // #endregion guide:app-use-fastify
    return app;
  },
};

/** The middleware run unchanged on Fastify through `@fastify/middie`. */
export async function buildMiddieApp(middleware = requestId) {
  const app = Fastify();
  // #region guide:app-use-middie
  await app.register(middie);
  app.use(middleware);
  app.get('/items', async () => ({ items: [] }));
  // #endregion guide:app-use-middie
  return app;
}
