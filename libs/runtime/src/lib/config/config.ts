import { Type, type Static, type TSchema, type TSchemaOptions } from 'typebox';
import type { TLocalizedValidationError } from 'typebox/error';
import { Value } from 'typebox/value';
import { trustProxyProblem } from './trust-proxy.js';

const Url = Type.String({ pattern: '^https?://[^\\s/?#]+(/[^\\s]*)?$' });

/** `/`, `/a`, `/a/b/`: plain segments (no `%`, `?`, `#`, `\\`, blanks, empty segments). */
const SEGMENTS = '^/([^\\s?#%\\\\/]+(/[^\\s?#%\\\\/]+)*/?)?$';

export const ProxyServiceSchema = Type.Object(
  {
    url: Url,
    /** Headers the gateway adds on the way out, e.g. the service's API key. */
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 120_000 })),
    /**
     * The methods the proxy forwards to this service; anything else is 405 with Allow. The
     * proxy route is read-only (GET, and HEAD with it), so these are the only two there are.
     */
    methods: Type.Optional(
      Type.Array(Type.Union([Type.Literal('GET'), Type.Literal('HEAD')]), {
        minItems: 1,
        uniqueItems: true,
        default: ['GET', 'HEAD'],
      }),
    ),
    /**
     * Required: the path prefixes below the service's base URL that the proxy may reach, each
     * matched whole segment by whole segment (`/get` opens `/get` and `/get/…`, never `/getx`;
     * `/anything/` opens what is below it; `/` opens everything). Anything else is 403.
     */
    paths: Type.Array(Type.String({ pattern: SEGMENTS, maxLength: 256 }), {
      minItems: 1,
      maxItems: 100,
    }),
  },
  { additionalProperties: false },
);
export type ProxyService = Static<typeof ProxyServiceSchema>;

