import type { IncomingMessage, Server, ServerOptions } from 'node:http';
import type { Config } from '../config/config.js';

export type ServerLimitsConfig = Pick<
  Config,
  | 'REQUEST_TIMEOUT_MS'
  | 'HEADERS_TIMEOUT_MS'
  | 'KEEP_ALIVE_TIMEOUT_MS'
  | 'MAX_CONNECTIONS'
  | 'SHUTDOWN_TIMEOUT_MS'
>;

/**
 * How often Node checks every connection against the request and headers timeouts. Its default
 * is 30 s, so a timed-out request could stay open up to 30 s past its timeout; 1 s keeps the 408
 * close to the setting for the cost of one walk over the open connections a second.
 */
const CHECK_INTERVAL_MS = 1_000;

/**
 * Options for `http.createServer` (express-api) or Fastify's `http` option: the check interval
 * can only be given when the server is created. The timeouts themselves are set by
 * applyServerLimits, after the framework has set its own.
 */
export function serverOptions(config: ServerLimitsConfig): ServerOptions {
  return {
    connectionsCheckingInterval: Math.min(CHECK_INTERVAL_MS, config.HEADERS_TIMEOUT_MS),
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    headersTimeout: config.HEADERS_TIMEOUT_MS,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
  };
}

export interface ServerLimits {
  /**
   * For graceful shutdown: a request whose body has not fully arrived would hold `close()` until
   * the shutdown deadline (a client that sends slowly, or stops). Its connection is closed as
   * soon as the drain begins; one whose body completes later keeps going as usual.
   */
  closeUnfinished(): void;
}

/**
 * The same limits in every app: REQUEST_TIMEOUT_MS for a whole request (headers and body),
 * HEADERS_TIMEOUT_MS for its headers, KEEP_ALIVE_TIMEOUT_MS for an idle kept-alive connection
 * and MAX_CONNECTIONS open at once (Node closes one more at once). A request that times out
 * reaches the server's `clientError` as ERR_HTTP_REQUEST_TIMEOUT, where each app's handler
 * (`answerClientError` in @switchyard/http-kit) answers 408 SWY_ERR_REQUEST_TIMEOUT in the
 * envelope with the security headers, as it answers every request the parser refuses.
 */
export function applyServerLimits(server: Server, config: ServerLimitsConfig): ServerLimits {
  server.requestTimeout = config.REQUEST_TIMEOUT_MS;
  server.headersTimeout = config.HEADERS_TIMEOUT_MS;
  server.keepAliveTimeout = config.KEEP_ALIVE_TIMEOUT_MS;
  if (config.MAX_CONNECTIONS > 0) server.maxConnections = config.MAX_CONNECTIONS;

  // Requests whose body had not fully arrived when they reached the app; `complete` turns true
  // once Node has parsed the last byte, whether or not the app has read it yet.
  const pending = new Set<IncomingMessage>();
  server.prependListener('request', (req: IncomingMessage) => {
    if (req.complete) return;
    pending.add(req);
    req.once('close', () => pending.delete(req));
  });

  return {
    closeUnfinished() {
      for (const req of pending) if (!req.complete) req.socket.destroy();
      pending.clear();
    },
  };
}
