export * from './lib/errors/index.js';
export * from './lib/schemas/index.js';
export * from './lib/db/index.js';
export * from './lib/repositories/index.js';
export * from './lib/auth/index.js';
export * from './lib/upstream/index.js';
export * from './lib/bots/index.js';
export * from './lib/use-cases/index.js';
export * from './lib/validation/index.js';
export * from './lib/api/index.js';
export * from './lib/config/index.js';
export * from './lib/proxy/index.js';
export * from './lib/rate-limit/index.js';
export { LOG_REDACT_PATHS } from './lib/logging/redact.js';
export {
  SHUTDOWN_MARGIN_MS,
  isClusterPrimary,
  isClusterWorker,
  jsonLineLogger,
  leaveCluster,
  runPrimary,
} from './lib/process/cluster.js';
export type { PrimaryConfig, PrimaryLogger, PrimaryOptions } from './lib/process/cluster.js';
export { keepAliveDrain } from './lib/process/keep-alive-drain.js';
export type { KeepAliveDrain } from './lib/process/keep-alive-drain.js';