/** Everything an app reads from its environment, with defaults; documented in .env.example. */
export const ConfigSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  // Each literal written out: TypeBox 1.x infers a union from a tuple of schemas, and the array
  // a `.map()` returns made the setting's type `never`.
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info' },
  ),
  /** PostgreSQL server; when unset, embedded PGlite is used. */
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /**
   * PGlite data directory when DATABASE_URL is unset. Unset: `.data/<app>` under the working
   * directory (the app's main names it); `memory://` keeps the database in memory only.
   */
  PGLITE_DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Connections each process keeps to the PostgreSQL server (the pg pool's `max`); a query past
   * them waits for one (3 s, then 503). Ignored on PGlite, which has one. Each cluster worker
   * has its own pool, so WEB_CONCURRENCY × DB_POOL_SIZE must fit the server's max_connections.
   */
  DB_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  /**
   * PGlite's shared_buffers in MB when DATABASE_URL is unset. PGlite holds the whole pool in its
   * WASM heap from the start, so this is resident memory: initdb's 128 MB cost about 120 MB of RSS.
   */
  PGLITE_SHARED_BUFFERS_MB: Type.Integer({ minimum: 1, maximum: 1024, default: 16 }),
  /**
   * Where PGlite runs when DATABASE_URL is unset: `main`, the app's own thread (each query holds
   * the event loop while it runs in WASM), or `worker`, a worker thread of its own.
   */
  PGLITE_THREAD: Type.Union([Type.Literal('main'), Type.Literal('worker')], { default: 'main' }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 10 * 1024 * 1024, default: 65_536 }),
  SESSION_TTL_SECONDS: Type.Integer({ minimum: 60, default: 86_400 }),
  /** Base URL of the model service (POST /model/complete, /model/stream). */
  MODEL_URL: Url,
  /** Base URL of the knowledge sources (GET /sources/:id/answer). */
  KNOWLEDGE_URL: Url,
  /**
   * Knowledge sources the ensemble bot asks per message. At most 100 (the fan-out target's K):
   * every message costs this many upstream calls, and the per-account message budget
   * (MESSAGE_RATE_MAX) counts messages, so this bound is what keeps one account's upstream load
   * within MESSAGE_RATE_MAX × 100.
   */
  ENSEMBLE_SOURCES: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** Per-call timeout for bot upstream calls. */
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 120_000, default: 5_000 }),
  /** Most bytes one bot upstream call may answer with (a JSON body or a whole stream). */
  UPSTREAM_MAX_RESPONSE_BYTES: Type.Integer({
    minimum: 1024,
    maximum: 1024 * 1024 * 1024,
    default: 4 * 1024 * 1024,
  }),
  /** Longest NDJSON line a streamed upstream reply may send, in bytes. */
  UPSTREAM_MAX_LINE_BYTES: Type.Integer({
    minimum: 256,
    maximum: 64 * 1024 * 1024,
    default: 65_536,
  }),
  /** Overall deadline of a streamed bot reply, however steadily the upstream drips. */
  STREAM_REPLY_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 60_000 }),
  /** Longest bot reply the gateway stores, in characters (UTF-16 code units). */
  MAX_REPLY_CHARS: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 100_000 }),
  /** Fastify only: how many fan-out calls run at once. */
  FANOUT_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1000, default: 20 }),
  /** JSON object: service name → { url, paths, methods?, headers?, timeoutMs? }. */
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
  /** Largest proxied response body in bytes; past it 502 (or the connection cut, if streaming). */
  PROXY_MAX_RESPONSE_BYTES: Type.Integer({
    minimum: 1,
    maximum: 1024 * 1024 * 1024,
    default: 10 * 1024 * 1024,
  }),
  /** Proxy calls one account may have in flight at once, per process; past it 429. */
  PROXY_MAX_CONCURRENT_PER_ACCOUNT: Type.Integer({ minimum: 1, maximum: 10_000, default: 10 }),
  /** How long graceful shutdown waits for in-flight requests before it gives up. */
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 10_000 }),
  /**
   * Behind a load balancer: how long after a stop signal `/ready` answers 503 while the server
   * still serves, before it stops taking connections, so that the balancer's health checks take
   * the instance out first (more than its check interval times its fall count). 0, the default:
   * no wait, for one instance or where the platform does it (Kubernetes' preStop).
   */
  SHUTDOWN_DRAIN_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 0 }),
  /**
   * Server timeouts, the same in every app (libs/runtime applyServerLimits). The whole request,
   * body included, must arrive within REQUEST_TIMEOUT_MS and its headers within
   * HEADERS_TIMEOUT_MS (408 where an answer can still be written); an idle kept-alive
   * connection is closed after KEEP_ALIVE_TIMEOUT_MS.
   */
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1_000, maximum: 600_000, default: 30_000 }),
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 1_000, maximum: 600_000, default: 10_000 }),
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 1_000, maximum: 600_000, default: 5_000 }),
  /** Open connections one process accepts at once (server.maxConnections); 0: no cap. */
  MAX_CONNECTIONS: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 10_000 }),
  /** Requests per client (IP address) and window on each rate-limited route (sign-up, log-in). */
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 20 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1_000, maximum: 86_400_000, default: 60_000 }),
  /**
   * Per-account budget of bot messages (POST /v1/bots/:botId/messages and WebSocket message
   * frames draw from one budget): MESSAGE_RATE_MAX per MESSAGE_RATE_WINDOW_MS, 429 past it.
   */
  MESSAGE_RATE_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 30 }),
  MESSAGE_RATE_WINDOW_MS: Type.Integer({ minimum: 1_000, maximum: 86_400_000, default: 60_000 }),
  /** Per-account budget of proxied calls (GET /v1/proxy/...): PROXY_RATE_MAX per window. */
  PROXY_RATE_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 60 }),
  PROXY_RATE_WINDOW_MS: Type.Integer({ minimum: 1_000, maximum: 86_400_000, default: 60_000 }),
  /** How long an Idempotency-Key's first answer is kept and replayed (60 s to 7 days). */
  IDEMPOTENCY_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 604_800, default: 86_400 }),
  /**
   * How long a claimed Idempotency-Key may stay unanswered before a retry with the same key and
   * body takes it over (its holder's process was killed, say); until then, 409. At least the
   * longest a message may take (UPSTREAM_TIMEOUT_MS, STREAM_REPLY_TIMEOUT_MS); past
   * IDEMPOTENCY_TTL_SECONDS the key is new anyway. A holder that overruns it stores nothing and
   * answers 409.
   */
  IDEMPOTENCY_LEASE_MS: Type.Integer({ minimum: 1_000, maximum: 86_400_000, default: 120_000 }),
  /** Rate-limit counters in Redis, shared by every instance; unset: in each process's memory. */
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** What every key this app writes to Redis starts with: deployments sharing a Redis differ. */
  REDIS_KEY_PREFIX: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', default: 'switchyard:' }),
  /**
   * Per-account log-in lock: after LOGIN_MAX_FAILURES log-ins for one username within
   * LOGIN_LOCK_SECONDS (counted from the first), log-in answers 429 until the window ends; a
   * success clears the count. Shared in Redis when REDIS_URL is set.
   */
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  LOGIN_LOCK_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 900 }),
  /** Live sessions one account may hold; a log-in past it ends the oldest. */
  MAX_SESSIONS_PER_ACCOUNT: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  /** Expired sessions each log-in deletes, at most (the purge's bound). */
  SESSION_PURGE_BATCH: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
  /**
   * Sessions each process keeps in memory so that an authenticated request needs no database
   * round trip (least recently used out first); 0 turns the cache off.
   */
  SESSION_CACHE_MAX_ENTRIES: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 10_000 }),
  /**
   * The longest a cached session is believed without asking the database (never past the
   * session's own expiry). A log-out reaches the other processes within a second through
   * Redis or LISTEN/NOTIFY; this bounds how long one could be missed (a revocation that could
   * not be sent).
   */
  SESSION_CACHE_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: 3_600, default: 30 }),
  /**
   * Which proxies in front of the app to believe about the client's address (X-Forwarded-For):
   * unset trusts none (the peer is the client); a hop count such as `1`; or a comma list of
   * addresses and CIDRs. Read by trustProxy() (lib/config/trust-proxy.ts).
   */
  TRUST_PROXY: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  /**
   * Worker processes on one HOST:PORT (node:cluster, see lib/process/cluster.ts). 1: no primary,
   * the app runs in this process. More needs DATABASE_URL: PGlite belongs to one process.
   */
  WEB_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  /**
   * Port of the Prometheus endpoint (GET /metrics), a listener of its own, never the public one
   * (docs/observability.md#metrics). Unset: no metrics are kept and nothing listens. 0: any
   * free port (tests).
   */
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  /** Address of the metrics listener; loopback unless the scraper is on another host. */
  METRICS_HOST: Type.String({ minLength: 1, maxLength: 255, default: '127.0.0.1' }),
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
  // Shadow traffic, read by the bridge only (docs/migration-guide.md#prove-a-group): express-api
  // and fastify-api accept these and ignore them, because all three read one schema.
  /**
   * Comma list of route groups whose reads (GET, HEAD) the bridge also runs through Fastify's
   * routes, off the response path, and compares. Empty: no shadow. The bridge refuses at
   * start-up a group it has moved and one without read-only routes to compare.
   */
  SHADOW_GROUPS: Type.Array(
    Type.Union([
      Type.Literal('health'),
      Type.Literal('accounts'),
      Type.Literal('bots'),
      Type.Literal('stream'),
      Type.Literal('conversations'),
      Type.Literal('proxy'),
      Type.Literal('docs'),
    ]),
    { uniqueItems: true, maxItems: 7, default: [] },
  ),
  /** Share of the shadowable requests that are shadowed, 0 to 1 (0.25: one in four). */
  SHADOW_SAMPLE_RATE: Type.Number({ minimum: 0, maximum: 1, default: 1 }),
  /** Shadow requests in flight at once, per process; one more is dropped and counted. */
  SHADOW_MAX_PENDING: Type.Integer({ minimum: 1, maximum: 1000, default: 16 }),
  /** How long a shadow request may take before it is aborted and counted as a shadow error. */
  SHADOW_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 60_000, default: 2_000 }),
  /**
   * Largest response body, in bytes, that is kept for a comparison: a longer answer from
   * Express is not shadowed (dropped), a longer one from Fastify is a shadow error.
   */
  SHADOW_MAX_BODY_BYTES: Type.Integer({
    minimum: 1024,
    maximum: 16 * 1024 * 1024,
    default: 1_048_576,
  }),
  /**
   * Where the Fastify side runs: `worker` (a worker thread of its own, so that its CPU and its
   * garbage stay off the thread that answers clients) or `inline` (the bridge's own thread).
   */
  SHADOW_THREAD: Type.Union([Type.Literal('worker'), Type.Literal('inline')], {
    default: 'worker',
  }),
  /**
   * The shadow worker's CPU priority on Linux, as `nice` (0 the bridge's own, 19 the lowest):
   * when the CPUs are busy, the thread that answers clients runs first, and the shadow falls
   * behind until SHADOW_MAX_PENDING drops and counts what it cannot run.
   */
  SHADOW_WORKER_NICE: Type.Integer({ minimum: 0, maximum: 19, default: 19 }),
  /** The shadow worker's heap limit (old generation), in MiB: past it the worker is restarted. */
  SHADOW_WORKER_MAX_HEAP_MB: Type.Integer({ minimum: 64, maximum: 4_096, default: 256 }),
  /** How often the bridge logs its shadow counters ("shadow summary"), and once at shutdown. */
  SHADOW_SUMMARY_INTERVAL_MS: Type.Integer({
    minimum: 1_000,
    maximum: 86_400_000,
    default: 60_000,
  }),
});
export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Plain decimal integers: no exponent, sign, spaces, leading zeros, hex or fraction. */
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const SIGNED_DECIMAL = /^-?(0|[1-9][0-9]*)$/;
/** The same with a fraction, for a Number setting (SHADOW_SAMPLE_RATE): `0.25`, `1`, `1.0`. */
const FRACTION = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const SIGNED_FRACTION = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/**
 * Turns one variable's text into the value its schema expects, strictly: `3e3`, `1e2`, `0x10`,
 * ` 5` or `true` is not a number here (TypeBox's Value.Convert would read them as 3, 1, 16, 5
 * and 1). Returns a problem to report, or the value.
 */
