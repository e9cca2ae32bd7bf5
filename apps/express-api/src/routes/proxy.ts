import { apiRoutes } from '@switchyard/api-spec';
import {
  FORWARDED_RESPONSE_HEADERS,
  InFlightLimit,
  ResponseTooLarge,
  clientGone,
  declaredTooLarge,
  proxyRequest,
  proxyRest,
  proxyService,
  readAtMost,
} from '@switchyard/http-kit';
import { upstreamFailure } from '@switchyard/domain';
import { Router, type Request } from 'express';
import { request as undiciRequest, type Dispatcher } from 'undici';
import type { RouteContext } from '../context.js';
import { fromTable } from '../lib/api-route.js';
import { principalOf } from '../middleware/auth.js';
import { validated } from '../middleware/validation.js';

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

/** The whole body, or ResponseTooLarge as soon as it passes `maxBytes` (the rest is not read). */
async function readBounded(body: Dispatcher.ResponseData['body'], maxBytes: number) {
  const bytes = await readAtMost(body, maxBytes);
  if (!bytes) {
    body.destroy();
    throw new ResponseTooLarge(maxBytes);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function proxyRoutes(routes: RouteContext): Router {
  const { config } = routes;
  const router = Router({ caseSensitive: true });
  const maxBytes = config.PROXY_MAX_RESPONSE_BYTES;
  // Per process: with WEB_CONCURRENCY workers an account may have that many times as many.
  const inFlight = new InFlightLimit(config.PROXY_MAX_CONCURRENT_PER_ACCOUNT);

  router.get(
    PROXY_PATH,
    ...fromTable(routes, apiRoutes.proxy, { params: proxyParams }),
    async (req, res) => {
      const { params } = validated(res, apiRoutes.proxy);
      // PROXY_RATE_MAX per account (429 past it), before anything is forwarded.
      await routes.services.limits.proxy(principalOf(res));
      const service = proxyService(config.PROXY_SERVICES, params.service);
      const target = proxyRequest(service, {
        method: req.method,
        url: req.originalUrl,
        headers: req.headers,
        ip: req.ip,
      });
      inFlight.acquireUntilClosed(principalOf(res).accountId, res);

      // #region guide:proxy
      const timeout = AbortSignal.timeout(service.timeoutMs ?? config.PROXY_TIMEOUT_MS);
      // MIGRATION(buffered-proxy) before: reads the whole upstream body, then replies; see docs/case-study.md#buffered-proxy
      let upstream: Dispatcher.ResponseData;
      let body: Buffer;
      try {
        // undici's request(), not fetch(): fetch undoes gzip itself, and the proxy passes the
        // upstream's bytes and Content-Encoding on untouched, as fastify-api does.
        upstream = await undiciRequest(target.url, {
          method: req.method === 'HEAD' ? 'HEAD' : 'GET',
          headers: target.headers,
          signal: AbortSignal.any([timeout, clientGone(res)]),
        });
        if (declaredTooLarge(upstream.headers['content-length'], maxBytes)) {
          upstream.body.destroy();
          throw new ResponseTooLarge(maxBytes);
        }
        body = await readBounded(upstream.body, maxBytes);
      } catch (error) {
        throw upstreamFailure(error);
      }

      res.status(upstream.statusCode);
      for (const name of FORWARDED_RESPONSE_HEADERS) {
        const value = upstream.headers[name];
        if (value !== undefined) res.setHeader(name, value);
      }
      // end(), not send(): no Content-Type or ETag of Express's own on a proxied body.
      res.end(body);
      // #endregion guide:proxy
    },
  );

  return router;
}
