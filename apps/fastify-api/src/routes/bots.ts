import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiRoutes, idempotencyKeyOf } from '@switchyard/api-spec';
import { clientGone } from '@switchyard/http-kit';
import { fromTable } from '../lib/api-route.js';

const botsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // #region guide:list-bots
  app.route({
    ...fromTable(app, apiRoutes.listBots),
    handler: async () => ({ bots: app.services.chat.listBots() }),
  });
  // #endregion guide:list-bots

  // #region guide:typed-route
  app.route({
    ...fromTable(app, apiRoutes.postMessage),
    // request.params, request.body and what reply.code(201).send() takes are typed from the
    // route's schemas (the TypeBox type provider): no request generics to keep in step.
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
  // #endregion guide:typed-route
};

export default botsRoutes;
