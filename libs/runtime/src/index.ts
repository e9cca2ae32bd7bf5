// @switchyard/runtime: what a process needs around an app. Config from the environment,
// node:cluster workers, keep-alive drain at shutdown, the logger's redaction, the Redis client.
export * from './lib/config/index.js';
export { LOG_REDACT_PATHS } from './lib/logging/redact.js';
export { IDLE_POOL_ERROR_MESSAGE, logIdlePoolError } from './lib/logging/pool-error.js';
export type { WarnLogger } from './lib/logging/pool-error.js';
export {
  SHUTDOWN_MARGIN_MS,
  shutdownBudgetMs,
  isClusterPrimary,
  isClusterWorker,
  jsonLineLogger,
  leaveCluster,
  runPrimary,
} from './lib/process/cluster.js';
export type { PrimaryConfig, PrimaryLogger, PrimaryOptions } from './lib/process/cluster.js';
export { keepAliveDrain } from './lib/process/keep-alive-drain.js';
export type { KeepAliveDrain } from './lib/process/keep-alive-drain.js';
export { applyServerLimits, serverOptions } from './lib/process/server-limits.js';
export type { ServerLimits, ServerLimitsConfig } from './lib/process/server-limits.js';
export {
  PGLITE_IN_MEMORY,
  configOrExit,
  describeDatabase,
  exitWith,
  loadDotEnv,
  pgliteDataDir,
  startupLine,
} from './lib/process/startup.js';
export { openRedis } from './lib/redis.js';
export { createLimiter } from './lib/limits/limiter.js';
export type { LimitDecision, Limiter, LimiterOptions } from './lib/limits/limiter.js';
export { accountLimiters } from './lib/limits/account-limiters.js';
export type { RedisLogger } from './lib/redis.js';
export { containerHandler } from './lib/process/lambda-container.js';
export type {
  ContainerApp,
  ContainerDatabase,
  ContainerOptions,
} from './lib/process/lambda-container.js';
