import type { ApiRoute, RequestValidator } from '@switchyard/api-spec';
import type { Config } from '@switchyard/runtime';
import type { Services } from '@switchyard/domain';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ValidateOptions } from './middleware/validation.js';

/** Built once per app by createApp; the routers and the WebSocket server share it. */
export interface AppContext {
  readonly config: Config;
  readonly services: Services;
  /** One per app, so every schema is compiled once (docs/api-behaviour.md, step 4). */
  readonly validator: RequestValidator;
  readonly logger: Logger;
  /** The rate limits' shared counters when REDIS_URL is set; closed by server.ts. */
  readonly redis?: Redis | undefined;
}

/** What a router needs: the context plus the per-route middleware, built once. */
export interface RouteContext extends AppContext {
  /** Bearer token → `res.locals.principal`, or 401. Put it on each route, never on a prefix. */
  readonly authenticate: RequestHandler;
  /** 415 check, JSON parsing within BODY_LIMIT_BYTES, empty body → undefined. */
  readonly json: RequestHandler[];
  /** Checks params, body and query against the route's schemas → `res.locals.input`. */
  readonly validate: (route: ApiRoute, options?: ValidateOptions) => RequestHandler;
  /** The route's rate limit (429 past RATE_LIMIT_MAX), for `rateLimited` routes; first in line. */
  readonly rateLimit: (route: ApiRoute) => RequestHandler;
}
