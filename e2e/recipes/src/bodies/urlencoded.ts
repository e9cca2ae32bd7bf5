// Recipe: `express.urlencoded()` in Express, `@fastify/formbody` in Fastify
// (docs/recipes/bodies.md#urlencoded).
import express from 'express';
import Fastify from 'fastify';
import fastifyFormbody from '@fastify/formbody';
import type { RecipePair } from '../harness.js';

export const urlencodedRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:urlencoded-express
    app.use(express.urlencoded({ extended: false }));
    app.post('/login', (req, res) => {
      res.json({ received: req.body });
    });
    // #endregion guide:urlencoded-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:urlencoded-fastify
    // Without the plugin, Fastify answers a form post with 415.
    await app.register(fastifyFormbody);
    app.post('/login', async (request) => ({ received: request.body }));
    // #endregion guide:urlencoded-fastify
    return app;
  },
};
