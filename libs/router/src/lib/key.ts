import { RouterError, RouterErrorCode } from './errors.js';

// What one URL path segment carries without escaping: letters, digits, and - _ . inside. A key is
// looked up from a path parameter such as `/v1/bots/:botId`, so it is exactly one segment.
const KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;

/** Whether `key` can be registered: 1-64 letters, digits, `.`, `_` or `-`, alphanumeric at both ends. */
export function isValidKey(key: string): boolean {
  // Plain JavaScript callers can pass anything.
  return typeof key === 'string' && KEY.test(key);
}

/** Guards a key about to be stored; throws SWY_ERR_ROUTER_INVALID_KEY when it is malformed. */
export function checkKey(key: string): string {
  if (!isValidKey(key)) {
    throw new RouterError(
      RouterErrorCode.INVALID_KEY,
      `invalid key ${JSON.stringify(key)}: use 1-64 letters, digits, '.', '_' or '-', starting and ending with a letter or digit`,
      typeof key === 'string' ? key : undefined,
    );
  }
  return key;
}
