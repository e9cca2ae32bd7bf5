import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { routeNotFound, sendError, toHttpError } from '../lib/http-errors.js';

/**
 * One error envelope for everything: thrown AppErrors, validation, Fastify's body errors, 404
 * and 405. Unknown errors are logged with their stack and answered 500 SWY_ERR_INTERNAL.
 */
const errorsPlugin: FastifyPluginAsync = async (app) => {
  // #region guide:error-handler
  app.setErrorHandler((error, request, reply) => {
    const appError = toHttpError(error);
    if (appError.code === 'SWY_ERR_INTERNAL') {
      request.log.error({ err: error }, 'request failed');
    } else if (appError.status >= 500) {
      request.log.warn({ err: appError.cause ?? appError, code: appError.code }, appError.message);
    } else {
      request.log.debug({ code: appError.code }, appError.message);
    }
    return sendError(reply, appError);
  });

  app.setNotFoundHandler((request, reply) => sendError(reply, routeNotFound(request)));

  // Unknown path or method: answer in onRequest, before Fastify would read and parse a body, so
  // an unknown route is a 404 or 405 whatever its body (too large, not JSON) or token.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return sendError(reply, routeNotFound(request));
  });
  // #endregion guide:error-handler
};

export default fp(errorsPlugin, { name: 'errors', fastify: '5.x' });
