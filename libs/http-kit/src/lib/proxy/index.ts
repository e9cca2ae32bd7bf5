export { FORWARDED_RESPONSE_HEADERS, proxyTarget } from './proxy-target.js';
export type { ProxyTarget } from './proxy-target.js';
export { proxyRest, proxyService } from './proxy-service.js';
