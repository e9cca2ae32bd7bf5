export { errorCatalog, ErrorCode } from './error-codes.js';
export type { ErrorCode as ErrorCodeValue } from './error-codes.js';
export { AppError, envelope, isAppError } from './app-error.js';
export type { AppErrorOptions, ErrorDetail, ErrorEnvelope } from './app-error.js';
export { isDatabaseDown, toAppError } from './to-app-error.js';
export { rateLimited } from './rate-limited.js';
