import type { RequestHandler } from 'express';
import type { AppMetrics } from '@switchyard/http-kit';

/**
 * Every response in the request-duration histogram, labelled with the route pattern Express
 * matched (never the raw URL; a 404 is `unmatched`). First in line, so that it times the whole
 * request. Mirrors fastify-api's plugins/metrics.ts.
 */
export function requestMetrics(metrics: AppMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    // 'close', not 'finish': a response cut off (client gone, timeout) is counted too.
    res.once('close', () => {
      // Set by the router on the request it matched, and left there once the response is sent.
      const path = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof path === 'string' ? `${req.baseUrl}${path}` : undefined;
      metrics.observeRequest(
        req.method,
        route,
        res.statusCode,
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}
