// The bridge: one Fastify app serving some route groups natively (fastify-api's plugins) and
// the others through express-api's routers, mounted with @fastify/express. One set of services
// and one database serve both sides, so a request sees the same data whichever side answers.
import expressPlugin from '@fastify/express';
import {
  attachStreamServer,
  createLogger,
  createRouteContext,
  createRouters,
  errorHandler,
  type AppContext,
} from '@switchyard/express-api';
import { buildApp, type BuildAppOptions } from '@switchyard/fastify-api';
import { RequestValidator, routeGroups, type RouteGroup } from '@switchyard/api-spec';
import { trustProxy } from '@switchyard/runtime';
import express, { type RequestHandler } from 'express';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { pinoHttp } from 'pino-http';
import { MOVED } from './moved.js';
import { shadowPlan } from './shadow/plan.js';
import { shadowPlugin, type ShadowOptions } from './shadow/shadow.js';

export interface BuildBridgeOptions extends Omit<BuildAppOptions, 'routes' | 'mount'> {
  /** The groups Fastify serves natively; MOVED (src/moved.ts) unless a test says otherwise. */
  readonly moved?: readonly RouteGroup[];
  /**
   * Express middleware put in front of (`before`) or behind (`after`) the routers. Only
   * test/traps.test.ts sets it, to spring each trap and show what it does; never in production.
   */
  readonly expressExtras?: {
    readonly before?: RequestHandler[];
    readonly after?: RequestHandler[];
  };
  /** How the shadow's Fastify side is built (SHADOW_GROUPS); only tests/shadow*.test.ts set it. */
  readonly shadow?: ShadowOptions;
}

/**
 * Fastify's own logger (pino, the app's level and redaction): one destination for both sides,
 * so whoever reads the app's log sees the Express routes' lines too. Built with `logger: false`,
 * Fastify has a no-op logger that pino-http cannot wrap; the Express side is silent then too.
 */
function expressLogger(app: FastifyInstance): AppContext['logger'] {
  const pinoLike = typeof (app.log as { levels?: unknown }).levels === 'object';
  return pinoLike ? (app.log as AppContext['logger']) : createLogger({ LOG_LEVEL: 'silent' });
}

/** The Express side's context, for its routers and, if it is not moved, its WebSocket server. */
export function expressContext(app: FastifyInstance): AppContext {
  const { config, services, redis } = app;
  return {
    config,
    services,
    validator: new RequestValidator(),
    logger: expressLogger(app),
    redis,
  };
}

/**
 * express-api's routers for the groups not moved, in one Express app mounted at the root.
 * What it deliberately leaves out of express-api's createApp (each is a trap of
 * @fastify/express, with a test in test/traps.test.ts):
 * - no body parser in front of everything: express-api parses JSON per route, so a request for
 *   a Fastify route reaches Fastify's parser with its body unread (a global express.json()
 *   would consume it and the Fastify route would wait forever);
 * - no 404 handler: a request no router matches goes back to Fastify, whose router, 404 and
 *   405 handling see it (an Express 404 would swallow every Fastify route);
 * - no request id, helmet or access log of its own: Fastify's onRequest hooks ran before this
 *   one and apply to Express's responses too. Its preParsing … preHandler hooks never run for
 *   Express's routes; onSend runs only for what Express sends with res.send()/res.json().
 */
function expressSide(
  notMoved: ReadonlySet<RouteGroup>,
  extras: BuildBridgeOptions['expressExtras'] = {},
): FastifyPluginAsync {
  return fp(
    async (app) => {
      const context = expressContext(app);
      const routers = createRouters(createRouteContext(context));
      const side = express();
      side.disable('x-powered-by');
      side.set('etag', false);
      // The Express side reads req.ip itself (express-rate-limit): the same TRUST_PROXY as Fastify's.
      side.set('trust proxy', trustProxy(app.config));
      // req.log for express-api's error handler; Fastify already logs each request.
      side.use(pinoHttp({ logger: context.logger, autoLogging: false }));
      // Express answers OPTIONS on a known path by itself; hand it to Fastify's 405 instead.
      side.options('/{*path}', (_req, _res, next) => next('router'));
      for (const handler of extras.before ?? []) side.use(handler);
      for (const [group, router] of Object.entries(routers)) {
        if (notMoved.has(group as RouteGroup)) side.use(router);
      }
      for (const handler of extras.after ?? []) side.use(handler);
      side.use(errorHandler);
      await app.register(expressPlugin);
      app.use(side);

      if (notMoved.has('stream')) {
        // An upgrade never reaches Express or Fastify's routes: express-api's ws server listens
        // for it on the HTTP server, as it does in express-api.
        const streams = attachStreamServer(app.server, context);
        app.addHook('preClose', async () => streams.closeAll(1001, 'Server shutting down'));
        app.addHook('onClose', async () => streams.terminateAll());
      }
    },
    { name: 'express-side', dependencies: ['services'] },
  );
}

/**
 * Builds the bridge; like buildApp, it never listens. SHADOW_GROUPS that name a moved group, or
 * one whose reads cannot be run twice, are a ConfigError here, so the bridge does not start.
 */
export function buildBridge({
  moved = MOVED,
  expressExtras,
  shadow,
  ...options
}: BuildBridgeOptions): FastifyInstance {
  const notMoved = new Set(routeGroups.filter((g) => !moved.includes(g)));
  const plan = options.config.SHADOW_GROUPS.length ? shadowPlan(options.config, moved) : undefined;
  const express = notMoved.size ? expressSide(notMoved, expressExtras) : undefined;
  // The shadow's onRequest hook goes in before Express's, which rewrites request.raw.url.
  const mount: FastifyPluginAsync | undefined =
    plan && express
      ? fp(
          async (app) => {
            await app.register(shadowPlugin(plan, options.db, shadow));
            await app.register(express);
          },
          { name: 'bridge-mount', dependencies: ['services'] },
        )
      : express;
  return buildApp({ ...options, routes: moved, ...(mount ? { mount } : {}) });
}
