// Recipe: HEAD and OPTIONS, and a deliberate 405 with `Allow`
// (docs/recipes/routing.md#head-options).
import express from 'express';
import Fastify from 'fastify';
import type { RecipePair } from '../harness.js';

const ALLOW = 'GET, HEAD, OPTIONS';

export const headOptionsRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:head-options-express
    app
      .route('/items')
      .get((_req, res) => {
        res.json({ items: [] });
      })
      .options((_req, res) => {
        res.set('allow', ALLOW).status(204).end();
      })
      // Every other method on a known path: 405, where Express would fall through to the 404.
      .all((_req, res) => {
        res.set('allow', ALLOW).status(405).json({ error: 'method not allowed' });
      });
    // #endregion guide:head-options-express
    return app;
  },
  fastify() {
    const app = Fastify();
    // #region guide:head-options-fastify
    // exposeHeadRoutes (on by default) adds HEAD for each GET.
    app.get('/items', async () => ({ items: [] }));
    app.options('/items', async (_request, reply) => reply.header('allow', ALLOW).code(204).send());
    app.route({
      method: ['POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/items',
      handler: async (_request, reply) =>
        reply.header('allow', ALLOW).code(405).send({ error: 'method not allowed' }),
    });
    // #endregion guide:head-options-fastify
    return app;
  },
};
