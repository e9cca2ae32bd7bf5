import { AppError, toAppError, type ErrorCodeValue } from '@switchyard/api-spec';
import { answerClientError, logError } from '@switchyard/http-kit';
import type { ErrorRequestHandler } from 'express';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { SECURITY_HEADERS } from './security-headers.js';

/** body-parser's error `type`s, in the API's terms. */
const BODY_ERRORS: Readonly<Record<string, ErrorCodeValue>> = {
  'entity.parse.failed': 'SWY_ERR_MALFORMED_JSON',
  'entity.too.large': 'SWY_ERR_BODY_TOO_LARGE',
  'charset.unsupported': 'SWY_ERR_UNSUPPORTED_MEDIA_TYPE',
  'encoding.unsupported': 'SWY_ERR_UNSUPPORTED_MEDIA_TYPE',
  // The body ended early or did not match its Content-Length: there is no JSON to read.
  'request.aborted': 'SWY_ERR_MALFORMED_JSON',
  'request.size.invalid': 'SWY_ERR_MALFORMED_JSON',
};

/** Errors Express and its middleware raise, which the domain's toAppError does not know. */
function fromExpress(error: unknown): AppError | undefined {
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  if (typeof type === 'string' && Object.hasOwn(BODY_ERRORS, type)) {
    return new AppError(BODY_ERRORS[type]!, { cause: error });
  }
  // The router could not percent-decode the path (`/v1/bots/%E0/messages`): the same answer as
  // Fastify's, whose router refuses such a path before matching any route.
  if (error instanceof URIError && status === 400) {
    return new AppError('SWY_ERR_VALIDATION', {
      details: [{ path: '', message: 'the URL path is not valid percent-encoding' }],
      cause: error,
    });
  }
  return undefined;
}

/**
 * The one place errors become responses: the envelope, its status and headers. Unknown errors
 * are logged with their stack and answered with the generic SWY_ERR_INTERNAL.
 */
// #region guide:error-handler
export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  const error = fromExpress(err) ?? toAppError(err);
  // One line per failure, its level from the shared policy (logLevelOf): the client gone is
  // info, a bug error, another 5xx warn, a 4xx debug.
  logError(req.log, err, error, res);
  // Too late for an envelope: Express's own handler ends the connection.
  if (res.headersSent) {
    next(err);
    return;
  }
  res
    .status(error.status)
    .set(error.headers ?? {})
    .json(error.toEnvelope());
};
// #endregion guide:error-handler

/**
 * The HTTP server's `clientError` listener: a request Node's parser refused (a bad header, a bad
 * Content-Length, headers over the limit, a request timeout) never reaches Express, so it is
 * answered here with the envelope and the security headers (answerClientError in
 * @switchyard/http-kit, as fastify-api's clientErrorHandler). Logged at debug, as any 4xx.
 */
export function clientErrorHandler(logger: Logger): (error: Error, socket: Duplex) => void {
  return (error, socket) =>
    answerClientError(error, socket, {
      headers: SECURITY_HEADERS,
      onAnswer: (answer) => logger.debug({ code: answer.code }, 'client error'),
    });
}
