import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, allowedMethods, toAppError, type ErrorCodeValue } from '@switchyard/api-spec';
import { FORWARDED_RESPONSE_HEADERS, decodeUnreserved } from '@switchyard/http-kit';
import { upstreamFailure } from '@switchyard/domain';

/** Fastify's own request errors, as the API's codes (docs/errors.md). */
const FASTIFY_CODES: Readonly<Record<string, ErrorCodeValue>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'SWY_ERR_MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'SWY_ERR_MALFORMED_JSON',
  // Unreachable with the validation plugin's parser (an empty body is `undefined` there).
  FST_ERR_CTP_EMPTY_JSON_BODY: 'SWY_ERR_VALIDATION',
  FST_ERR_CTP_BODY_TOO_LARGE: 'SWY_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'SWY_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_VALIDATION: 'SWY_ERR_VALIDATION',
  FST_ERR_NOT_FOUND: 'SWY_ERR_NOT_FOUND',
};

/** Any other client error Fastify raises, by status. */
const BY_STATUS: Readonly<Record<number, ErrorCodeValue>> = {
  404: 'SWY_ERR_NOT_FOUND',
  413: 'SWY_ERR_BODY_TOO_LARGE',
  415: 'SWY_ERR_UNSUPPORTED_MEDIA_TYPE',
};

interface CodedError {
  readonly code?: unknown;
  readonly name?: unknown;
  readonly statusCode?: unknown;
}

/**
 * Whatever reached the error handler, as the AppError the client sees. Fastify's codes map to
 * ours; undici's (a proxied body that stalls or breaks before its first byte) are upstream
 * failures; the rest goes through the domain's toAppError (unknown → SWY_ERR_INTERNAL).
 */
export function toHttpError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const { code, name, statusCode } = (error ?? {}) as CodedError;
  if (typeof code === 'string') {
    const mapped = FASTIFY_CODES[code];
    if (mapped) return new AppError(mapped, { cause: error });
    if (code.startsWith('UND_ERR_')) return upstreamFailure(error);
  }
  if (name === 'TimeoutError') return upstreamFailure(error);
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return new AppError(BY_STATUS[statusCode] ?? 'SWY_ERR_VALIDATION', { cause: error });
  }
  return toAppError(error);
}

/**
 * A path that is not valid percent-encoding (FST_ERR_BAD_URL): the router cannot decode it, so
 * no hook has run. Below the proxy it is what proxyTarget() answers for a path it cannot decode.
 */
export function badUrl(request: FastifyRequest): AppError {
  const proxied = /^\/v1\/proxy\/[^/?]+\//.test(request.url);
  return new AppError('SWY_ERR_VALIDATION', {
    details: [
      proxied
        ? { path: '/params/*', message: 'is not a valid path below the service' }
        : { path: '', message: 'the URL path is not valid percent-encoding' },
    ],
  });
}

/** No route for this method and path: 405 with `Allow` when the path exists, else 404. */
export function routeNotFound(request: FastifyRequest): AppError {
  // The router matched /v1/%62ots as /v1/bots; so does Allow.
  const url = decodeUnreserved(request.url);
  const query = url.indexOf('?');
  const pathname = query === -1 ? url : url.slice(0, query);
  const allow = allowedMethods(pathname);
  return allow && !allow.split(', ').includes(request.method)
    ? new AppError('SWY_ERR_METHOD_NOT_ALLOWED', { headers: { allow } })
    : new AppError('SWY_ERR_NOT_FOUND');
}

/** The envelope with the error's status and headers, as JSON whatever a handler had set. */
export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  // A proxied response may have set these before its body failed.
  for (const name of FORWARDED_RESPONSE_HEADERS) reply.removeHeader(name);
  if (error.headers) reply.headers(error.headers);
  return reply.code(error.status).type('application/json; charset=utf-8').send(error.toEnvelope());
}