function parseValue(schema: TSchema, raw: string): { value: unknown } | { problem: string } {
  if (Type.IsInteger(schema) || Type.IsNumber(schema)) {
    // TypeBox 1.x types a schema's kind, not its options, so the bound is looked up as a key.
    const minimum = 'minimum' in schema ? schema.minimum : undefined;
    const negatives = typeof minimum !== 'number' || minimum < 0;
    if (Type.IsInteger(schema)) {
      if (!(negatives ? SIGNED_DECIMAL : DECIMAL).test(raw)) {
        return {
          problem: `must be a whole number in plain decimal digits (got ${JSON.stringify(raw)})`,
        };
      }
    } else if (!(negatives ? SIGNED_FRACTION : FRACTION).test(raw)) {
      return { problem: `must be a number in plain decimal digits (got ${JSON.stringify(raw)})` };
    }
    return { value: Number(raw) };
  }
  if (Type.IsArray(schema)) {
    // A comma list (SHADOW_GROUPS=bots,conversations); blanks around a name are not part of it.
    return { value: raw.split(',').map((item) => item.trim()) };
  }
  if (Type.IsBoolean(schema)) {
    if (raw === 'true') return { value: true };
    if (raw === 'false') return { value: false };
    return { problem: `must be true or false (got ${JSON.stringify(raw)})` };
  }
  return { value: Value.Convert(schema, raw) };
}

