import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import {
  createServices,
  hashPassword,
  verifyPassword,
  type PasswordHasher,
  type Services,
} from '@switchyard/domain';
import { type Database } from '@switchyard/persistence';

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

// #region guide:sync-crypto
// MIGRATION(sync-crypto) after: scrypt runs on libuv's thread pool; see docs/migration-guide.md#sync-crypto
const passwords: PasswordHasher = { hash: hashPassword, verify: verifyPassword };
// #endregion guide:sync-crypto

const servicesPlugin: FastifyPluginAsync<ServicesPluginOptions> = async (app, { db }) => {
  app.decorate(
    'services',
    createServices({
      db,
      passwords,
      upstream: app.upstream,
      ensembleSources: app.config.ENSEMBLE_SOURCES,
      sessionTtlSeconds: app.config.SESSION_TTL_SECONDS,
    }),
  );
};

export default fp(servicesPlugin, {
  name: 'services',
  fastify: '5.x',
  dependencies: ['config', 'upstream'],
});
