export { buildBridge, expressContext } from './app.js';
export type { BuildBridgeOptions } from './app.js';
export { MOVED } from './moved.js';
export { startServer } from './server.js';
export type { StartBridgeOptions } from './server.js';
