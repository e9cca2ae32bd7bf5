/** The part of a logger this needs: pino's, Fastify's, the cluster's JSON line logger. */
export interface WarnLogger {
  warn(fields: object, message: string): void;
}

export const IDLE_POOL_ERROR_MESSAGE = 'An idle database connection failed';

/**
 * The line for `openDatabase`'s `onPoolError`, the same in every app's main: an idle pooled
 * connection failed (the server restarted, a failover, a session ended). The pool drops it and
 * opens another when needed, so the app still works: warn, not error, and never swallowed.
 */
export function logIdlePoolError(log: WarnLogger, error: Error): void {
  log.warn({ err: error }, IDLE_POOL_ERROR_MESSAGE);
}
