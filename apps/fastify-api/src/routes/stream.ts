import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiRoutes } from '@switchyard/api-spec';
import { serveStream, type SocketLease } from '@switchyard/domain';
import { logError, upgradeRequired } from '@switchyard/http-kit';
import { fromTable } from '../lib/api-route.js';

// MIGRATION(websocket) after: @fastify/websocket route behind the same auth hook, frames handled in order; see docs/case-study.md#websocket
// #region guide:websocket
const streamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The place each upgrade took among its account's WS_MAX_SOCKETS_PER_ACCOUNT.
  const leases = new WeakMap<FastifyRequest, SocketLease>();
  app.route({
    // onRequest: the same authenticate hook as the HTTP routes, so no token → 401 before upgrade.
    ...fromTable(app, apiRoutes.stream),
    websocket: true,
    // After params validation, still before the upgrade: an unknown bot is a plain HTTP 404.
    preHandler: async (request) => {
      app.services.chat.requireBot(request.params.botId);
      if (!request.ws) throw upgradeRequired();
      // Last, so that only an upgrade that will be accepted takes a place (429 past the cap).
      const lease = app.services.sockets.reserve(
        request.principal,
        app.config.WS_MAX_SOCKETS_PER_ACCOUNT,
      );
      // Also when the handshake fails after this and the handler never runs, and at once when
      // the client has left already.
      request.raw.socket.once('close', lease.release);
      if (request.raw.socket.destroyed) lease.release();
      leases.set(request, lease);
    },
    // After the upgrade: the same frame protocol as express-api's connection handler.
    handler: (socket, request) => {
      serveStream(socket, {
        chat: app.services.chat,
        validator: app.validator,
        principal: request.principal,
        botId: request.params.botId,
        lease: leases.get(request)!,
        bounds: app.config,
        onError: (error, reported) => logError(request.log, error, reported),
      });
    },
  });
};
// #endregion guide:websocket

export default streamRoutes;
