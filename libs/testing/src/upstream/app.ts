import { STATUS_CODES } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { UpstreamError, UpstreamErrorCode } from './lib/errors.js';
import { FaultSwitch } from './lib/fault-switch.js';
import { RingRequestLog, type RequestLog } from './lib/request-log.js';
import { resolveOptions, type UpstreamOptions } from './options.js';
import faultsPlugin from './plugins/faults.js';
import requestLog from './plugins/request-log.js';
import httpbinRoutes from './routes/httpbin/index.js';
import modelRoutes from './routes/model/index.js';
import requestLogRoutes from './routes/requests/index.js';
import sourceRoutes from './routes/sources/index.js';
import type { ErrorBody } from './schemas.js';

function errorBody(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

/** Maps whatever reached the error handler to a stable code; framework 4xx keep their status. */
function toErrorBody(error: FastifyError | UpstreamError): ErrorBody {
  if (error instanceof UpstreamError) return errorBody(error.statusCode, error.code, error.message);
  const status = error.statusCode ?? 500;
  if (status === 400) return errorBody(400, UpstreamErrorCode.BAD_REQUEST, error.message);
  if (status > 400 && status < 500) {
    return errorBody(status, UpstreamErrorCode.REQUEST_REJECTED, error.message);
  }
  return errorBody(500, UpstreamErrorCode.INTERNAL, 'internal error in the upstream stand-in');
}

/** The stand-in's Fastify instance, with its request log and its fault switch. */
export type UpstreamApp = FastifyInstance & {
  readonly requests: RequestLog;
  readonly faults: FaultSwitch;
  /** The `x-upstream-control` value `/__requests` asks for (absent on a public stand-in). */
  readonly controlToken: string | undefined;
};

/**
 * Builds the stand-in upstream. It never listens: `startUpstream` (server.ts) or `main.ts` does.
 * Throws SWY_ERR_STANDIN_INVALID_OPTION for an option out of range.
 */
export function buildUpstream(options: UpstreamOptions = {}): UpstreamApp {
  const resolved = resolveOptions(options);
  const app: FastifyInstance = Fastify({
    logger: resolved.logger,
    // close() must not wait for hung requests: it destroys every open socket.
    forceCloseConnections: true,
    // Bodies are checked as sent: `{ "prompt": 42 }` is a 400, not the prompt "42".
    ajv: { customOptions: { coerceTypes: false } },
  });

  const log = new RingRequestLog(resolved.logSize);
  // Typed through UpstreamApp rather than `declare module 'fastify'`, which would add
  // `requests` to the Fastify instances of every project that imports this one.
  app.decorate('requests', log);
  const faults = new FaultSwitch();
  app.decorate('faults', faults);
  app.decorate('controlToken', resolved.public ? undefined : resolved.controlToken);

  // Hooks run in registration order: the log records a request before faults can act on it.
  void app.register(requestLog, { log });
  void app.register(faultsPlugin, {
    latencyMs: resolved.latencyMs,
    faults,
    overrides: !resolved.public,
  });

  void app.register(httpbinRoutes);
  void app.register(modelRoutes, { prefix: '/model', chunkDelayMs: resolved.chunkDelayMs });
  void app.register(sourceRoutes, { prefix: '/sources' });
  // The request log shows what every caller sent: never on a public stand-in, and otherwise
  // only to a caller with the control token, which no proxy in front of the stand-in forwards.
  if (!resolved.public) {
    void app.register(requestLogRoutes, {
      prefix: '/__requests',
      log,
      controlToken: resolved.controlToken,
    });
  }

  app.setErrorHandler<FastifyError | UpstreamError>((error, request, reply) => {
    const body = toErrorBody(error);
    if (body.statusCode >= 500) request.log.error({ err: error }, 'upstream stand-in failed');
    return reply.code(body.statusCode).send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        errorBody(
          404,
          UpstreamErrorCode.NOT_FOUND,
          `no route for ${request.method} ${request.url}`,
        ),
      ),
  );

  return app as UpstreamApp;
}
