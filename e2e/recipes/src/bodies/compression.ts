// Recipe: `compression` in Express, `@fastify/compress` in Fastify
// (docs/recipes/bodies.md#compression).
import compression from 'compression';
import express from 'express';
import Fastify from 'fastify';
import fastifyCompress from '@fastify/compress';
import type { RecipePair } from '../harness.js';

/** A JSON answer well past both sides' 1 kB threshold, and one well under it. */
export const LARGE = {
  items: Array.from({ length: 200 }, (_, id) => ({ id, name: `item ${id}` })),
};
export const SMALL = { ok: true };
/** Bytes that are not a compressible type. */
export const PNG = Buffer.alloc(4096, 7);

export const compressionRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:compression-express
    app.use(compression());
    app.get('/items', (_req, res) => {
      res.json(LARGE);
    });
    // #endregion guide:compression-express
    app.get('/small', (_req, res) => {
      res.json(SMALL);
    });
    app.get('/logo.png', (_req, res) => {
      res.type('image/png').send(PNG);
    });
    app.get('/report.csv', (_req, res) => {
      res.type('text/csv').send('id,name\n'.repeat(500));
    });
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:compression-fastify
    await app.register(fastifyCompress);
    app.get('/items', async () => LARGE);
    // #endregion guide:compression-fastify
    app.get('/small', async () => SMALL);
    app.get('/logo.png', async (_request, reply) => reply.type('image/png').send(PNG));
    app.get('/report.csv', async (_request, reply) =>
      reply.type('text/csv').send('id,name\n'.repeat(500)),
    );
    return app;
  },
};
