import { errorCatalog, type ErrorCode } from './error-codes.js';

export interface ErrorDetail {
  /** JSON pointer into the request, e.g. `/body/username`, or '' for the whole input. */
  readonly path: string;
  readonly message: string;
}

/** The one error envelope both apps send: `{ error: { code, message, details? } }`. */
export interface ErrorEnvelope {
  readonly error: {
    readonly code: ErrorCode | string;
    readonly message: string;
    readonly details?: readonly ErrorDetail[];
  };
}

export interface AppErrorOptions {
  readonly message?: string;
  readonly details?: readonly ErrorDetail[];
  readonly cause?: unknown;
  /** Extra response headers, e.g. `Retry-After` for 429. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error the API reports to the client as it is: code, status, message, details. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: readonly ErrorDetail[] | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? errorCatalog[code].message, { cause: options.cause });
    this.code = code;
    this.status = errorCatalog[code].status;
    this.details = options.details;
    this.headers = options.headers;
  }

  toEnvelope(): ErrorEnvelope {
    return envelope(this.code, this.message, this.details);
  }
}

export function envelope(
  code: ErrorCode,
  message: string = errorCatalog[code].message,
  details?: readonly ErrorDetail[],
): ErrorEnvelope {
  return details && details.length > 0
    ? { error: { code, message, details } }
    : { error: { code, message } };
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
