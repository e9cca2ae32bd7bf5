// Recipe: Express 4's `qs` query parser as Fastify's `querystringParser`
// (docs/recipes/routing.md#query-parser).
import express4 from 'express4';
import express from 'express';
import Fastify from 'fastify';
import qs from 'qs';
import type { RecipePair } from '../harness.js';

export const queryRecipe: RecipePair = {
  express() {
    // #region guide:query-parser-express
    // Express 4 parses the query with qs ("extended") unless you say otherwise.
    const app = express4();
    app.get('/search', (req, res) => {
      res.json(req.query);
    });
    // #endregion guide:query-parser-express
    return app as unknown as express.Express;
  },
  fastify() {
    // #region guide:query-parser-fastify
    const app = Fastify({
      routerOptions: { querystringParser: (query) => qs.parse(query) },
    });
    app.get('/search', async (request) => request.query);
    // #endregion guide:query-parser-fastify
    return app;
  },
};

/** Express 5 with its default query parser ("simple", node:querystring). */
export function buildExpress5Query() {
  const app = express();
  app.get('/search', (req, res) => {
    res.json(req.query);
  });
  return app;
}

/** Express 5 with qs back, as an Express 4 app that moves to 5 first would set it. */
export function buildExpress5Extended() {
  const app = express();
  app.set('query parser', 'extended');
  app.get('/search', (req, res) => {
    res.json(req.query);
  });
  return app;
}
