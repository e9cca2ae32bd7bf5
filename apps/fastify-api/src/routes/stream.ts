import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { apiRoutes, type BotIdParams } from '@switchyard/api-spec';
import { streamConversation, type OutgoingFrame } from '@switchyard/domain';
import { logError, upgradeRequired } from '@switchyard/http-kit';
import { fromTable } from '../lib/api-route.js';

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Sends one frame and resolves once ws has written it, so a slow reader slows the bot down. */
function sendFrame(socket: WebSocket, frame: OutgoingFrame): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.send(JSON.stringify(frame), (error) => (error ? reject(error) : resolve()));
  });
}

// MIGRATION(websocket) after: @fastify/websocket route behind the same auth hook, frames handled in order; see docs/migration-guide.md#websocket
// #region guide:websocket
const streamRoutes: FastifyPluginAsync = async (app) => {
  app.route<{ Params: BotIdParams }>({
    // onRequest: the same authenticate hook as the HTTP routes, so no token → 401 before upgrade.
    ...fromTable(app, apiRoutes.stream),
    websocket: true,
    // After params validation, still before the upgrade: an unknown bot is a plain HTTP 404.
    preHandler: async (request: FastifyRequest<{ Params: BotIdParams }>) => {
      app.services.chat.requireBot(request.params.botId);
      if (!request.ws) throw upgradeRequired();
    },
    // #endregion guide:websocket
    handler: (socket, request) => {
      const log = request.log;
      const closed = new AbortController();
      socket.once('close', () => closed.abort());
      const conversation = streamConversation({
        chat: app.services.chat,
        validator: app.validator,
        principal: request.principal,
        botId: request.params.botId,
        send: (frame) => sendFrame(socket, frame),
        signal: closed.signal,
        onError: (error, reported) => logError(log, error, reported),
      });
      socket.on(
        'message',
        (data, isBinary) => void conversation.receive(isBinary ? null : text(data)),
      );
    },
  });
};

export default streamRoutes;
