import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';

/**
 * Helmet's headers on every response, with a Content-Security-Policy that lets the Swagger UI
 * at /docs run: its inline script and style hashes come from @fastify/swagger-ui.
 */
const helmetPlugin: FastifyPluginAsync = async (app) => {
  // No swagger plugin when this app does not serve /docs (the bridge, before docs move).
  const ui = app.hasDecorator('swaggerCSP') ? app.swaggerCSP : { script: [], style: [] };
  await app.register(helmet, {
    contentSecurityPolicy: {
      // Merged into helmet's default directives (useDefaults).
      directives: {
        'script-src': ["'self'", ...ui.script],
        // Helmet's default, plus any hashes the UI needs; the UI sets inline style attributes.
        'style-src': ["'self'", 'https:', "'unsafe-inline'", ...ui.style],
        'img-src': ["'self'", 'data:', 'validator.swagger.io'],
        // The app speaks plain HTTP (TLS ends in front of it); upgrading the UI's assets to
        // https would break /docs when it is opened directly.
        'upgrade-insecure-requests': null,
      },
    },
  });
};

// Registered after the swagger plugin when there is one (app.ts), so that its hashes exist.
export default fp(helmetPlugin, { name: 'helmet', fastify: '5.x' });
