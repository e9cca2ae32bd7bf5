import { apiRoutes, idempotencyKeyOf } from '@switchyard/api-spec';
import { clientGone } from '@switchyard/http-kit';
import { Router } from 'express';
import type { RouteContext } from '../context.js';
import { fromTable } from '../lib/api-route.js';
import { principalOf } from '../middleware/auth.js';
import { validated } from '../middleware/validation.js';

export function botsRoutes(routes: RouteContext): Router {
  const { services } = routes;
  const router = Router({ caseSensitive: true });

  // #region guide:list-bots
  router.get(apiRoutes.listBots.path, ...fromTable(routes, apiRoutes.listBots), (_req, res) => {
    res.json({ bots: services.chat.listBots() });
  });
  // #endregion guide:list-bots

  router.post(
    apiRoutes.postMessage.path,
    ...fromTable(routes, apiRoutes.postMessage),
    async (req, res) => {
      const { params, body } = validated(res, apiRoutes.postMessage);
      const idempotencyKey = idempotencyKeyOf(req.headers['idempotency-key']);
      // A client that hangs up stops the bot's upstream calls too.
      const result = await services.chat.send(
        principalOf(res),
        params.botId,
        body,
        clientGone(res),
        idempotencyKey,
      );
      res.status(201).json(result);
    },
  );

  return router;
}
