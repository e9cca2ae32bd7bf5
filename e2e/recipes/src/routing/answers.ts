// Recipe: `res.json` and callbacks against an async handler's return value and `return reply`
// (docs/recipes/routing.md#return-or-send).
import express from 'express';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { RecipePair } from '../harness.js';

/** A callback API, as older drivers and SDKs have. */
function lookUp(id: string, callback: (error: Error | null, item?: { id: string }) => void) {
  setImmediate(() => callback(null, { id }));
}

export const answersRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:return-or-send-express
    app.get('/items/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    app.get('/legacy/:id', (req, res, next) => {
      lookUp(req.params.id, (error, item) => {
        if (error) return next(error);
        res.json(item);
      });
    });
    // #endregion guide:return-or-send-express
    return app;
  },
  fastify: () => buildAnswersFastify(),
};

export function buildAnswersFastify(options: FastifyServerOptions = {}) {
  const app = Fastify(options);
  // #region guide:return-or-send-fastify
  // An async handler answers with what it returns.
  app.get<{ Params: { id: string } }>('/items/:id', async (request) => ({
    id: request.params.id,
  }));
  // A callback answers later: send from it and return the reply, so that Fastify waits.
  app.get<{ Params: { id: string } }>('/legacy/:id', async (request, reply) => {
    lookUp(request.params.id, (error, item) => {
      // An error sent here goes to the error handler, as next(error) does in Express.
      reply.send(error ?? item);
    });
    return reply;
  });
  // #endregion guide:return-or-send-fastify
  // #region guide:return-or-send-forgotten
  // The mistake: the handler resolves to undefined while the callback has not answered yet.
  app.get<{ Params: { id: string } }>('/forgotten/:id', async (request, reply) => {
    lookUp(request.params.id, (_error, item) => {
      reply.send(item);
    });
  });
  // #endregion guide:return-or-send-forgotten
  return app;
}
