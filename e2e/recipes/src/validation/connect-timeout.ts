// Recipe: `connect-timeout` in Express, the `handlerTimeout` route option in Fastify
// (docs/recipes/validation.md#connect-timeout).
import timeout from 'connect-timeout';
import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify from 'fastify';
import type { RecipePair } from '../harness.js';

/** Short, so the test is quick; the assertions are on what the client gets, not on when. */
export const TIMEOUT_MS = 50;

/** The URLs whose request.signal Fastify aborted, for the test. */
export const aborted: string[] = [];

export const connectTimeoutRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:connect-timeout-express
    // A handler that never answers, standing in for a call that hangs.
    app.get('/stuck', timeout(`${TIMEOUT_MS}ms`), () => {});
    app.use(
      (
        err: Error & { status?: number; code?: string },
        _req: Request,
        res: Response,
        _next: NextFunction,
      ) => {
        res.status(err.status ?? 500).json({ code: err.code, message: err.message });
      },
    );
    // #endregion guide:connect-timeout-express
    return app;
  },
  fastify() {
    const app = Fastify();
    // #region guide:connect-timeout-fastify
    app.get('/stuck', { handlerTimeout: TIMEOUT_MS }, (request) => {
      // The timeout is cooperative: the 503 goes out and this work goes on unless it
      // listens to request.signal.
      return new Promise((resolve) => {
        request.signal.addEventListener('abort', () => {
          aborted.push(request.url);
          resolve(undefined);
        });
      });
    });
    app.setErrorHandler(
      async (error: Error & { statusCode?: number; code?: string }, _request, reply) =>
        reply.code(error.statusCode ?? 500).send({ code: error.code, message: error.message }),
    );
    // #endregion guide:connect-timeout-fastify
    return app;
  },
};
