// Recipe: `express.static`, `res.sendFile` and `res.download` in Express, `@fastify/static`
// with `reply.sendFile` and `reply.download` in Fastify (docs/recipes/bodies.md#static,
// #send-file, #download).
import { fileURLToPath } from 'node:url';
import express from 'express';
import Fastify from 'fastify';
import fastifyStatic from '@fastify/static';
import type { RecipePair } from '../harness.js';

/** The files both sides serve: index.html, style.css, docs/index.html, report.csv, .secret. */
export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export const staticRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:static-express
    app.use('/assets', express.static(PUBLIC_DIR));
    // #endregion guide:static-express
    // #region guide:send-file-express
    app.get('/reports/latest', (_req, res) => {
      res.sendFile('report.csv', { root: PUBLIC_DIR });
    });
    // #endregion guide:send-file-express
    // #region guide:download-express
    app.get('/reports/latest/download', (_req, res) => {
      res.download('report.csv', 'report-2026.csv', { root: PUBLIC_DIR });
    });
    app.get('/exports/items', (_req, res) => {
      res.attachment('items.csv').send('id,name\n1,ann\n');
    });
    // #endregion guide:download-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:static-fastify
    await app.register(fastifyStatic, {
      root: PUBLIC_DIR,
      prefix: '/assets',
      // The plugin's defaults: dotfiles served, a directory answered without a redirect.
      dotfiles: 'ignore',
      redirect: true,
    });
    // #endregion guide:static-fastify
    // #region guide:send-file-fastify
    // reply.sendFile resolves the name against the plugin's root (or the root you pass).
    app.get('/reports/latest', async (_request, reply) => reply.sendFile('report.csv'));
    // #endregion guide:send-file-fastify
    // #region guide:download-fastify
    // reply.download resolves the name against the plugin's root, as reply.sendFile does
    // (since @fastify/static 10; 9 ignored that root and answered a relative name with 404).
    app.get('/reports/latest/download', async (_request, reply) =>
      reply.download('report.csv', 'report-2026.csv'),
    );
    // No reply.attachment(): set the header yourself for a body you build.
    app.get('/exports/items', async (_request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="items.csv"')
        .send('id,name\n1,ann\n'),
    );
    // #endregion guide:download-fastify
    return app;
  },
};
