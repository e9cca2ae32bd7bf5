import { AppError, apiRoutes } from '@switchyard/api-spec';
import type { ProxyService } from '@switchyard/runtime';
import { checkProxyMethod, checkProxyPath } from './proxy-policy.js';
import { proxyTarget, type ProxyTarget } from './proxy-target.js';
import { decodeUnreserved } from '../request/path.js';

/**
 * The configured service of `GET /v1/proxy/:service/*`, or 404 SWY_ERR_PROXY_SERVICE_NOT_FOUND.
 * Own properties only: `__proto__` or `constructor` must not find something on the prototype.
 */
export function proxyService(
  services: Readonly<Record<string, ProxyService>>,
  name: string,
): ProxyService {
  const service = Object.hasOwn(services, name) ? services[name] : undefined;
  if (!service) throw new AppError('SWY_ERR_PROXY_SERVICE_NOT_FOUND');
  return service;
}

/** `scheme://…` at the start of a request target: absolute form. */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\//i;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/v1/proxy/:service/*` → `^/v1/proxy/[^/]+/(.*)$`, from the route table, not restated. */
const [beforeService = '', afterService = ''] = apiRoutes.proxy.path.split(':service');
const REST = new RegExp(
  `^${escape(beforeService)}[^/]+${escape(afterService.replace(/\*$/, ''))}(.*)$`,
);
/** How many segments the route fixes, the service's included: `/v1/proxy/:service/` → 4. */
const ROUTED_SEGMENTS = beforeService.split('/').length;

/**
 * The path with the route's own segments (`/v1/proxy/:service`) read as the routers read them,
 * percent-encoded unreserved characters decoded (`/v1/%70roxy/…` is the proxy route in every
 * app, docs/api-behaviour.md), and the rest below the service left exactly as it came.
 */
function routedPath(path: string): string {
  const segments = path.split('/');
  const routed = segments.slice(0, ROUTED_SEGMENTS).map((segment) => decodeUnreserved(segment));
  return [...routed, ...segments.slice(ROUTED_SEGMENTS)].join('/');
}

/**
 * The rest of the path below the service as the client sent it, still percent-encoded, and the
 * query string (with its `?`), from the raw request target. proxyTarget decodes `rest` itself
 * to refuse `..` in any spelling, then forwards it as it is (`%2F` stays `%2F`).
 *
 * A target in absolute form (`GET http://host/v1/proxy/…`, RFC 9112 §3.2.2) is 400
 * SWY_ERR_VALIDATION and nothing is forwarded: the frameworks route it by its path, but it is
 * what a client sends to a forward proxy, never to this gateway, and its host part is the
 * client's to choose (issue 11: before, fastify-api forwarded `/` and express-api
 * `/proxy/<service>/…`).
 */
export function proxyRest(rawUrl: string): { rest: string; search: string } {
  if (ABSOLUTE_FORM.test(rawUrl)) {
    throw new AppError('SWY_ERR_VALIDATION', {
      details: [{ path: '', message: 'the request target must be a path, not an absolute URL' }],
    });
  }
  const target = rawUrl;
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  return {
    rest: REST.exec(routedPath(path))?.[1] ?? '',
    search: query === -1 ? '' : target.slice(query),
  };
}

/** What proxyRequest reads of the incoming request, in either framework. */
export interface ProxiedRequest {
  readonly method: string;
  /** The raw request target, still percent-encoded (Express: `req.originalUrl`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The client's address as the framework resolves it (`req.ip`, `request.ip`). */
  readonly ip: string | undefined;
}

/**
 * The outgoing request for a proxied one, or the 4xx that refuses it with nothing forwarded:
 * a method outside the service's `methods` is 405 SWY_ERR_METHOD_NOT_ALLOWED with Allow; a
 * path that would leave the service is 400 SWY_ERR_VALIDATION, `/params/*`; a path outside the
 * service's `paths`, matched on the path as it would be forwarded, is 403
 * SWY_ERR_PROXY_PATH_NOT_ALLOWED. The same in every app.
 */
export function proxyRequest(service: ProxyService, incoming: ProxiedRequest): ProxyTarget {
  checkProxyMethod(service, incoming.method);
  const { rest, search } = proxyRest(incoming.url);
  const target = proxyTarget(service, rest, search, incoming.headers, incoming.ip);
  if (!target) {
    throw new AppError('SWY_ERR_VALIDATION', {
      details: [{ path: '/params/*', message: 'is not a valid path below the service' }],
    });
  }
  const base = new URL(service.url).pathname;
  const basePath = base.endsWith('/') ? base : `${base}/`;
  checkProxyPath(service, target.url.pathname.slice(basePath.length));
  return target;
}