/**
 * The settings a TypeBox error is about, as `PROXY_SERVICES.s.paths`. Like Ajv, TypeBox 1.x
 * reports a missing or an unexpected property at the object that holds it and names the
 * properties in `params`, so those names complete the path.
 */
function settingsOf(error: TLocalizedValidationError): string[] {
  const at = error.instancePath.slice(1).replace(/\//g, '.');
  const names =
    error.keyword === 'required'
      ? error.params.requiredProperties
      : error.keyword === 'additionalProperties'
        ? error.params.additionalProperties
        : [''];
  return names.map((name) => [at, name].filter((part) => part !== '').join('.') || '(root)');
}

/**
 * One message per setting. TypeBox's own wording names the whole object for a missing property
 * ("must have required properties A, B"), calls an unexpected one "schema is false" (the
 * `additionalProperties: false` it broke), and reports a union of literals once per literal and
 * then as "must match a schema in anyOf": here they read as the setting's own problem.
 */
function problemsOf(errors: readonly TLocalizedValidationError[]): Map<string, string> {
  const problems = new Map<string, string>();
  const allowed = new Map<string, unknown[]>();
  for (const error of errors) {
    for (const key of settingsOf(error)) {
      if (error.keyword === 'const') {
        allowed.set(key, [...(allowed.get(key) ?? []), error.params.allowedValue]);
      }
      const literals = allowed.get(key);
      if (error.keyword === 'anyOf' && literals) {
        problems.set(key, `must be one of ${literals.map((v) => JSON.stringify(v)).join(', ')}`);
      } else if (!problems.has(key)) {
        problems.set(
          key,
          error.keyword === 'required'
            ? 'is required'
            : error.keyword === 'additionalProperties' || error.keyword === 'boolean'
              ? 'is not allowed'
              : error.message,
        );
      }
    }
  }
  return problems;
}

/**
 * The schema's defaults for the settings `input` leaves unset. Not Value.Default: in TypeBox
 * 1.4.3 it throws (`Cannot use 'in' operator to search for 'default' in false`) on a Record with
 * `additionalProperties: false`, PROXY_SERVICES, as soon as a key breaks the name pattern, which
 * must be a ConfigError instead. Every default of ConfigSchema is on a top-level setting (0.34's
 * Value.Default did not fill the `methods` default inside a PROXY_SERVICES entry either).
 */
function withDefaults(input: Record<string, unknown>): Record<string, unknown> {
  const value = { ...input };
  for (const [key, schema] of Object.entries(ConfigSchema.properties) as Array<[string, TSchema]>) {
    const { default: fallback } = schema as TSchemaOptions;
    if (value[key] === undefined && fallback !== undefined) value[key] = structuredClone(fallback);
  }
  return value;
}

/**
 * Reads and checks the configuration once, at start-up. Numbers are parsed strictly and the
 * PROXY_SERVICES JSON is parsed; anything wrong stops the app with one line per problem.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, unknown> = {};
  const problems = new Map<string, string>();
  for (const [key, schema] of Object.entries(ConfigSchema.properties) as Array<[string, TSchema]>) {
    const raw = env[key];
    if (raw === undefined || raw === '') continue;
    if (key === 'PROXY_SERVICES') {
      try {
        input[key] = JSON.parse(raw);
      } catch {
        throw new ConfigError('Invalid configuration:\n  PROXY_SERVICES: is not valid JSON');
      }
      continue;
    }
    const parsed = parseValue(schema, raw);
    if ('problem' in parsed) problems.set(key, parsed.problem);
    else input[key] = parsed.value;
  }
  const value = withDefaults(input);
  const errors = Value.Errors(ConfigSchema, value);
  if (errors.length > 0 || problems.size > 0) {
    // One line per variable: a number that did not parse is not checked against its schema.
    const byPath = new Map<string, string>(problems);
    for (const [key, message] of problemsOf(errors)) if (!byPath.has(key)) byPath.set(key, message);
    const lines = [...byPath].map(([key, message]) => `  ${key}: ${message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = value as Config;
  // Checks that span variables, once each one is valid on its own.
  if (config.HEADERS_TIMEOUT_MS > config.REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      `Invalid configuration:\n  HEADERS_TIMEOUT_MS: ${config.HEADERS_TIMEOUT_MS} is longer than REQUEST_TIMEOUT_MS (${config.REQUEST_TIMEOUT_MS}); the headers are part of the request`,
    );
  }
  const longestMessageMs = Math.max(config.UPSTREAM_TIMEOUT_MS, config.STREAM_REPLY_TIMEOUT_MS);
  if (config.IDEMPOTENCY_LEASE_MS < longestMessageMs) {
    throw new ConfigError(
      `Invalid configuration:\n  IDEMPOTENCY_LEASE_MS: ${config.IDEMPOTENCY_LEASE_MS} is shorter than a message may take (UPSTREAM_TIMEOUT_MS ${config.UPSTREAM_TIMEOUT_MS}, STREAM_REPLY_TIMEOUT_MS ${config.STREAM_REPLY_TIMEOUT_MS}); a retry would take over a key still at work`,
    );
  }
  if (config.WEB_CONCURRENCY > 1 && config.DATABASE_URL === undefined) {
    throw new ConfigError(
      `Invalid configuration:\n  WEB_CONCURRENCY: ${config.WEB_CONCURRENCY} workers need DATABASE_URL (PGlite is one process's embedded database; workers cannot share it)`,
    );
  }
  // TRUST_PROXY's entries one by one (addresses and CIDRs), so a typo stops the start-up here.
  const trustProxyError = trustProxyProblem(config.TRUST_PROXY);
  if (trustProxyError)
    throw new ConfigError(`Invalid configuration:\n  TRUST_PROXY: ${trustProxyError}`);
  return config;
}
