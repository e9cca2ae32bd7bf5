import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, type ErrorCode } from '@switchyard/api-spec';

/**
 * The headers a connect-style middleware (helmet) sets, as a fixed list: a response written
 * straight to the socket has no request for the middleware to run on, so each app runs its
 * security headers' middleware once, against a stand-in response.
 */
export function headersOf(
  middleware: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void,
): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  middleware({ headers: {} } as IncomingMessage, res as unknown as ServerResponse, () => {});
  return headers;
}

/** What Node's parser (or its request timeout) reports, as the API's codes. */
const PARSER_CODES: Readonly<Record<string, ErrorCode>> = {
  HPE_HEADER_OVERFLOW: 'SWY_ERR_HEADERS_TOO_LARGE',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'SWY_ERR_BODY_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'SWY_ERR_REQUEST_TIMEOUT',
};

/** The AppError for a `clientError`: by its code, else 400 SWY_ERR_MALFORMED_REQUEST. */
export function clientErrorOf(error: Error & { code?: string }): AppError {
  const code =
    (error.code !== undefined && PARSER_CODES[error.code]) || 'SWY_ERR_MALFORMED_REQUEST';
  return new AppError(code, { cause: error });
}

interface ClientErrorOptions {
  /** The app's security headers (headersOf its helmet), sent with the answer. */
  readonly headers: Readonly<Record<string, string>>;
  /** Called with the answer once it is written (each app logs it at the 4xx level, debug). */
  readonly onAnswer?: (error: AppError) => void;
}

/**
 * Node's `clientError` (Fastify's `clientErrorHandler`): the request could not be parsed, so no
 * framework saw it. Answers with the envelope, the security headers, a new `x-request-id` and
 * `Connection: close`, then closes the connection, whenever nothing of a response has gone out
 * on it yet; otherwise (a reset, a response half sent) it only closes it. Node's own handler
 * writes a bare status line, and only on a connection that never sent a byte.
 */
export function answerClientError(
  error: Error & { code?: string },
  socket: Duplex,
  options: ClientErrorOptions,
): void {
  // The response being written on this connection, if any (Node's own field).
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const answer = clientErrorOf(error);
  const body = JSON.stringify(answer.toEnvelope());
  const head = [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`,
    ...Object.entries(options.headers).map(([name, value]) => `${name}: ${value}`),
    `x-request-id: ${randomUUID()}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
  options.onAnswer?.(answer);
}
