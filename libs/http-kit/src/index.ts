// @switchyard/http-kit: what both apps need of HTTP and neither framework gives alike, written
// once below both frameworks (node:http types only).
export { abortedByClient, clientGone, clientLeft } from './lib/client/client-left.js';
export { logError, logLevelOf } from './lib/errors/log-level.js';
export type { CodedError, ErrorLogger, ErrorLogLevel } from './lib/errors/log-level.js';
export * from './lib/proxy/index.js';
export {
  NdjsonSplitter,
  ResponseLimitError,
  ndjsonLines,
  readAtMost,
  readLimitedText,
} from './lib/stream/ndjson.js';
export type { NdjsonLimits, ResponseLimit } from './lib/stream/ndjson.js';
export {
  BEARER_SUBPROTOCOL,
  bearerSubprotocolToken,
  selectSubprotocol,
  upgradeToken,
} from './lib/websocket/bearer-subprotocol.js';
export { upgradeRequired } from './lib/websocket/upgrade-required.js';
export { ACCEPTED_CONTENT_CODING, refusedJsonBody } from './lib/request/body-coding.js';
export { decodeUnreserved } from './lib/request/path.js';
export { answerClientError, clientErrorOf, headersOf } from './lib/request/client-error.js';
export { hasEncodedDotSegment, isBinaryBody } from './lib/lambda/gateway.js';
export {
  UNMATCHED_ROUTE,
  createMetrics,
  metricsFor,
  serveMetrics,
  startMetricsServer,
} from './lib/metrics/metrics.js';
export type {
  AppMetrics,
  MetricsServer,
  PoolGaugeSource,
  UpstreamObservation,
} from './lib/metrics/metrics.js';
