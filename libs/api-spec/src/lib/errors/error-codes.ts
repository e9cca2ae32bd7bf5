/**
 * Every error code the API answers with, its HTTP status and default message. The two apps
 * map errors through this one table, so a code means the same status everywhere. Codes are
 * stable: never reuse a retired one. Each has a row in docs/errors.md (a test checks it).
 */
export const errorCatalog = {
  SWY_ERR_VALIDATION: { status: 400, message: 'The request is not valid' },
  SWY_ERR_MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON' },
  SWY_ERR_INVALID_CURSOR: { status: 400, message: 'The cursor is not valid' },
  SWY_ERR_AUTH_REQUIRED: { status: 401, message: 'A valid bearer token is required' },
  SWY_ERR_AUTH_INVALID_CREDENTIALS: { status: 401, message: 'Wrong username or password' },
  SWY_ERR_NOT_FOUND: { status: 404, message: 'No such route' },
  SWY_ERR_BOT_NOT_FOUND: { status: 404, message: 'No such bot' },
  SWY_ERR_CONVERSATION_NOT_FOUND: { status: 404, message: 'No such conversation' },
  SWY_ERR_PROXY_SERVICE_NOT_FOUND: { status: 404, message: 'No such upstream service' },
  SWY_ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  SWY_ERR_USERNAME_TAKEN: { status: 409, message: 'That username is taken' },
  SWY_ERR_CONVERSATION_BOT_MISMATCH: {
    status: 409,
    message: 'The conversation belongs to another bot',
  },
  SWY_ERR_REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time' },
  SWY_ERR_BODY_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  SWY_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the body as application/json' },
  SWY_ERR_RATE_LIMITED: { status: 429, message: 'Too many requests, retry later' },
  SWY_ERR_INTERNAL: { status: 500, message: 'Internal server error' },
  SWY_ERR_UPSTREAM_UNAVAILABLE: { status: 502, message: 'The upstream service is unavailable' },
  SWY_ERR_UPSTREAM_BAD_RESPONSE: {
    status: 502,
    message: 'The upstream service sent a response that could not be used',
  },
  SWY_ERR_DATABASE_UNAVAILABLE: { status: 503, message: 'The database is unavailable' },
  SWY_ERR_NOT_READY: { status: 503, message: 'The service is not ready' },
  SWY_ERR_UPSTREAM_TIMEOUT: { status: 504, message: 'The upstream service timed out' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;

/** `ErrorCode.BOT_NOT_FOUND === 'SWY_ERR_BOT_NOT_FOUND'`: the key is the code without prefix. */
export const ErrorCode = Object.fromEntries(
  Object.keys(errorCatalog).map((code) => [code.replace(/^SWY_ERR_/, ''), code]),
) as { readonly [K in ErrorCode as K extends `SWY_ERR_${infer S}` ? S : never]: K };
