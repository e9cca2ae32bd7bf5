export { createApp } from './app.js';
export type { CreateAppOptions, SwitchyardApp } from './app.js';
export { startServer } from './server.js';
export type { RunningServer, StartServerOptions } from './server.js';
export { createLogger } from './logger.js';
export type { AppContext } from './context.js';
