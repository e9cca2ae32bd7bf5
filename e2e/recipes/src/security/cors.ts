// Recipe: `cors` in Express, `@fastify/cors` in Fastify (docs/recipes/security.md#cors).
import cors from 'cors';
import express from 'express';
import Fastify from 'fastify';
import fastifyCors from '@fastify/cors';
import type { RecipePair } from '../harness.js';

/** The origins the browser apps are served from; anything else gets no CORS headers. */
export const ORIGINS = ['https://app.example'];

export const corsRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:cors-express
    app.use(cors({ origin: ORIGINS, credentials: true }));
    app.get('/items', (_req, res) => {
      res.json({ items: [] });
    });
    app.delete('/items/:id', (_req, res) => {
      res.status(204).end();
    });
    // #endregion guide:cors-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:cors-fastify
    await app.register(fastifyCors, {
      origin: ORIGINS,
      credentials: true,
      // The plugin's default is GET, HEAD and POST; `cors` allows every method it knows.
      methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
    });
    app.get('/items', async () => ({ items: [] }));
    app.delete('/items/:id', async (_request, reply) => reply.code(204).send());
    // #endregion guide:cors-fastify
    return app;
  },
};
