export { apiRoutes } from './routes.js';
export type { ApiRoute, ApiRouteName, HttpMethod, RoutePart, RouteSchema } from './routes.js';
export { buildOpenApiDocument, openApiPath } from './openapi.js';
export type { OpenApiDocument } from './openapi.js';
export { allowedMethods } from './methods.js';
export { routeGroupOf, routeGroups } from './groups.js';
export type { RouteGroup } from './groups.js';
