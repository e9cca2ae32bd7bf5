// Recipe: `express.json()` in Express, Fastify's own JSON parser (docs/recipes/bodies.md#json-body).
import express from 'express';
import Fastify from 'fastify';
import type { RecipePair } from '../harness.js';

/** The body limit both sides enforce, set on purpose: their defaults differ (100 kB, 1 MiB). */
export const JSON_LIMIT_BYTES = 1024;

export const jsonRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:json-body-express
    app.use(express.json({ limit: JSON_LIMIT_BYTES }));
    app.post('/items', (req, res) => {
      res.status(201).json({ received: req.body });
    });
    // #endregion guide:json-body-express
    return app;
  },
  fastify() {
    // #region guide:json-body-fastify
    // JSON is parsed by core: no plugin; the limit is an option of the instance (or a route).
    const app = Fastify({ bodyLimit: JSON_LIMIT_BYTES });
    app.post('/items', async (request, reply) => reply.code(201).send({ received: request.body }));
    // #endregion guide:json-body-fastify
    return app;
  },
};
