import { type BadInputCase } from './case.js';

/** Last in the table: an expired token (the runner waits for its expiry). */
export const expiryCases: readonly BadInputCase[] = [
  // ── Last: an expired token (the runner waits for its expiry) ────────────────────────────
  {
    name: 'GET /v1/bots with an expired token is 401 SWY_ERR_AUTH_REQUIRED',
    method: 'GET',
    path: '/v1/bots',
    as: 'expired',
    route: 'listBots',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },
];
