// @switchyard/testing: what the suites, the benchmarks and `npm start` share. The environment an
// app runs in under test (the upstream stand-in, a config, a database), one process spawner with
// a free-port helper and a readiness wait, a TCP gate to cut a connection, a WebSocket client,
// and the upstream stand-in itself.
export * from './upstream/index.js';
export {
  BODY_LIMIT_BYTES,
  HTTPBIN_PATHS,
  PROXY_TIMEOUT_MS,
  SECRET_API_KEY,
  contractConfig,
  startEnvironment,
} from './lib/harness.js';
export type { AppUnderTest, Environment, StartedApp } from './lib/harness.js';
export { openSocket } from './lib/ws-client.js';
export type { Frame, OpenSocket, RefusedUpgrade } from './lib/ws-client.js';
export { openTcpGate } from './lib/tcp-gate.js';
export type { TcpGate } from './lib/tcp-gate.js';
export { WORKSPACE, spawnApp, spawnProcess } from './lib/app-process.js';
export type {
  AppProcess,
  AppSpawnOptions,
  Exit,
  SpawnedApp,
  SpawnedProcess,
  SpawnOptions,
} from './lib/app-process.js';
export { freePort } from './lib/free-port.js';
export { waitForOutput, waitReady } from './lib/wait-ready.js';
export type { WaitReadyOptions, Watched } from './lib/wait-ready.js';
export {
  allAtOnce,
  clientSpansTo,
  descendsFrom,
  oneAfterAnother,
  serverSpanOf,
} from './lib/spans.js';
export type { FinishedSpan, HrTime } from './lib/spans.js';
