import type { FastifyPluginAsync } from 'fastify';
import { apiRoutes, type ConversationIdParams, type CursorQuery } from '@switchyard/api-spec';
import { fromTable } from '../lib/api-route.js';

const conversationsRoutes: FastifyPluginAsync = async (app) => {
  app.route<{ Querystring: CursorQuery }>({
    ...fromTable(app, apiRoutes.listConversations),
    handler: async (request) => app.services.conversations.list(request.principal, request.query),
  });

  app.route<{ Params: ConversationIdParams; Querystring: CursorQuery }>({
    ...fromTable(app, apiRoutes.listMessages),
    handler: async (request) =>
      app.services.conversations.messages(request.principal, request.params.id, request.query),
  });
};

export default conversationsRoutes;
