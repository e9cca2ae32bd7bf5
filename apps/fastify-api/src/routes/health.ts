import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, apiRoutes } from '@switchyard/api-spec';
import { fromTable } from '../lib/api-route.js';

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...fromTable(app, apiRoutes.health),
    handler: async () => ({ status: 'ok' as const }),
  });

  app.route({
    ...fromTable(app, apiRoutes.ready),
    handler: async () => {
      const { db, readiness } = app.services;
      // Shutting down: still serving, but no longer taking new work (SHUTDOWN_DRAIN_MS).
      if (readiness.draining) throw new AppError('SWY_ERR_NOT_READY');
      try {
        await db.ping();
      } catch (error) {
        throw new AppError('SWY_ERR_NOT_READY', { cause: error });
      }
      return { status: 'ready' as const, database: db.kind };
    },
  });
};

export default healthRoutes;
