import { apiRoutes } from '@switchyard/api-spec';
import { Router } from 'express';
import type { RouteContext } from '../context.js';
import { fromTable } from '../lib/api-route.js';
import { principalOf } from '../middleware/auth.js';
import { validated } from '../middleware/validation.js';

/** Accounts and the sessions that log them in. */
export function accountsRoutes(routes: RouteContext): Router {
  const { services } = routes;
  const router = Router({ caseSensitive: true });

  router.post(
    apiRoutes.createAccount.path,
    ...fromTable(routes, apiRoutes.createAccount),
    async (_req, res) => {
      const { body } = validated(res, apiRoutes.createAccount);
      res.status(201).json(await services.accounts.signUp(body));
    },
  );

  router.post(
    apiRoutes.createSession.path,
    ...fromTable(routes, apiRoutes.createSession),
    async (_req, res) => {
      const { body } = validated(res, apiRoutes.createSession);
      res.status(201).json(await services.accounts.logIn(body));
    },
  );

  router.delete(
    apiRoutes.deleteSession.path,
    ...fromTable(routes, apiRoutes.deleteSession),
    async (_req, res) => {
      await services.accounts.logOut(principalOf(res));
      res.status(204).end();
    },
  );

  router.delete(
    apiRoutes.deleteAllSessions.path,
    ...fromTable(routes, apiRoutes.deleteAllSessions),
    async (_req, res) => {
      // Its open WebSockets close too (4401), in AccountsService.
      await services.accounts.logOutEverywhere(principalOf(res));
      res.status(204).end();
    },
  );

  return router;
}
