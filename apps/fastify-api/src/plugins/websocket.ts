import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import { AppError, allowedMethods, apiRoutes } from '@switchyard/api-spec';
import { selectSubprotocol } from '@switchyard/http-kit';

/** Close code for "the server is going away" (RFC 6455 §7.4.1). */
export const GOING_AWAY = 1001;

const websocketPlugin: FastifyPluginAsync = async (app) => {
  await app.register(websocket, {
    options: {
      // A frame over the body limit closes the connection with 1009.
      maxPayload: app.config.BODY_LIMIT_BYTES,
      // A browser sends its token as the subprotocol list ["bearer", "<token>"]; the auth hook
      // has read it, and the server answers with "bearer" (never echo the token back).
      handleProtocols: selectSubprotocol,
    },
    // Replaces the plugin's default, which closes sockets without a code (1005).
    preClose(done) {
      for (const client of this.websocketServer.clients) {
        client.close(GOING_AWAY, 'Server shutting down');
      }
      app.services.sockets.clear();
      this.websocketServer.close(() => done());
    },
  });

  // @fastify/websocket would upgrade any route (GET /v1/bots answered 101) and sends HEAD with
  // an upgrade to the 404. As in express-api, whose ws server sees every upgrade: an upgrade is
  // for the stream only (404 elsewhere) and a GET (405 otherwise); docs/api-behaviour.md.
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.upgrade?.toLowerCase() !== 'websocket') return;
    // A refused upgrade ends its connection, as express-api's does: Node reads no more requests
    // on a socket it handed to the upgrade handler, so a client reusing it would hang.
    reply.header('connection', 'close');
    if (request.routeOptions.url !== apiRoutes.stream.path) throw new AppError('SWY_ERR_NOT_FOUND');
    if (request.method !== 'GET') {
      throw new AppError('SWY_ERR_METHOD_NOT_ALLOWED', {
        headers: { Allow: allowedMethods(request.url.split('?', 1)[0]!) },
      });
    }
  });
};

export default fp(websocketPlugin, {
  name: 'websocket',
  fastify: '5.x',
  dependencies: ['config', 'services'],
});
