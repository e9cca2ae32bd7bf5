import type { ApiRoute } from '@switchyard/api-spec';
import type { RequestHandler } from 'express';
import type { RouteContext } from '../context.js';
import type { ValidateOptions } from '../middleware/validation.js';

/**
 * The middleware that the domain's route table fixes for a route, in the pipeline's order
 * (docs/api-behaviour.md): for `rateLimited` the rate limit first, so a refused request is not
 * read; for `auth: true` the authenticate middleware, still before the body; for a route with
 * a body schema the JSON body parser; then validation of whatever parts the route has schemas
 * for. Routes spread it before their handler, so the app cannot drift from the table or the
 * OpenAPI document: fastify-api's fromTable (its lib/api-route.ts) does the same with hooks.
 */
export function fromTable(
  routes: RouteContext,
  route: ApiRoute,
  options?: ValidateOptions,
): RequestHandler[] {
  const { params, querystring, body } = route.schema;
  return [
    ...(route.rateLimited ? [routes.rateLimit(route)] : []),
    ...(route.auth ? [routes.authenticate] : []),
    ...(body ? routes.json : []),
    ...(params || querystring || body ? [routes.validate(route, options)] : []),
  ];
}
