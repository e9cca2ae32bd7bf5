// Recipe: `morgan` in Express, Fastify's own logger (pino) in Fastify
// (docs/recipes/validation.md#morgan). Both write to a stream the caller passes, so the test
// reads what each side logged.
import express from 'express';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import morgan from 'morgan';
import type { RecipePair } from '../harness.js';

/** Somewhere to write log lines: process.stdout in an app, an array in the test. */
export interface LogSink {
  write(line: string): void;
}

export function morganRecipe(sinks: { express: LogSink; fastify: LogSink }): RecipePair {
  return {
    express() {
      const app = express();
      // #region guide:morgan-express
      app.use(morgan('tiny', { stream: sinks.express }));
      app.get('/items', (_req, res) => {
        res.json({ items: [] });
      });
      // #endregion guide:morgan-express
      return app;
    },
    fastify() {
      // #region guide:morgan-fastify
      // morgan writes nothing when a request arrives and one line when it is answered;
      // Fastify's default is a line at each end, so override both (other log lines stay).
      class OneLinePerRequest extends LogController {
        override incomingRequest() {}
        // morgan's line for a 404 is the only one; Fastify adds "Route GET:/x not found".
        override routeNotFound() {}
        override requestCompleted(
          error: Error | null | undefined,
          request: FastifyRequest,
          reply: FastifyReply,
        ) {
          const line = {
            method: request.method,
            url: request.url,
            statusCode: reply.statusCode,
            responseTime: reply.elapsedTime,
          };
          if (error) reply.log.error({ ...line, err: error }, 'request errored');
          else reply.log.info(line, 'request completed');
        }
      }
      const app = Fastify({
        logger: { stream: sinks.fastify },
        logController: new OneLinePerRequest(),
      });
      app.get('/items', async () => ({ items: [] }));
      // #endregion guide:morgan-fastify
      return app;
    },
  };
}
