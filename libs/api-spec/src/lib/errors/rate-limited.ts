import { AppError } from './app-error.js';

/**
 * The 429 both apps answer past a rate limit: SWY_ERR_RATE_LIMITED with `Retry-After` in whole
 * seconds, at least 1, whichever limiter counted (docs/api-behaviour.md, step 2).
 */
export function rateLimited(msUntilReset: number): AppError {
  const seconds = Math.max(1, Math.ceil(msUntilReset / 1000));
  return new AppError('SWY_ERR_RATE_LIMITED', { headers: { 'Retry-After': String(seconds) } });
}
