// Recipe: `pino-http` in Express, Fastify's built-in logger in Fastify
// (docs/recipes/validation.md#pino-http): a request id taken from the caller or made up,
// on every log line of the request and echoed in the answer.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import express from 'express';
import Fastify, { LogController } from 'fastify';
import { pinoHttp } from 'pino-http';
import type { RecipePair } from '../harness.js';
import type { LogSink } from './morgan.js';

export const REQUEST_ID_HEADER = 'x-request-id';

export function pinoHttpRecipe(sinks: { express: LogSink; fastify: LogSink }): RecipePair {
  return {
    express() {
      const app = express();
      // #region guide:pino-http-express
      app.use(
        pinoHttp(
          {
            genReqId: (req, res) => {
              const id = req.headers[REQUEST_ID_HEADER] ?? randomUUID();
              res.setHeader(REQUEST_ID_HEADER, id);
              return id;
            },
          },
          sinks.express,
        ),
      );
      app.get('/items', (req, res) => {
        req.log.info('listing items');
        res.json({ id: req.id });
      });
      // #endregion guide:pino-http-express
      return app;
    },
    fastify() {
      // #region guide:pino-http-fastify
      const app = Fastify({
        logger: { stream: sinks.fastify },
        // Fastify takes the id from this header when it is there, from genReqId otherwise.
        requestIdHeader: REQUEST_ID_HEADER,
        genReqId: (_req: IncomingMessage) => randomUUID(),
        // The key the id is logged under (reqId by default); pino-http logs it as req.id.
        logController: new LogController({ requestIdLogLabel: 'requestId' }),
      });
      // Fastify does not echo the id; this hook does, as the genReqId above did in Express.
      app.addHook('onRequest', async (request, reply) => {
        reply.header(REQUEST_ID_HEADER, request.id);
      });
      app.get('/items', async (request) => {
        request.log.info('listing items');
        return { id: request.id };
      });
      // #endregion guide:pino-http-fastify
      return app;
    },
  };
}
