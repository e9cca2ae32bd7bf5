import type { FastifyPluginAsync } from 'fastify';
import { AppError, apiRoutes } from '@switchyard/api-spec';
import { fromTable } from '../lib/api-route.js';

const healthRoutes: FastifyPluginAsync = async (app) => {
  app.route({
    ...fromTable(app, apiRoutes.health),
    handler: async () => ({ status: 'ok' }),
  });

  app.route({
    ...fromTable(app, apiRoutes.ready),
    handler: async () => {
      const { db } = app.services;
      try {
        await db.ping();
      } catch (error) {
        throw new AppError('SWY_ERR_NOT_READY', { cause: error });
      }
      return { status: 'ready', database: db.kind };
    },
  });
};

export default healthRoutes;
