import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiRoutes } from '@switchyard/api-spec';
import { fromTable } from '../lib/api-route.js';

const conversationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...fromTable(app, apiRoutes.listConversations),
    handler: async (request) => app.services.conversations.list(request.principal, request.query),
  });

  app.route({
    ...fromTable(app, apiRoutes.listMessages),
    handler: async (request) =>
      app.services.conversations.messages(request.principal, request.params.id, request.query),
  });
};

export default conversationsRoutes;
