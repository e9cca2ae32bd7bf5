// @switchyard/testing: what the suites, the benchmarks and `npm start` share. The environment an
// app runs in under test (the upstream stand-in, a config, a database), one app spawner, a TCP
// gate to cut a connection, a WebSocket client, and the upstream stand-in itself.
export * from './upstream/index.js';
export {
  BODY_LIMIT_BYTES,
  PROXY_TIMEOUT_MS,
  SECRET_API_KEY,
  closedPort,
  contractConfig,
  startEnvironment,
} from './lib/harness.js';
export type { AppUnderTest, Environment, StartedApp } from './lib/harness.js';
export { openSocket } from './lib/ws-client.js';
export type { Frame, OpenSocket, RefusedUpgrade } from './lib/ws-client.js';
export { openTcpGate } from './lib/tcp-gate.js';
export type { TcpGate } from './lib/tcp-gate.js';
export { WORKSPACE, spawnApp } from './lib/app-process.js';
export type { AppProcess, Exit, SpawnedApp } from './lib/app-process.js';
