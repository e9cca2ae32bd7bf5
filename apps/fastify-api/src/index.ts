export { buildApp, REQUEST_ID_HEADER } from './app.js';
export type { BuildAppOptions } from './app.js';
export { serve, startServer } from './server.js';
export type { RunningServer, StartServerOptions } from './server.js';
export { UndiciUpstreamClient } from './adapters/undici-upstream-client.js';
export type {
  ClosableUpstreamClient,
  UndiciUpstreamOptions,
} from './adapters/undici-upstream-client.js';
export { runMain } from './run.js';
// The decorators other packages may read (app.config, app.services, app.redis): exporting these types
// brings each plugin's `declare module 'fastify'` into the package's declarations.
export type { ConfigPluginOptions } from './plugins/config.js';
export type { ServicesPluginOptions } from './plugins/services.js';
export type { default as RateLimitPlugin } from './plugins/rate-limit.js';
