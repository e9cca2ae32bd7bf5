import { apiRoutes, type ApiRoute, type HttpMethod } from './routes.js';

const patterns: Array<{ regex: RegExp; method: HttpMethod }> = (
  Object.values(apiRoutes) as ApiRoute[]
).map((route) => ({
  method: route.method,
  regex: new RegExp(
    `^${route.path
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/:[A-Za-z]+/g, '[^/]+')
      .replace(/\*$/, '.+')}/?$`,
  ),
}));

/**
 * The methods the API serves on a path ('' when none). Both apps use it in their not-found
 * handler: a known path with another method is a 405 with `Allow`, an unknown path a 404.
 */
export function allowedMethods(pathname: string): string {
  const methods = new Set<string>();
  for (const { regex, method } of patterns) {
    if (regex.test(pathname)) {
      methods.add(method);
      if (method === 'GET') methods.add('HEAD');
    }
  }
  return [...methods].join(', ');
}
