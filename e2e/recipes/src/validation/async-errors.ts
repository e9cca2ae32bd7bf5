// Recipe: `express-async-errors` / `express-async-handler` (Express 4) have nothing to replace:
// Express 5 and Fastify both send a rejected handler's error to the error handler
// (docs/recipes/validation.md#express-async-errors).
import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify from 'fastify';
import type { RecipePair } from '../harness.js';

/** A store call that fails after an await, as a lost database connection does. */
async function loadItem(id: string): Promise<{ id: string }> {
  await new Promise((resolve) => setImmediate(resolve));
  throw new Error(`item ${id} could not be loaded`);
}

export const asyncErrorsRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:express-async-errors-express
    // Express 5: no wrapper; a rejected promise goes to the error handler like next(err).
    app.get('/items/:id', async (req, res) => {
      res.json(await loadItem(req.params.id));
    });
    app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ message: err.message });
    });
    // #endregion guide:express-async-errors-express
    return app;
  },
  fastify() {
    const app = Fastify();
    // #region guide:express-async-errors-fastify
    app.get<{ Params: { id: string } }>('/items/:id', async (request) =>
      loadItem(request.params.id),
    );
    app.setErrorHandler(async (error: Error, _request, reply) =>
      reply.code(500).send({ message: error.message }),
    );
    // #endregion guide:express-async-errors-fastify
    return app;
  },
};
