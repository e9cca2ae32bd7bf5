import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { createServices, type Services } from '@switchyard/domain';
import { createLimiter } from '@switchyard/runtime';
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
  app.decorate(
    'services',
    createServices({
      db,
      passwords: asyncPasswordHasher,
      upstream: app.upstream,
      ensembleSources: app.config.ENSEMBLE_SOURCES,
      sessionTtlSeconds: app.config.SESSION_TTL_SECONDS,
      // One budget per username for the app (and, through Redis, for every instance).
      loginLimiter: createLimiter({
        name: 'login-account',
        points: app.config.LOGIN_MAX_FAILURES,
        windowSeconds: app.config.LOGIN_LOCK_SECONDS,
        keyPrefix: app.config.REDIS_KEY_PREFIX,
        ...(app.redis ? { redis: app.redis } : {}),
      }),
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
