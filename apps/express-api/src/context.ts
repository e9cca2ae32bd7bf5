import type { ApiRoute, Config, RequestValidator, Services } from '@switchyard/domain';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ValidateOptions } from './middleware/validate.js';

/** Built once per app by createApp; the routers and the WebSocket server share it. */
export interface AppContext {
  readonly config: Config;
  readonly services: Services;
  /** One per app, so every schema is compiled once (docs/api-behaviour.md, step 4). */
  readonly validator: RequestValidator;
  readonly logger: Logger;
}

/** What a router needs: the context plus the per-route middleware, built once. */
export interface RouteContext extends AppContext {
  /** Bearer token → `res.locals.principal`, or 401. Put it on each route, never on a prefix. */
  readonly authenticate: RequestHandler;
  /** 415 check, JSON parsing within BODY_LIMIT_BYTES, empty body → undefined. */
  readonly json: RequestHandler[];
  /** Checks params, body and query against the route's schemas → `res.locals.input`. */
  readonly validate: (route: ApiRoute, options?: ValidateOptions) => RequestHandler;
}
