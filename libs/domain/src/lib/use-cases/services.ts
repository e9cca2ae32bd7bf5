import type { Router } from '@switchyard/router';
import type { PasswordHasher } from '../auth/password.js';
import { bots as defaultBots, type BotClass } from '../bots/index.js';
import { localSessionEvents, type Database, type SessionEvents } from '@switchyard/persistence';
import type { UpstreamClient } from '../upstream/index.js';
import { AccountsService } from './accounts.service.js';
import { ChatService } from './chat.service.js';
import { ConversationsService } from './conversations.service.js';
import { spendAccountBudget, type AccountLimits } from './account-limits.js';
import type { Limiter } from './limiter.js';
import { OpenSockets } from './open-sockets.js';
import { Readiness } from './readiness.js';

export interface ServiceDependencies {
  readonly db: Database;
  /** The app's choice: the sync scrypt form (Express) or the async one (Fastify). */
  readonly passwords: PasswordHasher;
  /** The app's choice of transport, timeouts and fan-out. */
  readonly upstream: UpstreamClient;
  readonly bots?: Router<BotClass>;
  // Settings, required: their defaults live once, in the config schema (@switchyard/runtime).
  /** ENSEMBLE_SOURCES */
  readonly ensembleSources: number;
  /** SESSION_TTL_SECONDS */
  readonly sessionTtlSeconds: number;
  /** IDEMPOTENCY_TTL_SECONDS */
  readonly idempotencyTtlSeconds: number;
  /** IDEMPOTENCY_LEASE_MS */
  readonly idempotencyLeaseMs: number;
  /**
   * Per-account budgets (the app builds them from MESSAGE_RATE_* and PROXY_RATE_*, in memory or
   * in Redis). One left out is no limit: only tests and tools leave them out.
   */
  readonly limiters?: {
    /** Bot messages: HTTP posts and WebSocket message frames draw from this one budget. */
    readonly messages?: Limiter;
    readonly proxy?: Limiter;
  };
  /** MAX_REPLY_CHARS */
  readonly maxReplyChars: number;
  /** STREAM_REPLY_TIMEOUT_MS */
  readonly streamReplyTimeoutMs: number;
  /** LOGIN_MAX_FAILURES per LOGIN_LOCK_SECONDS and username: the app's limiter (memory or Redis). */
  readonly loginLimiter: Limiter;
  /** MAX_SESSIONS_PER_ACCOUNT */
  readonly maxSessionsPerAccount: number;
  /** SESSION_PURGE_BATCH */
  readonly sessionPurgeBatch: number;
  /** SESSION_CACHE_MAX_ENTRIES (0: no cache) */
  readonly sessionCacheMaxEntries: number;
  /** SESSION_CACHE_TTL_SECONDS */
  readonly sessionCacheTtlSeconds: number;
  /**
   * How sessions ended in other processes reach this one (@switchyard/persistence sessionEvents
   * picks Redis, LISTEN/NOTIFY or none); the app opens and closes it. Omitted: this process
   * only, right for one process on PGlite and for tests.
   */
  readonly sessionEvents?: SessionEvents;
}

export interface Services {
  readonly db: Database;
  readonly accounts: AccountsService;
  readonly chat: ChatService;
  readonly conversations: ConversationsService;
  readonly limits: AccountLimits;
  /** The app instance's open WebSockets, by session and account (closed on logout, expiry). */
  readonly sockets: OpenSockets;
  /** The one given to createServices (or this process only); the app closes it at shutdown. */
  readonly sessionEvents: SessionEvents;
  /** Ready for new work: false once the app is shutting down (`/ready` answers 503). */
  readonly readiness: Readiness;
}

/** Everything the routes call, wired once per app. */
export function createServices(deps: ServiceDependencies): Services {
  const sockets = new OpenSockets();
  const sessionEvents = deps.sessionEvents ?? localSessionEvents();
  return {
    db: deps.db,
    readiness: new Readiness(),
    accounts: new AccountsService(deps.db, deps.passwords, {
      sessionTtlSeconds: deps.sessionTtlSeconds,
      loginLimiter: deps.loginLimiter,
      maxSessionsPerAccount: deps.maxSessionsPerAccount,
      sessionPurgeBatch: deps.sessionPurgeBatch,
      sockets,
      sessionCache: {
        maxEntries: deps.sessionCacheMaxEntries,
        ttlSeconds: deps.sessionCacheTtlSeconds,
      },
      sessionEvents,
    }),
    chat: new ChatService(
      deps.db,
      {
        upstream: deps.upstream,
        ensembleSources: deps.ensembleSources,
        maxReplyChars: deps.maxReplyChars,
        streamReplyTimeoutMs: deps.streamReplyTimeoutMs,
      },
      deps.bots ?? defaultBots,
      {
        idempotencyTtlSeconds: deps.idempotencyTtlSeconds,
        idempotencyLeaseMs: deps.idempotencyLeaseMs,
        messageLimiter: deps.limiters?.messages,
      },
    ),
    conversations: new ConversationsService(deps.db),
    limits: {
      proxy: (principal) => spendAccountBudget(deps.limiters?.proxy, principal),
    },
    sockets,
    sessionEvents,
  };
}
