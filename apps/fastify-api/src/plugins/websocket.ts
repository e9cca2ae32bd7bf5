import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
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
      this.websocketServer.close(() => done());
    },
  });
};

export default fp(websocketPlugin, {
  name: 'websocket',
  fastify: '5.x',
  dependencies: ['config'],
});
