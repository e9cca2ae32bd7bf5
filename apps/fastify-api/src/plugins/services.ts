import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { createServices, type Services } from '@switchyard/domain';
import { accountLimiters } from '@switchyard/runtime';
import type { Database } from '@switchyard/persistence';
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
}

const servicesPlugin: FastifyPluginAsync<ServicesPluginOptions> = async (app, { db }) => {
  // app.redis: the rate-limit plugin's client (REDIS_URL), shared with the bridge's Express side.
  const limiters = accountLimiters(app.config, app.redis);
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
      limiters,
      loginLimiter: limiters.login,
      maxSessionsPerAccount: app.config.MAX_SESSIONS_PER_ACCOUNT,
      sessionPurgeBatch: app.config.SESSION_PURGE_BATCH,
    }),
  );
};

export default fp(servicesPlugin, {
  name: 'services',
  fastify: '5.x',
  dependencies: ['config', 'upstream', 'rate-limit'],
});
