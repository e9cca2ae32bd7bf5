import { AppError, apiRoutes } from '@switchyard/api-spec';
import { Router } from 'express';
import type { RouteContext } from '../context.js';
import { clientSignal } from '../lib/client-signal.js';
import { principalOf } from '../middleware/auth.js';
import { validated } from '../middleware/validation.js';

export function botsRoutes({ services, authenticate, json, validate }: RouteContext): Router {
  const router = Router({ caseSensitive: true });

  // #region guide:list-bots
  router.get(apiRoutes.listBots.path, authenticate, (_req, res) => {
    res.json({ bots: services.chat.listBots() });
  });
  // #endregion guide:list-bots

  router.post(
    apiRoutes.postMessage.path,
    authenticate,
    ...json,
    validate(apiRoutes.postMessage),
    async (_req, res) => {
      const { params, body } = validated(res, apiRoutes.postMessage);
      // A client that hangs up stops the bot's upstream calls too.
      const result = await services.chat.send(
        principalOf(res),
        params.botId,
        body,
        clientSignal(res),
      );
      res.status(201).json(result);
    },
  );

  // The stream speaks WebSocket only (routes/stream.ts): an upgrade never reaches Express, so a request
  // that gets here came without one.
  router.get(apiRoutes.stream.path, authenticate, () => {
    throw new AppError('SWY_ERR_VALIDATION', {
      message: 'This route expects a WebSocket upgrade',
      details: [{ path: '/headers/upgrade', message: 'must be websocket' }],
    });
  });

  return router;
}
