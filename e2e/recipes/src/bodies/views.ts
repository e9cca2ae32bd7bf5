// Recipe: `app.set('view engine', 'ejs')` and `res.render` in Express, `@fastify/view` with the
// same ejs templates in Fastify (docs/recipes/bodies.md#views).
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import express from 'express';
import Fastify from 'fastify';
import fastifyView from '@fastify/view';
import type { RecipePair } from '../harness.js';

/** items.ejs includes item-list.ejs; both sides render these same files. */
export const VIEWS_DIR = fileURLToPath(new URL('./views/', import.meta.url));

/** What the route shows; a name with markup, to see that both escape it. */
export const ITEMS = [{ name: 'Bolt' }, { name: '<script>alert(1)</script>' }];

export const viewsRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:views-express
    app.set('view engine', 'ejs');
    app.set('views', VIEWS_DIR);
    app.locals.site = 'Switchyard';
    app.get('/items', (_req, res) => {
      res.render('items', { title: 'Items', items: ITEMS });
    });
    // #endregion guide:views-express
    app.get('/missing', (_req, res) => {
      res.render('no-such-view');
    });
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:views-fastify
    await app.register(fastifyView, {
      engine: { ejs },
      root: VIEWS_DIR,
      viewExt: 'ejs',
      // app.locals: values every template sees.
      defaultContext: { site: 'Switchyard' },
    });
    app.get('/items', async (_request, reply) =>
      reply.view('items', { title: 'Items', items: ITEMS }),
    );
    // #endregion guide:views-fastify
    app.get('/missing', async (_request, reply) => reply.view('no-such-view'));
    return app;
  },
};
