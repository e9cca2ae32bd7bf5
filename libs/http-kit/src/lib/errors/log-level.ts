import type { ServerResponse } from 'node:http';
import { abortedByClient } from '../client/client-left.js';

export type ErrorLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What the policy needs of an error once it is the API's: its code and status. */
export interface CodedError {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  readonly cause?: unknown;
}

/** The part of a pino (or Fastify) logger the policy writes to. */
export type ErrorLogger = Record<ErrorLogLevel, (fields: object, message: string) => void>;

/**
 * The level of a failed request's log line, the same in both apps, their WebSocket servers
 * included. The client went away (its own abort): info, nothing is wrong with the app. A bug
 * (SWY_ERR_INTERNAL): error, someone must look. Any other 5xx (the database or an upstream is
 * down, the app is not ready): warn, the app works but a dependency does not. A 4xx: debug,
 * the client's mistake, answered as the contract says; at info or above a client could fill
 * the logs at will.
 */
export function logLevelOf(
  error: unknown,
  appError: CodedError,
  res?: ServerResponse,
): ErrorLogLevel {
  if (res && abortedByClient(error, res)) return 'info';
  if (appError.code === 'SWY_ERR_INTERNAL') return 'error';
  if (appError.status >= 500) return 'warn';
  return 'debug';
}

/**
 * Writes the one line a failed request gets, at `logLevelOf`'s level, always with the `code`:
 * the original error with its stack for a bug or a client gone, the underlying cause of a 5xx
 * (the database's or the upstream's error), nothing but the code and message for a 4xx.
 */
export function logError(
  log: ErrorLogger,
  error: unknown,
  appError: CodedError,
  res?: ServerResponse,
): void {
  const level = logLevelOf(error, appError, res);
  const { code } = appError;
  switch (level) {
    case 'info':
      return log.info({ err: error, code }, 'The client left before the answer');
    case 'error':
      return log.error({ err: error, code }, 'Unhandled error');
    case 'warn':
      return log.warn({ err: appError.cause ?? appError, code }, appError.message);
    default:
      return log.debug({ code }, appError.message);
  }
}
