export { FORWARDED_RESPONSE_HEADERS, proxyTarget } from './proxy-target.js';
export type { ProxyTarget } from './proxy-target.js';
export { proxyRequest, proxyRest, proxyService } from './proxy-service.js';
