import { apiRoutes, routeGroupOf, type RouteGroup } from '@switchyard/api-spec';
import { ConfigError, type Config } from '@switchyard/runtime';

/** One route the shadow replays: its table entry's path, and the key its counters go under. */
export interface ShadowRoute {
  readonly method: 'GET' | 'HEAD';
  /** The route table's path, e.g. `/v1/conversations/:id/messages`. */
  readonly path: string;
  /** `GET /v1/conversations/:id/messages`: the counters' and the log lines' name for it. */
  readonly key: string;
}

export interface ShadowPlan {
  readonly groups: readonly RouteGroup[];
  readonly routes: readonly ShadowRoute[];
}

// #region guide:shadowable
/**
 * The groups whose reads the bridge may run twice, and why each other group may not. A GET of
 * these three writes nothing: the bot list is the in-memory registry, the conversation reads
 * and the session lookup behind every `auth: true` route are SELECTs (the shadow worker's
 * session cache hears of every log-out through the bridge before its next job), and none of
 * their routes is rate-limited. test/shadow.test.ts checks that the shadow side sends the
 * database nothing but SELECTs for them.
 */
const SHADOWABLE: ReadonlySet<RouteGroup> = new Set(['health', 'bots', 'conversations']);
const NOT_SHADOWABLE: Readonly<Record<string, string>> = {
  accounts: 'has no read-only route (sign-up, log-in and log-out are writes)',
  stream: 'is a WebSocket upgrade, which inject() cannot replay',
  proxy:
    "calls the upstream service a second time and spends the account's proxy budget (PROXY_RATE_MAX): a second read is not free",
  docs: 'is outside the route table, and its pages come from a different package on each side (swagger-ui-express, @fastify/swagger-ui)',
};
// #endregion guide:shadowable

/**
 * The shadow's groups and routes for SHADOW_GROUPS, checked against what the bridge has moved:
 * a ConfigError (one line per group, as loadConfig's) for a group Fastify already serves, or one
 * whose reads cannot be run twice.
 */
export function shadowPlan(
  config: Pick<Config, 'SHADOW_GROUPS'>,
  moved: readonly RouteGroup[],
): ShadowPlan {
  const problems: string[] = [];
  for (const group of config.SHADOW_GROUPS) {
    if (moved.includes(group)) {
      problems.push(
        `${group} is moved: Fastify serves it already, so there is no Express answer to compare (apps/bridge-api/src/moved.ts)`,
      );
    } else if (!SHADOWABLE.has(group)) {
      problems.push(`${group} ${NOT_SHADOWABLE[group] ?? 'cannot be shadowed'}`);
    }
  }
  if (problems.length > 0) {
    const lines = problems.map((problem) => `  SHADOW_GROUPS: ${problem}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const groups = config.SHADOW_GROUPS.filter((group) => SHADOWABLE.has(group));
  const routes: ShadowRoute[] = [];
  for (const [name, route] of Object.entries(apiRoutes)) {
    const group = routeGroupOf[name as keyof typeof routeGroupOf];
    if (!groups.includes(group) || route.method !== 'GET') continue;
    for (const method of ['GET', 'HEAD'] as const) {
      routes.push({ method, path: route.path, key: `${method} ${route.path}` });
    }
  }
  return { groups, routes };
}
