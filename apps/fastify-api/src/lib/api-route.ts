import type { FastifyInstance, RouteOptions } from 'fastify';
import type { ApiRoute } from '@switchyard/api-spec';

/**
 * The part of a Fastify route that the domain's route table fixes: method, path, the schemas
 * (every response status included), for `auth: true` the authenticate hook and, for
 * `rateLimited`, the rate limit. Routes spread
 * it and add a handler, so an app cannot drift from the table or the OpenAPI document.
 */
export function fromTable(
  app: FastifyInstance,
  route: ApiRoute,
): Pick<RouteOptions, 'method' | 'url' | 'schema' | 'onRequest' | 'config'> {
  // The table's `headers` is for the OpenAPI document: the handler checks them, as in express-api.
  const { headers: _documented, ...schema } = route.schema as typeof route.schema & {
    headers?: unknown;
  };
  return {
    method: route.method,
    url: route.path,
    // A copy: plugins may annotate a route's schema (@fastify/websocket sets `hide`), and the
    // table is shared with the other app and the OpenAPI document.
    schema,
    ...(route.auth ? { onRequest: app.authenticate } : {}),
    // Read by @fastify/rate-limit (plugins/rate-limit.ts): the plugin's own limits apply.
    ...(route.rateLimited ? { config: { rateLimit: {} } } : {}),
  };
}
