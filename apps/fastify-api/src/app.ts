import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify';
import { LOG_REDACT_PATHS, serverOptions, trustProxy, type Config } from '@switchyard/runtime';
import { routeGroups, type RouteGroup } from '@switchyard/api-spec';
import { answerClientError } from '@switchyard/http-kit';
import { type Database, type SessionEvents } from '@switchyard/persistence';
import type { Services } from '@switchyard/domain';
import type { AppMetrics } from '@switchyard/http-kit';
import { badUrl, sendError, toHttpError } from './lib/http-errors.js';
import authPlugin from './plugins/auth.js';
import configPlugin from './plugins/config.js';
import errorsPlugin, { notFoundHookPlugin } from './plugins/errors.js';
import metricsPlugin from './plugins/metrics.js';
import helmetPlugin, { SECURITY_HEADERS } from './plugins/helmet.js';
import rateLimitPlugin from './plugins/rate-limit.js';
import servicesPlugin from './plugins/services.js';
import upstreamPlugin from './plugins/upstream.js';
import validationPlugin from './plugins/validation.js';
import websocketPlugin from './plugins/websocket.js';
import accountsRoutes from './routes/accounts.js';
import botsRoutes from './routes/bots.js';
import conversationsRoutes from './routes/conversations.js';
import docsRoutes from './routes/docs.js';
import healthRoutes from './routes/health.js';
import proxyRoutes from './routes/proxy.js';
import streamRoutes from './routes/stream.js';

export interface BuildAppOptions {
  readonly config: Config;
  /** Opened by the caller, who also closes it; the app never does. */
  readonly db: Database;
  /**
   * Omitted or true: pino at `LOG_LEVEL` with secrets redacted. false: no logs. A logger
   * instance (pino or compatible): used as it is.
   */
  readonly logger?: boolean | FastifyBaseLogger;
  /** The route groups this app serves natively; all of them unless said otherwise. */
  readonly routes?: readonly RouteGroup[];
  /**
   * A plugin registered once the services and the auth hook exist and before the routes and
   * the unknown-route hook: apps/bridge-api mounts the Express routers of the groups it has not
   * moved here. It must be wrapped with fastify-plugin, so that its hooks see every request.
   */
  readonly mount?: FastifyPluginAsync;
  /**
   * The use cases, when the caller has them already: apps/bridge-api's shadow side runs the
   * bridge's own (one session cache, one database), and closes nothing of them. Unset: built here.
   */
  readonly services?: Services;
  /**
   * How sessions ended elsewhere reach the services built here (unset: Redis, LISTEN/NOTIFY or
   * this process only, chosen from the config). apps/bridge-api's shadow worker passes the
   * bridge's revocations, relayed to it in order with its requests.
   */
  readonly sessionEvents?: SessionEvents;
  /** METRICS_PORT set: request and upstream durations are recorded here (server.ts serves them). */
  readonly metrics?: AppMetrics | undefined;
}

export const REQUEST_ID_HEADER = 'x-request-id';

// #region guide:logger
function loggerOptions(
  config: Config,
  logger: BuildAppOptions['logger'],
): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (logger === false) return { logger: false };
  if (logger === undefined || logger === true) {
    return {
      logger: {
        level: config.LOG_LEVEL,
        redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' },
      },
    };
  }
  return { loggerInstance: logger };
}
// #endregion guide:logger

// #region guide:request-id
/** The caller's id when it is a sane token (it is logged and echoed), else a new UUID. */
function requestId(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming)
    ? incoming
    : randomUUID();
}
// #endregion guide:request-id

/**
 * Builds the Fastify app: plugins, then routes. It never listens (server.ts does), so tests can
 * run it in-process; call `ready()` before using it.
 */
export function buildApp({
  config,
  db,
  logger,
  routes = routeGroups,
  mount,
  services,
  sessionEvents,
  metrics,
}: BuildAppOptions): FastifyInstance {
  const serves = new Set(routes);
  const app = Fastify({
    ...loggerOptions(config, logger),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // TRUST_PROXY: which proxies' X-Forwarded-For decides request.ip (rate limits, logs).
    trustProxy: trustProxy(config),
    // The server's timeouts (server.ts applies them again over Fastify's defaults).
    http: serverOptions(config),
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    // Read by genReqId, which checks it before trusting it.
    requestIdHeader: false,
    genReqId: requestId,
    routerOptions: {
      // Like Express: /v1/bots/ is /v1/bots (allowedMethods() agrees).
      ignoreTrailingSlash: true,
      // Long parameters reach validation (a 400 with details) instead of a bare 414.
      maxParamLength: 16_384,
    },
    // During shutdown, requests already on an open connection are served, not refused with
    // Fastify's own 503 body (which is not our envelope).
    return503OnClosing: false,
    // A request Node's parser refuses: the envelope and the security headers, as express-api's
    // clientError listener (answerClientError in @switchyard/http-kit), instead of Fastify's
    // own JSON body without either.
    clientErrorHandler: (error, socket) => {
      answerClientError(error, socket, {
        headers: SECURITY_HEADERS,
        onAnswer: (answer) => app.log.debug({ code: answer.code }, 'client error'),
      });
    },
    // Errors the router raises before any hook runs (a path that is not valid percent-encoding).
    // No hook has run, helmet's included: its headers are set here.
    frameworkErrors: (error, request, reply) => {
      reply.headers(SECURITY_HEADERS);
      reply.header(REQUEST_ID_HEADER, request.id);
      // Not returned: the type wants void, and a reply is thenable (no-misused-promises).
      sendError(reply, error.code === 'FST_ERR_BAD_URL' ? badUrl(request) : toHttpError(error));
    },
  });

  // #region guide:request-id-hook
  // Echo the request id on every response, errors and 404s included. Synchronous work, so a
  // callback hook: an async one costs a promise and a microtask on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  // #endregion guide:request-id-hook

  void app.register(configPlugin, { config });
  if (metrics) void app.register(metricsPlugin, { metrics });
  void app.register(validationPlugin);
  if (serves.has('docs')) void app.register(docsRoutes);
  void app.register(helmetPlugin);
  void app.register(errorsPlugin);
  void app.register(rateLimitPlugin);
  void app.register(upstreamPlugin, { metrics });
  void app.register(servicesPlugin, {
    db,
    ...(services ? { services } : {}),
    ...(sessionEvents ? { sessionEvents } : {}),
  });
  void app.register(authPlugin);
  if (serves.has('stream')) void app.register(websocketPlugin);
  if (mount) void app.register(mount);
  void app.register(notFoundHookPlugin);

  // Each route file takes its paths from the domain's route table, so none needs a prefix.
  const groups: Record<Exclude<RouteGroup, 'docs'>, FastifyPluginAsync> = {
    health: healthRoutes,
    accounts: accountsRoutes,
    bots: botsRoutes,
    stream: streamRoutes,
    conversations: conversationsRoutes,
    proxy: proxyRoutes,
  };
  for (const [group, plugin] of Object.entries(groups)) {
    if (serves.has(group as RouteGroup)) void app.register(plugin);
  }

  return app;
}
