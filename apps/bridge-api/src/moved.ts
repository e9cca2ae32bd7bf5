import type { RouteGroup } from '@switchyard/api-spec';

// #region guide:moved
/**
 * The one list that says where each route group is served: the groups named here by Fastify's
 * own routes (apps/fastify-api), every other group by express-api's routers mounted through
 * @fastify/express. Move a group by adding it here; the contract suite must stay green.
 *
 * The order of a real migration (docs/migration-guide.md#incremental-path): first what has no
 * body and no state (health, docs), then the reads (conversations), then the writes (bots: the
 * bot list and the message write, the fan-out the move speeds up; accounts, whose log-in and
 * sessions come next), the proxy, and the WebSocket last.
 */
export const MOVED: readonly RouteGroup[] = ['health', 'docs', 'conversations', 'bots'];
// #endregion guide:moved
