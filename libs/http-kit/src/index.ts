// @switchyard/http-kit: what both apps need of HTTP and neither framework gives alike, written
// once below both frameworks (node:http types only).
export { abortedByClient, clientLeft } from './lib/client/client-left.js';
export * from './lib/proxy/index.js';
export { ndjsonLines } from './lib/stream/ndjson.js';
