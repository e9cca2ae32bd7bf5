import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { AppMetrics } from '@switchyard/http-kit';

export interface MetricsPluginOptions {
  readonly metrics: AppMetrics;
}

/**
 * Every response in the request-duration histogram, labelled with the route pattern Fastify
 * matched (never the raw URL; a 404 is `unmatched`). Mirrors express-api's middleware/metrics.ts.
 */
const metricsPlugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, { metrics }) => {
  app.addHook('onResponse', (request, reply, done) => {
    // The bridge: a request its Express routers answered has no Fastify route, but Express
    // left the pattern it matched on the raw request (req.route).
    const expressRoute = (request.raw as { route?: { path?: unknown } }).route?.path;
    const route =
      request.routeOptions.url ?? (typeof expressRoute === 'string' ? expressRoute : undefined);
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
};

export default fp(metricsPlugin, { name: 'metrics', fastify: '5.x' });
