import { apiRoutes } from '@switchyard/api-spec';
import {
  FORWARDED_RESPONSE_HEADERS,
  clientGone,
  proxyRequest,
  proxyRest,
  proxyService,
} from '@switchyard/http-kit';
import { upstreamFailure } from '@switchyard/domain';
import { Router, type Request } from 'express';
import type { RouteContext } from '../context.js';
import { fromTable } from '../lib/api-route.js';
import { validated } from '../middleware/validation.js';
import { principalOf } from '../middleware/auth.js';

// Express 5 (path-to-regexp 8) names its wildcards. `*rest` needs at least one character, so
// `/v1/proxy/httpbin/` is a 404 in both apps: the path below the service is required.
const PROXY_PATH = apiRoutes.proxy.path.replace(/\*$/, '*rest');
/**
 * The params as the route table names them. The rest is taken from the raw request target,
 * still percent-encoded: Express hands out decoded segments, and proxyTarget must see `%2e%2e`
 * to refuse it and must forward `%2F` as it came. `req.originalUrl`, not `req.url`: mounted in
 * a Fastify app through @fastify/express (apps/bridge-api), `req.url` arrives decoded once
 * (decodeURI) and normalized, so `%252e` would reach proxyTarget as `%2e`.
 */
function proxyParams(req: Request): Record<string, unknown> {
  return { service: req.params['service'], '*': proxyRest(req.originalUrl).rest };
}

/** The codings fetch undoes by itself: after it, the header no longer describes the bytes. */
const DECODED_BY_FETCH = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

function decodedByFetch(contentEncoding: string): boolean {
  return contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .every((coding) => DECODED_BY_FETCH.has(coding));
}

export function proxyRoutes(routes: RouteContext): Router {
  const { config } = routes;
  const router = Router({ caseSensitive: true });

  router.get(
    PROXY_PATH,
    ...fromTable(routes, apiRoutes.proxy, { params: proxyParams }),
    async (req, res) => {
      const { params } = validated(res, apiRoutes.proxy);
      // PROXY_RATE_MAX per account (429 past it), before anything is forwarded.
      await routes.services.limits.proxy(principalOf(res));
      const service = proxyService(config.PROXY_SERVICES, params.service);
      const target = proxyRequest(service, req.originalUrl, req.headers);

      // #region guide:proxy
      const timeout = AbortSignal.timeout(service.timeoutMs ?? config.PROXY_TIMEOUT_MS);
      // MIGRATION(buffered-proxy) before: reads the whole upstream body, then replies; see docs/migration-guide.md#buffered-proxy
      let upstream: globalThis.Response;
      let body: Buffer;
      try {
        upstream = await fetch(target.url, {
          headers: target.headers,
          redirect: 'manual',
          signal: AbortSignal.any([timeout, clientGone(res)]),
        });
        body = Buffer.from(await upstream.arrayBuffer());
      } catch (error) {
        throw upstreamFailure(error);
      }

      res.status(upstream.status);
      for (const name of FORWARDED_RESPONSE_HEADERS) {
        const value = upstream.headers.get(name);
        if (value === null) continue;
        if (name === 'content-encoding' && decodedByFetch(value)) continue;
        res.setHeader(name, value);
      }
      // end(), not send(): no Content-Type or ETag of Express's own on a proxied body.
      res.end(body);
      // #endregion guide:proxy
    },
  );

  return router;
}
