import type { FastifyInstance } from 'fastify';
import type { ApiRoute, RouteSchema } from '@switchyard/api-spec';

/**
 * The route's schemas as Fastify gets them, each with its own TypeBox type: with the TypeBox
 * type provider (`FastifyPluginAsyncTypebox`), the handler's params, querystring, body and reply
 * are inferred from them. The table's `headers` is for the OpenAPI document only: the handler
 * checks them, as in express-api.
 */
export type TableSchema<Route extends ApiRoute> = Omit<Route['schema'], 'headers'>;

function withoutHeaders<Schema extends RouteSchema>(schema: Schema): Omit<Schema, 'headers'> {
  const { headers: _documented, ...rest } = schema;
  return rest;
}

/**
 * The part of a Fastify route that the domain's route table fixes: method, path, the schemas
 * (every response status included), for `auth: true` the authenticate hook and, for
 * `rateLimited`, the rate limit. Routes spread
 * it and add a handler, so an app cannot drift from the table or the OpenAPI document.
 */
export function fromTable<const Route extends ApiRoute>(
  app: Pick<FastifyInstance, 'authenticate'>,
  route: Route,
): {
  method: Route['method'];
  url: Route['path'];
  schema: TableSchema<Route>;
  onRequest?: FastifyInstance['authenticate'];
  config?: { rateLimit: Record<string, never> };
} {
  return {
    method: route.method,
    url: route.path,
    // A copy: plugins may annotate a route's schema (@fastify/websocket sets `hide`), and the
    // table is shared with the other app and the OpenAPI document.
    schema: withoutHeaders<Route['schema']>(route.schema),
    ...(route.auth ? { onRequest: app.authenticate } : {}),
    // Read by @fastify/rate-limit (plugins/rate-limit.ts): the plugin's own limits apply.
    ...(route.rateLimited ? { config: { rateLimit: {} } } : {}),
  };
}
