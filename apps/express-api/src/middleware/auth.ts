import type { AccountsService, Principal } from '@switchyard/domain';
import type { RequestHandler, Response } from 'express';

/**
 * `Authorization: Bearer <token>` → the caller, in `res.locals.principal`; anything else is
 * SWY_ERR_AUTH_REQUIRED. Each `auth: true` route gets it from the route table (`fromTable` in
 * lib/api-route.ts), never through `router.use(prefix)`, so an unknown path stays a 404 with or
 * without a token.
 */
// #region guide:authenticate
export function authenticate(accounts: AccountsService): RequestHandler {
  return async function authenticate(req, res, next) {
    res.locals['principal'] = await accounts.authenticate(req.get('authorization'));
    next();
  };
}
// #endregion guide:authenticate

/** The caller that `authenticate` stored; a route without it is a bug, hence a plain Error. */
export function principalOf(res: Response): Principal {
  const principal = res.locals['principal'] as Principal | undefined;
  if (!principal) throw new Error('principalOf(): the route has no authenticate middleware');
  return principal;
}
