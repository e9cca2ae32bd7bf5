export { ConfigError, ConfigSchema, ProxyServiceSchema, loadConfig } from './config.js';
export type { Config, ProxyService } from './config.js';
export { trustProxy } from './trust-proxy.js';
export type { TrustHops } from './trust-proxy.js';
