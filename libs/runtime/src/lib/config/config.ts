import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Url = Type.String({ pattern: '^https?://[^\\s/?#]+(/[^\\s]*)?$' });

export const ProxyServiceSchema = Type.Object(
  {
    url: Url,
    /** Headers the gateway adds on the way out, e.g. the service's API key. */
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 120_000 })),
  },
  { additionalProperties: false },
);
export type ProxyService = Static<typeof ProxyServiceSchema>;

/** Everything an app reads from its environment, with defaults; documented in .env.example. */
export const ConfigSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /** PostgreSQL server; when unset, embedded PGlite is used. */
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** PGlite data directory when DATABASE_URL is unset; unset means in memory. */
  PGLITE_DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 10 * 1024 * 1024, default: 65_536 }),
  SESSION_TTL_SECONDS: Type.Integer({ minimum: 60, default: 86_400 }),
  /** Base URL of the model service (POST /model/complete, /model/stream). */
  MODEL_URL: Url,
  /** Base URL of the knowledge sources (GET /sources/:id/answer). */
  KNOWLEDGE_URL: Url,
  ENSEMBLE_SOURCES: Type.Integer({ minimum: 1, maximum: 1000, default: 5 }),
  /** Per-call timeout for bot upstream calls. */
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 120_000, default: 5_000 }),
  /** Fastify only: how many fan-out calls run at once. */
  FANOUT_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1000, default: 20 }),
  /** JSON object: service name → { url, headers?, timeoutMs? }. */
  PROXY_SERVICES: Type.Record(
    Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }),
    ProxyServiceSchema,
    {
      default: {},
      // Without this, a name that breaks the pattern would be accepted and never checked.
      additionalProperties: false,
    },
  ),
  PROXY_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 120_000, default: 10_000 }),
  /** How long graceful shutdown waits for in-flight requests before it gives up. */
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 10_000 }),
  /** Requests per client (IP address) and window on each rate-limited route (sign-up, log-in). */
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 20 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1_000, maximum: 86_400_000, default: 60_000 }),
  /** Rate-limit counters in Redis, shared by every instance; unset: in each process's memory. */
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** What every key this app writes to Redis starts with: deployments sharing a Redis differ. */
  REDIS_KEY_PREFIX: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', default: 'switchyard:' }),
  /**
   * Worker processes on one HOST:PORT (node:cluster, see lib/process/cluster.ts). 1: no primary,
   * the app runs in this process. More needs DATABASE_URL: PGlite belongs to one process.
   */
  WEB_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  // WebSocket stream bounds (docs/reliability.md#websocket-bounds).
  /** Messages a socket may have waiting for their answer; one more closes it with 1008. */
  WS_MAX_QUEUED_FRAMES: Type.Integer({ minimum: 1, maximum: 10_000, default: 16 }),
  /** Bytes of messages a socket may have waiting; past it the socket is closed with 1008. */
  WS_MAX_QUEUED_BYTES: Type.Integer({
    minimum: 1024,
    maximum: 64 * 1024 * 1024,
    default: 1_048_576,
  }),
  /** Bytes of replies not yet written to a socket before it stops reading from it. */
  WS_MAX_BUFFERED_BYTES: Type.Integer({
    minimum: 1024,
    maximum: 64 * 1024 * 1024,
    default: 1_048_576,
  }),
  /** Open sockets per account; one more upgrade is refused with 429 SWY_ERR_RATE_LIMITED. */
  WS_MAX_SOCKETS_PER_ACCOUNT: Type.Integer({ minimum: 1, maximum: 1000, default: 8 }),
  /** How often each socket is pinged; one that has not answered the last ping is dropped. */
  WS_PING_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 600_000, default: 30_000 }),
});
export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads and checks the configuration once, at start-up. Numbers and the PROXY_SERVICES JSON
 * are converted from text; anything wrong stops the app with one line per problem.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const raw = env[key];
    if (raw === undefined || raw === '') continue;
    if (key === 'PROXY_SERVICES') {
      try {
        input[key] = JSON.parse(raw);
      } catch {
        throw new ConfigError('Invalid configuration:\n  PROXY_SERVICES: is not valid JSON');
      }
    } else {
      input[key] = raw;
    }
  }
  const value = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, input));
  const errors = [...Value.Errors(ConfigSchema, value)];
  if (errors.length > 0) {
    // One line per variable: TypeBox reports a missing string both as missing and as not a string.
    const byPath = new Map<string, string>();
    for (const e of errors) {
      const key = e.path.slice(1).replace(/\//g, '.') || '(root)';
      if (!byPath.has(key)) byPath.set(key, e.message);
    }
    const lines = [...byPath].map(([key, message]) => `  ${key}: ${message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = value as Config;
  // Checks that span variables, once each one is valid on its own.
  if (config.WEB_CONCURRENCY > 1 && config.DATABASE_URL === undefined) {
    throw new ConfigError(
      `Invalid configuration:\n  WEB_CONCURRENCY: ${config.WEB_CONCURRENCY} workers need DATABASE_URL (PGlite is one process's embedded database; workers cannot share it)`,
    );
  }
  return config;
}
