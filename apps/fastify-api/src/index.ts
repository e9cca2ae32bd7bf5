export { buildApp, REQUEST_ID_HEADER } from './app.js';
export type { BuildAppOptions } from './app.js';
export { startServer } from './server.js';
export type { RunningServer, StartServerOptions } from './server.js';
export { UndiciUpstreamClient } from './lib/undici-upstream-client.js';
export type {
  ClosableUpstreamClient,
  UndiciUpstreamOptions,
} from './lib/undici-upstream-client.js';
