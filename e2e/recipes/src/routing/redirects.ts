// Recipe: `res.redirect` as `reply.redirect`, whose status comes second
// (docs/recipes/routing.md#redirects).
import express from 'express';
import Fastify from 'fastify';
import type { RecipePair } from '../harness.js';

export const redirectsRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:redirects-express
    app.get('/old', (_req, res) => {
      res.redirect('/new');
    });
    app.get('/moved', (_req, res) => {
      res.redirect(301, '/new');
    });
    // #endregion guide:redirects-express
    return app;
  },
  fastify() {
    const app = Fastify();
    // #region guide:redirects-fastify
    app.get('/old', async (_request, reply) => reply.redirect('/new'));
    // Fastify 5: the URL first, then the status (Fastify 4's (301, url) order is gone).
    app.get('/moved', async (_request, reply) => reply.redirect('/new', 301));
    // #endregion guide:redirects-fastify
    return app;
  },
};
