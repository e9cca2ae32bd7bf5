import { AppError } from './app-error.js';

// Connection-level failures from pg and node:net, and PostgreSQL's own "can't serve now" codes
// (admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections).
const DATABASE_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

const DATABASE_DOWN_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  // pg-pool: no connection within connectionTimeoutMillis, the server slow to accept or every
  // pooled connection busy under overload; either way the database cannot serve now.
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
];

export function isDatabaseDown(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && DATABASE_DOWN_CODES.has(code)) return true;
  return typeof message === 'string' && DATABASE_DOWN_MESSAGES.some((m) => message.includes(m));
}

/**
 * Turns anything thrown into an AppError the client may see. Unknown errors become
 * SWY_ERR_INTERNAL with the generic message: no stack, SQL or driver text leaves the server.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isDatabaseDown(error)) return new AppError('SWY_ERR_DATABASE_UNAVAILABLE', { cause: error });
  return new AppError('SWY_ERR_INTERNAL', { cause: error });
}
