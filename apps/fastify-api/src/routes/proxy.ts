import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import { apiRoutes } from '@switchyard/api-spec';
import { pipeline } from 'node:stream';
import {
  FORWARDED_RESPONSE_HEADERS,
  InFlightLimit,
  ResponseTooLarge,
  byteCap,
  clientGone,
  declaredTooLarge,
  proxyRequest,
  proxyService,
} from '@switchyard/http-kit';
import { upstreamFailure } from '@switchyard/domain';
import { fromTable } from '../lib/api-route.js';
import { withIdleTimeout } from '../lib/idle-timeout.js';

function timedOut(ms: number, what: string): DOMException {
  return new DOMException(`No ${what} within ${ms} ms`, 'TimeoutError');
}

// MIGRATION(buffered-proxy) after: the upstream body is streamed to the client as it arrives; see docs/case-study.md#buffered-proxy
const proxyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { PROXY_SERVICES, PROXY_TIMEOUT_MS, PROXY_MAX_RESPONSE_BYTES: maxBytes } = app.config;
  // Per process: with WEB_CONCURRENCY workers an account may have that many times as many.
  const inFlight = new InFlightLimit(app.config.PROXY_MAX_CONCURRENT_PER_ACCOUNT);
  // One keep-alive pool per upstream origin. undici's request() never follows redirects (that
  // takes its redirect interceptor), so a 3xx is passed back as it is.
  const agent = new Agent({ keepAliveTimeout: 10_000, connect: { timeout: PROXY_TIMEOUT_MS } });
  app.addHook('onClose', () => agent.destroy());

  app.route({
    ...fromTable(app, apiRoutes.proxy),
    handler: async (request, reply) => {
      // PROXY_RATE_MAX per account (429 past it), before anything is forwarded.
      await app.services.limits.proxy(request.principal);
      const service = proxyService(PROXY_SERVICES, request.params.service);
      // The raw target, still percent-encoded: proxyTarget refuses `..` in any spelling.
      const target = proxyRequest(service, request);
      inFlight.acquireUntilClosed(request.principal.accountId, reply.raw);

      // #region guide:proxy
      const timeoutMs = service.timeoutMs ?? PROXY_TIMEOUT_MS;
      const timeout = new AbortController();
      // headersTimeout starts once the request is written; this also bounds the connect.
      const beforeHeaders = setTimeout(
        () => timeout.abort(timedOut(timeoutMs, 'response headers')),
        timeoutMs,
      );

      let upstream: Dispatcher.ResponseData;
      try {
        upstream = await undiciRequest(target.url, {
          dispatcher: agent,
          method: request.method === 'HEAD' ? 'HEAD' : 'GET',
          headers: target.headers,
          // Backstops only: their timers are coarse (see withIdleTimeout), ours are exact.
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          // The client went away: drop the upstream request and its socket, whatever phase.
          signal: AbortSignal.any([timeout.signal, clientGone(reply.raw)]),
        });
      } catch (error) {
        throw upstreamFailure(error);
      } finally {
        clearTimeout(beforeHeaders);
      }

      if (declaredTooLarge(upstream.headers['content-length'], maxBytes)) {
        upstream.body.destroy();
        throw new ResponseTooLarge(maxBytes);
      }

      // Whatever status the upstream answered with: `reply.code()` takes only the table's
      // statuses (its type comes from the schema), and a proxy passes the others through too.
      reply.statusCode = upstream.statusCode;
      for (const header of FORWARDED_RESPONSE_HEADERS) {
        const value = upstream.headers[header];
        if (value !== undefined) reply.header(header, value);
      }
      // Fastify pipes the body and destroys it if the client leaves, which frees the socket. A
      // gap longer than the timeout, or a body past PROXY_MAX_RESPONSE_BYTES that did not say
      // so in Content-Length, cuts the response off (its status is already on the wire).
      const guarded = withIdleTimeout(upstream.body, timeoutMs, () =>
        timedOut(timeoutMs, 'body data'),
      );
      return reply.send(pipeline(guarded, byteCap(maxBytes), () => undefined));
      // #endregion guide:proxy
    },
  });
};

export default proxyRoutes;
