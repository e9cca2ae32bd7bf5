import { RequestValidator, type RouteGroup } from '@switchyard/api-spec';
import { createServices, measuredUpstream } from '@switchyard/domain';
import type { AppMetrics } from '@switchyard/http-kit';
import { accountLimiters, openRedis, trustProxy, type Config } from '@switchyard/runtime';
import { sessionEvents, type Database } from '@switchyard/persistence';
import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { syncPasswordHasher } from './adapters/sync-password-hasher.js';
import type { AppContext, RouteContext } from './context.js';
import { createLogger } from './logger.js';
import { authenticate } from './middleware/auth.js';
import { errorHandler } from './middleware/errors.js';
import { jsonBody } from './middleware/json-body.js';
import { requestMetrics } from './middleware/metrics.js';
import { notFound } from './middleware/not-found.js';
import { requestId } from './middleware/request-id.js';
import { securityHeaders } from './middleware/security-headers.js';
import { unreservedPath } from './middleware/unreserved-path.js';
import { rateLimits } from './middleware/rate-limit.js';
import { validation } from './middleware/validation.js';
import { accountsRoutes } from './routes/accounts.js';
import { botsRoutes } from './routes/bots.js';
import { conversationsRoutes } from './routes/conversations.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { proxyRoutes } from './routes/proxy.js';
import { streamRoutes } from './routes/stream.js';
import { FetchUpstreamClient } from './adapters/fetch-upstream-client.js';

export interface CreateAppOptions {
  readonly config: Config;
  /** Opened and closed by the caller (main.ts or a test); the app only uses it. */
  readonly db: Database;
  /** Defaults to createLogger(config): pino at LOG_LEVEL with the secrets redacted. */
  readonly logger?: Logger;
  /** METRICS_PORT set: request and upstream durations are recorded here (server.ts serves them). */
  readonly metrics?: AppMetrics | undefined;
}

/** The Express app, with the context the WebSocket server needs in `app.locals.context`. */
export type SwitchyardApp = Express & { locals: { context: AppContext } };

/** The per-route middleware every router takes, built once from the app's context. */
export function createRouteContext(context: AppContext): RouteContext {
  return {
    ...context,
    authenticate: authenticate(context.services.accounts),
    json: jsonBody(context.config.BODY_LIMIT_BYTES),
    validate: validation(context.validator),
    rateLimit: rateLimits(context.config, context.redis),
  };
}

/**
 * One router per route group, in the order the app mounts them (apps/bridge-api mounts the
 * ones it has not moved to Fastify). The WebSocket group's router answers a plain GET only; its
 * upgrades never reach Express (attachStreamServer in routes/stream.ts takes them).
 */
export function createRouters(routes: RouteContext): Record<RouteGroup, Router> {
  return {
    health: healthRoutes(routes),
    accounts: accountsRoutes(routes),
    bots: botsRoutes(routes),
    stream: streamRoutes(routes),
    conversations: conversationsRoutes(routes),
    proxy: proxyRoutes(routes),
    docs: docsRoutes(),
  };
}

/** Builds the app and its services; it never listens (server.ts does). */
export function createApp({
  config,
  db,
  logger = createLogger(config),
  metrics,
}: CreateAppOptions): SwitchyardApp {
  const redis = config.REDIS_URL ? openRedis(config.REDIS_URL, logger) : undefined;
  const limiters = accountLimiters(config, redis);
  const events = sessionEvents({ db, redis, keyPrefix: config.REDIS_KEY_PREFIX, log: logger });
  const upstream = new FetchUpstreamClient({
    baseUrls: { model: config.MODEL_URL, knowledge: config.KNOWLEDGE_URL },
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    maxResponseBytes: config.UPSTREAM_MAX_RESPONSE_BYTES,
    maxLineBytes: config.UPSTREAM_MAX_LINE_BYTES,
  });
  const services = createServices({
    db,
    passwords: syncPasswordHasher,
    upstream: metrics
      ? measuredUpstream(upstream, (call) => metrics.observeUpstream(call))
      : upstream,
    ensembleSources: config.ENSEMBLE_SOURCES,
    maxReplyChars: config.MAX_REPLY_CHARS,
    streamReplyTimeoutMs: config.STREAM_REPLY_TIMEOUT_MS,
    sessionTtlSeconds: config.SESSION_TTL_SECONDS,
    idempotencyTtlSeconds: config.IDEMPOTENCY_TTL_SECONDS,
    idempotencyLeaseMs: config.IDEMPOTENCY_LEASE_MS,
    limiters,
    loginLimiter: limiters.login,
    maxSessionsPerAccount: config.MAX_SESSIONS_PER_ACCOUNT,
    sessionPurgeBatch: config.SESSION_PURGE_BATCH,
    sessionCacheMaxEntries: config.SESSION_CACHE_MAX_ENTRIES,
    sessionCacheTtlSeconds: config.SESSION_CACHE_TTL_SECONDS,
    sessionEvents: events,
  });
  const context: AppContext = {
    config,
    services,
    validator: new RequestValidator(),
    logger,
    redis,
  };
  const routes = createRouteContext(context);

  const app = express() as SwitchyardApp;
  app.locals.context = context;
  app.disable('x-powered-by');
  // Fastify sends no ETag on JSON, and the two apps answer byte for byte alike.
  app.set('etag', false);
  // TRUST_PROXY: which proxies' X-Forwarded-For decides req.ip (rate limits, logs); none when unset.
  app.set('trust proxy', trustProxy(config));

  if (metrics) app.use(requestMetrics(metrics));
  app.use(requestId);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => req.id,
      // The access line is info whatever the status, as Fastify's "request completed": a failure
      // has a line of its own from the error handler, at logLevelOf's level (@switchyard/http-kit).
      useLevel: 'info',
      // The client's address as TRUST_PROXY sees it (req.ip), as Fastify logs request.ip; the
      // default is the socket's peer, which behind a load balancer is the balancer.
      serializers: {
        req: (req: { raw: express.Request; remoteAddress?: string }) =>
          Object.assign(req, { remoteAddress: req.raw.ip }),
      },
    }),
  );
  app.use(securityHeaders);

  // Before any route is matched: /v1/%62ots is /v1/bots.
  app.use(unreservedPath);

  // Express's router answers OPTIONS on a known path by itself (200 and the methods). This API
  // serves no OPTIONS route, so OPTIONS is a 405 with Allow like any other method.
  app.options('/{*path}', notFound);

  app.use(...Object.values(createRouters(routes)));

  // Order matters from here. Express calls the 4-argument handler only for a request that failed
  // above, and the 404/405 handler only when nothing above answered and nothing failed: it must
  // be last, or it would answer for routes registered after it.
  app.use(errorHandler);
  app.use(notFound);

  return app;
}
