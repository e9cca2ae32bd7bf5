// Recipe: `response-time` in Express, an `onSend` hook reading `reply.elapsedTime` in Fastify
// (docs/recipes/validation.md#response-time).
import express from 'express';
import Fastify from 'fastify';
import responseTime from 'response-time';
import type { RecipePair } from '../harness.js';

export const responseTimeRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:response-time-express
    app.use(responseTime());
    app.get('/items', (_req, res) => {
      res.json({ items: [] });
    });
    // #endregion guide:response-time-express
    return app;
  },
  fastify() {
    const app = Fastify();
    // #region guide:response-time-fastify
    // onSend is the last hook before the headers go out; onResponse runs after, too late
    // for a header. response-time's format: milliseconds, three digits, "ms".
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('x-response-time', `${reply.elapsedTime.toFixed(3)}ms`);
      return payload;
    });
    app.get('/items', async () => ({ items: [] }));
    // #endregion guide:response-time-fastify
    return app;
  },
};
