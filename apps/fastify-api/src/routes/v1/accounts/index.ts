import type { FastifyPluginAsync } from 'fastify';
import { apiRoutes, type CreateAccountBody } from '@switchyard/api-spec';
import { fromTable } from '../../../lib/api-route.js';

const accountsRoutes: FastifyPluginAsync = async (app) => {
  app.route<{ Body: CreateAccountBody }>({
    ...fromTable(app, apiRoutes.createAccount),
    handler: async (request, reply) => {
      const account = await app.services.accounts.signUp(request.body);
      return reply.code(201).send(account);
    },
  });
};

export default accountsRoutes;
