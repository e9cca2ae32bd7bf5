// @switchyard/scale: several instances of one app behind HAProxy (see README.md).
export {
  DEFAULT_CHECK,
  DEFAULT_INSTANCES,
  HAPROXY,
  MAX_INSTANCES,
  MIN_INSTANCES,
  TEST_CHECK,
  checkInstances,
  startScaled,
} from './lib/scaled.js';
export type { Instance, ScaleOptions, Scaled } from './lib/scaled.js';
export { SCALABLE_APPS, isScalableApp } from './lib/apps.js';
export type { ScalableAppName } from './lib/apps.js';
export { haproxyConfig } from './lib/haproxy-config.js';
export type { BackendServer, HaproxyConfigInput, HealthCheck } from './lib/haproxy-config.js';
export type { ServerStat } from './lib/admin-socket.js';
