import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiRoutes } from '@switchyard/api-spec';
import { fromTable } from '../lib/api-route.js';

/** Accounts and the sessions that log them in. */
const accountsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...fromTable(app, apiRoutes.createAccount),
    handler: async (request, reply) => {
      const account = await app.services.accounts.signUp(request.body);
      return reply.code(201).send(account);
    },
  });

  app.route({
    ...fromTable(app, apiRoutes.createSession),
    handler: async (request, reply) => {
      const session = await app.services.accounts.logIn(request.body);
      return reply.code(201).send(session);
    },
  });

  // DELETE has no body schema, so its body is never read: no 413, 415 or 400 for whatever a
  // client sends with it (Fastify would otherwise parse DELETE bodies like POST ones).
  await app.register(async (bodyless) => {
    bodyless.removeAllContentTypeParsers();
    bodyless.addContentTypeParser('*', (_request, payload, done) => {
      payload.resume();
      done(null, undefined);
    });

    bodyless.route({
      ...fromTable(bodyless, apiRoutes.deleteSession),
      handler: async (request, reply) => {
        await app.services.accounts.logOut(request.principal);
        return reply.code(204).send();
      },
    });

    bodyless.route({
      ...fromTable(bodyless, apiRoutes.deleteAllSessions),
      handler: async (request, reply) => {
        // Its open WebSockets close too (4401), in AccountsService.
        await app.services.accounts.logOutEverywhere(request.principal);
        return reply.code(204).send();
      },
    });
  });
};

export default accountsRoutes;
