import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { logError } from '@switchyard/http-kit';
import { routeNotFound, sendError, toHttpError } from '../lib/http-errors.js';

/**
 * One error envelope for everything: thrown AppErrors, validation, Fastify's body errors, 404
 * and 405. Unknown errors are logged with their stack and answered 500 SWY_ERR_INTERNAL.
 */
const errorsPlugin: FastifyPluginAsync = async (app) => {
  // #region guide:error-handler
  app.setErrorHandler((error, request, reply) => {
    const appError = toHttpError(error);
    // One line per failure, its level from the shared policy (logLevelOf): the client gone is
    // info, a bug error, another 5xx warn, a 4xx debug.
    logError(request.log, error, appError, reply.raw);
    return sendError(reply, appError);
  });

  app.setNotFoundHandler((request, reply) => sendError(reply, routeNotFound(request)));
  // #endregion guide:error-handler
};

export default fp(errorsPlugin, { name: 'errors', fastify: '5.x' });

/**
 * Unknown path or method: answer in onRequest, before Fastify would read and parse a body, so
 * an unknown route is a 404 or 405 whatever its body (too large, not JSON) or token. A plugin
 * of its own because its place among the onRequest hooks matters: the bridge app mounts
 * Express routes in an onRequest hook, and this one must come after it, or every path that
 * Express serves (unknown to Fastify's router) would be answered 404 before Express saw it.
 */
const routeNotFoundHook: FastifyPluginAsync = async (app) => {
  // #region guide:not-found-hook
  // A callback hook (every request runs it): once it has answered, it does not call done(),
  // so no later hook, body parser or handler runs.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.is404) sendError(reply, routeNotFound(request));
    else done();
  });
  // #endregion guide:not-found-hook
};

export const notFoundHookPlugin = fp(routeNotFoundHook, {
  name: 'not-found-hook',
  fastify: '5.x',
  dependencies: ['errors'],
});
