// Recipe: `express.Router` mounted on a prefix, a route plugin registered with `{ prefix }` in
// Fastify (docs/recipes/routing.md#express-router).
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import type { RecipePair } from '../harness.js';

export const routersRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:express-router-express
    const items = express.Router();
    // Router-level middleware: runs for every request that enters /v1/items.
    items.use((_req, res, next) => {
      res.set('x-scope', 'items');
      next();
    });
    items.get('/', (_req, res) => {
      res.json({ items: [] });
    });
    items.get('/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    app.use('/v1/items', items);
    app.get('/health', (_req, res) => {
      res.json({ ok: true });
    });
    // #endregion guide:express-router-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:express-router-fastify
    // A plain async function, not wrapped in fastify-plugin: its hook stays inside it.
    async function items(scope: FastifyInstance) {
      scope.addHook('onRequest', async (_request, reply) => {
        reply.header('x-scope', 'items');
      });
      scope.get('/', async () => ({ items: [] }));
      scope.get<{ Params: { id: string } }>('/:id', async (request) => ({
        id: request.params.id,
      }));
    }
    await app.register(items, { prefix: '/v1/items' });
    app.get('/health', async () => ({ ok: true }));
    // #endregion guide:express-router-fastify
    return app;
  },
};
