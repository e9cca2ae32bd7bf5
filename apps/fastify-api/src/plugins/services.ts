import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { createServices, type Services } from '@switchyard/domain';
import { accountLimiters } from '@switchyard/runtime';
import { sessionEvents, type Database, type SessionEvents } from '@switchyard/persistence';
import { asyncPasswordHasher } from '../adapters/async-password-hasher.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The use cases, wired once per app. */
    readonly services: Services;
  }
}

export interface ServicesPluginOptions {
  /** Opened and closed by the caller (main.ts or a test), never by the app. */
  readonly db: Database;
  /** Another app's services, used as they are (BuildAppOptions.services). */
  readonly services?: Services;
  /** How sessions ended elsewhere reach these services (BuildAppOptions.sessionEvents). */
  readonly sessionEvents?: SessionEvents;
}

const servicesPlugin: FastifyPluginAsync<ServicesPluginOptions> = async (app, options) => {
  const { db } = options;
  if (options.services) {
    app.decorate('services', options.services);
    return;
  }
  // app.redis: the rate-limit plugin's client (REDIS_URL), shared with the bridge's Express side.
  const limiters = accountLimiters(app.config, app.redis);
  // Sessions ended by other instances and workers (Redis pub/sub or LISTEN/NOTIFY): until the
  // first subscription is answered, the session cache stays out of the way.
  const events =
    options.sessionEvents ??
    sessionEvents({
      db,
      redis: app.redis,
      keyPrefix: app.config.REDIS_KEY_PREFIX,
      log: app.log,
    });
  await events.ready();
  app.addHook('onClose', () => events.close());
  app.decorate(
    'services',
    createServices({
      db,
      passwords: asyncPasswordHasher,
      upstream: app.upstream,
      ensembleSources: app.config.ENSEMBLE_SOURCES,
      maxReplyChars: app.config.MAX_REPLY_CHARS,
      streamReplyTimeoutMs: app.config.STREAM_REPLY_TIMEOUT_MS,
      sessionTtlSeconds: app.config.SESSION_TTL_SECONDS,
      idempotencyTtlSeconds: app.config.IDEMPOTENCY_TTL_SECONDS,
      idempotencyLeaseMs: app.config.IDEMPOTENCY_LEASE_MS,
      limiters,
      loginLimiter: limiters.login,
      maxSessionsPerAccount: app.config.MAX_SESSIONS_PER_ACCOUNT,
      sessionPurgeBatch: app.config.SESSION_PURGE_BATCH,
      sessionCacheMaxEntries: app.config.SESSION_CACHE_MAX_ENTRIES,
      sessionCacheTtlSeconds: app.config.SESSION_CACHE_TTL_SECONDS,
      sessionEvents: events,
    }),
  );
};

export default fp(servicesPlugin, {
  name: 'services',
  fastify: '5.x',
  dependencies: ['config', 'upstream', 'rate-limit'],
});
