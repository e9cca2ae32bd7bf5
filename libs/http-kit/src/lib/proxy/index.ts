export {
  FORWARDED_REQUEST_HEADERS,
  FORWARDED_RESPONSE_HEADERS,
  forwardedFor,
  proxyTarget,
} from './proxy-target.js';
export type { ProxyTarget } from './proxy-target.js';
export { proxyRequest, proxyRest, proxyService } from './proxy-service.js';
export type { ProxiedRequest } from './proxy-service.js';
export {
  DEFAULT_PROXY_METHODS,
  checkProxyMethod,
  checkProxyPath,
  normalizedProxyPath,
  pathAllowed,
} from './proxy-policy.js';
export { InFlightLimit } from './in-flight-limit.js';
export { ResponseTooLarge, byteCap, declaredTooLarge } from './response-cap.js';
