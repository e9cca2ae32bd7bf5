import type { ApiRouteName } from './routes.js';

/**
 * The API in the units an incremental migration moves: each group is one Express router in
 * express-api and one or more route plugins in fastify-api, and apps/bridge-api serves each
 * group from one side or the other. `docs` is /docs and /docs/json, outside the route table.
 */
export const routeGroups = [
  'health',
  'accounts',
  'bots',
  'stream',
  'conversations',
  'proxy',
  'docs',
] as const;

export type RouteGroup = (typeof routeGroups)[number];

/** Which group serves each route of the table. */
export const routeGroupOf: Readonly<Record<ApiRouteName, Exclude<RouteGroup, 'docs'>>> = {
  health: 'health',
  ready: 'health',
  createAccount: 'accounts',
  createSession: 'accounts',
  deleteSession: 'accounts',
  deleteAllSessions: 'accounts',
  listBots: 'bots',
  postMessage: 'bots',
  listConversations: 'conversations',
  listMessages: 'conversations',
  proxy: 'proxy',
  stream: 'stream',
};
