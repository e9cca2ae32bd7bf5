import { AppError, apiRoutes } from '@switchyard/api-spec';
import { Router } from 'express';
import type { RouteContext } from '../context.js';
import { fromTable } from '../lib/api-route.js';

export function healthRoutes(routes: RouteContext): Router {
  const { services } = routes;
  const router = Router({ caseSensitive: true });

  router.get(apiRoutes.health.path, ...fromTable(routes, apiRoutes.health), (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get(apiRoutes.ready.path, ...fromTable(routes, apiRoutes.ready), async (_req, res) => {
    // Shutting down: still serving, but no longer taking new work (SHUTDOWN_DRAIN_MS).
    if (services.readiness.draining) throw new AppError('SWY_ERR_NOT_READY');
    try {
      await services.db.ping();
    } catch (error) {
      throw new AppError('SWY_ERR_NOT_READY', { cause: error });
    }
    res.json({ status: 'ready', database: services.db.kind });
  });

  return router;
}
