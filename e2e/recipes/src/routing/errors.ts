// Recipe: the 4-argument error middleware as `setErrorHandler`, and the last `app.use` 404 as
// `setNotFoundHandler` (docs/recipes/routing.md#error-handler, #not-found).
import express from 'express';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { RecipePair } from '../harness.js';

/** An error with the status it should answer, as a route throws it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const errorsRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:error-handler-express
    app.post('/items', express.json(), (req, res) => {
      if (typeof req.body?.name !== 'string') throw new HttpError(400, 'name is required');
      res.status(201).json({ name: req.body.name });
    });
    app.get('/boom', () => {
      throw new Error('database password in this message');
    });
    const legacy = express.Router();
    legacy.get('/boom', () => {
      throw new Error('legacy failure');
    });
    // Only errors from this router's routes reach this handler.
    legacy.use(
      (_err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(500).type('text').send('legacy error');
      },
    );
    app.use('/legacy', legacy);
    // After the routes: Express passes an error to the next 4-argument middleware in order.
    app.use(
      (err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        const status = err instanceof HttpError ? err.status : 500;
        res.status(status).json({ error: status < 500 ? err.message : 'internal error' });
      },
    );
    // #endregion guide:error-handler-express
    // #region guide:not-found-express
    // Last: a request reaches it only when no route before it answered.
    app.use((req, res) => {
      res.status(404).json({ error: 'not found', path: req.path });
    });
    // Registered after the 404 handler, so Express never reaches it.
    app.get('/late', (_req, res) => {
      res.json({ late: true });
    });
    // #endregion guide:not-found-express
    return app;
  },
  async fastify() {
    const app = Fastify({ logger: false });
    // #region guide:error-handler-fastify
    // First: a route takes the scope's handler when it is added, and an awaited register
    // below would add the routes before it with Fastify's default handler instead.
    app.setErrorHandler<FastifyError | HttpError>(async (error, _request, reply) => {
      // A schema failure: statusCode 400 and the Ajv errors in error.validation.
      if ('validation' in error && error.validation) {
        return reply.code(400).send({
          error: 'name is required',
          context: error.validationContext,
          issues: error.validation.map((issue) => issue.message),
        });
      }
      const status = error instanceof HttpError ? error.status : (error.statusCode ?? 500);
      return reply.code(status).send({ error: status < 500 ? error.message : 'internal error' });
    });
    app.post<{ Body: { name: string } }>(
      '/items',
      {
        schema: {
          body: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' } },
          },
        },
      },
      async (request, reply) => reply.code(201).send({ name: request.body.name }),
    );
    app.get('/boom', async () => {
      throw new Error('database password in this message');
    });
    await app.register(
      async (legacy: FastifyInstance) => {
        // Only errors from this plugin's routes reach this handler.
        legacy.setErrorHandler(async (_error, _request, reply) =>
          reply.code(500).type('text/plain').send('legacy error'),
        );
        legacy.get('/boom', async () => {
          throw new Error('legacy failure');
        });
      },
      { prefix: '/legacy' },
    );
    // #endregion guide:error-handler-fastify
    // #region guide:not-found-fastify
    app.setNotFoundHandler(async (request, reply) =>
      reply.code(404).send({ error: 'not found', path: request.url }),
    );
    // Routes after it are still matched: the handler is not a position in a chain.
    app.get('/late', async () => ({ late: true }));
    // #endregion guide:not-found-fastify
    return app;
  },
};
