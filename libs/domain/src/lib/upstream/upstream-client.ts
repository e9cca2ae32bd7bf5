import { AppError, isWellFormed } from '@switchyard/api-spec';

/** The upstream services bots call; each app maps a name to a base URL from its config. */
export type BotService = 'model' | 'knowledge';

export interface UpstreamRequest {
  readonly service: BotService;
  readonly method: 'GET' | 'POST';
  /** Path and query on the service, e.g. `/sources/3/answer?q=hi`. */
  readonly path: string;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** A unit of fan-out work. It carries its own cancellation (the caller's signal, in its request). */
export type FanOutTask<T> = () => Promise<T>;

/**
 * What a bot may do with the outside world. The app builds it, so each app decides the
 * transport, the timeouts and how `fanOut` runs the tasks (one after another, or concurrently
 * with a bound). Failures are AppErrors: SWY_ERR_UPSTREAM_TIMEOUT, _UNAVAILABLE or
 * _BAD_RESPONSE.
 */
export interface UpstreamClient {
  json<T>(request: UpstreamRequest): Promise<T>;
  /** A streamed response, one NDJSON line at a time. */
  lines(request: UpstreamRequest): AsyncIterable<string>;
  /** Runs every task and reports each outcome in input order; it never rejects. */
  fanOut<T>(tasks: ReadonlyArray<FanOutTask<T>>): Promise<Array<PromiseSettledResult<T>>>;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** Maps a transport failure (fetch, undici, node:http) to the API's upstream errors. */
export function upstreamFailure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const e = error as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  const code = e?.code ?? e?.cause?.code;
  if (
    e?.name === 'TimeoutError' ||
    e?.cause?.name === 'TimeoutError' ||
    (code && TIMEOUT_CODES.has(code))
  ) {
    return new AppError('SWY_ERR_UPSTREAM_TIMEOUT', { cause: error });
  }
  return new AppError('SWY_ERR_UPSTREAM_UNAVAILABLE', { cause: error });
}

/** An upstream answer the gateway cannot use: any non-2xx, or a body of the wrong shape. */
export function badUpstreamResponse(service: string, status: number): AppError {
  return new AppError('SWY_ERR_UPSTREAM_BAD_RESPONSE', {
    message: `The ${service} service answered ${status}`,
  });
}

/** An upstream answer past one of the gateway's size bounds: the call was cut off there. */
export function upstreamTooLarge(
  service: string,
  limit: 'response' | 'line',
  maxBytes: number,
): AppError {
  return new AppError('SWY_ERR_UPSTREAM_BAD_RESPONSE', {
    message:
      limit === 'line'
        ? `The ${service} service sent a line longer than ${maxBytes} bytes`
        : `The ${service} service sent more than ${maxBytes} bytes`,
  });
}

/**
 * `text` as the gateway may store it: PostgreSQL text holds no NUL, and a lone surrogate would
 * be stored as U+FFFD, a changed reply. Either is the upstream's fault: a 502, nothing stored.
 */
export function storableText(service: string, text: string): string {
  if (text.includes('\u0000') || !isWellFormed(text)) {
    throw new AppError('SWY_ERR_UPSTREAM_BAD_RESPONSE', {
      message: `The ${service} service sent text that cannot be stored (a NUL or a lone surrogate)`,
    });
  }
  return text;
}

/** A reply longer than MAX_REPLY_CHARS: the gateway stores and sends nothing of it. */
export function replyTooLong(service: string, maxChars: number): AppError {
  return new AppError('SWY_ERR_UPSTREAM_BAD_RESPONSE', {
    message: `The ${service} service sent a reply longer than ${maxChars} characters`,
  });
}
