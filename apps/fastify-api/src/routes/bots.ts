import type { FastifyPluginAsync } from 'fastify';
import {
  apiRoutes,
  idempotencyKeyOf,
  type BotIdParams,
  type PostMessageBody,
} from '@switchyard/api-spec';
import { clientGone } from '@switchyard/http-kit';
import { fromTable } from '../lib/api-route.js';

const botsRoutes: FastifyPluginAsync = async (app) => {
  // #region guide:list-bots
  app.route({
    ...fromTable(app, apiRoutes.listBots),
    handler: async () => ({ bots: app.services.chat.listBots() }),
  });
  // #endregion guide:list-bots

  app.route<{ Params: BotIdParams; Body: PostMessageBody }>({
    ...fromTable(app, apiRoutes.postMessage),
    handler: async (request, reply) => {
      const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
      // A client that hangs up cancels the bot's upstream calls instead of leaving them to run.
      const result = await app.services.chat.send(
        request.principal,
        request.params.botId,
        request.body,
        clientGone(reply.raw),
        idempotencyKey,
      );
      return reply.code(201).send(result);
    },
  });
};

export default botsRoutes;
