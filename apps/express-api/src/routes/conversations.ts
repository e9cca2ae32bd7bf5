import { apiRoutes } from '@switchyard/api-spec';
import { Router } from 'express';
import type { RouteContext } from '../context.js';
import { fromTable } from '../lib/api-route.js';
import { principalOf } from '../middleware/auth.js';
import { validated } from '../middleware/validation.js';

/** The caller's stored conversations and their messages, paged by cursor. */
export function conversationsRoutes(routes: RouteContext): Router {
  const { services } = routes;
  const router = Router({ caseSensitive: true });

  router.get(
    apiRoutes.listConversations.path,
    ...fromTable(routes, apiRoutes.listConversations),
    async (_req, res) => {
      const { query } = validated(res, apiRoutes.listConversations);
      res.json(await services.conversations.list(principalOf(res), query));
    },
  );

  router.get(
    apiRoutes.listMessages.path,
    ...fromTable(routes, apiRoutes.listMessages),
    async (_req, res) => {
      const { params, query } = validated(res, apiRoutes.listMessages);
      res.json(await services.conversations.messages(principalOf(res), params.id, query));
    },
  );

  return router;
}
