import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { headersOf } from '@switchyard/http-kit';
import helmet from 'helmet';

/** The hashes of the inline scripts and styles a docs page needs. */
interface PageHashes {
  readonly script: readonly string[];
  readonly style: readonly string[];
}

/** Merged into helmet's default directives (useDefaults), plus the docs page's hashes. */
function directives(ui: PageHashes) {
  return {
    'script-src': ["'self'", ...ui.script],
    // Helmet's default, plus any hashes the UI needs; the UI sets inline style attributes.
    'style-src': ["'self'", 'https:', "'unsafe-inline'", ...ui.style],
    'img-src': ["'self'", 'data:', 'validator.swagger.io'],
    // The app speaks plain HTTP (TLS ends in front of it); upgrading the UI's assets to
    // https would break /docs when it is opened directly.
    'upgrade-insecure-requests': null,
  };
}

/**
 * The same headers as a fixed list (without the docs page's hashes), for the answers no hook
 * runs for: those written straight to the socket (clientErrorHandler) and the router's own
 * errors (frameworkErrors).
 */
export const SECURITY_HEADERS = headersOf(
  helmet({ contentSecurityPolicy: { directives: directives({ script: [], style: [] }) } }),
);

/**
 * Helmet's headers on every response, with a Content-Security-Policy that lets the Swagger UI
 * at /docs run: its inline script and style hashes come from @fastify/swagger-ui.
 *
 * helmet's middleware is built once, here, and run on the raw request and response of each
 * request, as Express runs it. Not @fastify/helmet (13.2): it calls `helmet(options)` again on
 * every request, which parses the Content-Security-Policy directives and builds every header
 * value each time, the light route's largest hook in the profile (docs/benchmarks.md). Nothing
 * here needs what it adds on top: per-request nonces, per-route options, `reply.helmet()`.
 */
const helmetPlugin: FastifyPluginAsync = async (app) => {
  // No swagger plugin when this app does not serve /docs (the bridge, before docs move).
  const ui = app.hasDecorator('swaggerCSP') ? app.swaggerCSP : { script: [], style: [] };
  const securityHeaders = helmet({ contentSecurityPolicy: { directives: directives(ui) } });
  // A callback hook rather than an async one: no promise per request for synchronous work.
  app.addHook('onRequest', function securityHeadersHook(request, reply, done) {
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
};

// Registered after the swagger plugin when there is one (app.ts), so that its hashes exist.
export default fp(helmetPlugin, { name: 'helmet', fastify: '5.x' });
