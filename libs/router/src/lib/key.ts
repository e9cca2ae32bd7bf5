import { RouterError, RouterErrorCode } from './errors.js';

/** A key is one part (`'faq'`) or a list of parts (`['support', 'faq']`). */
export type Key = string | readonly string[];

/** Parts joined by the router: `['support', 'faq']` is stored as `support/faq`. */
export const SEPARATOR = '/';

// Letters, digits, and - _ . inside; no separator, no spaces, nothing a URL would need to escape.
const PART = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;

export function isValidPart(part: string): boolean {
  return PART.test(part);
}

function partsOf(key: Key): readonly string[] {
  if (typeof key === 'string') return key.split(SEPARATOR);
  // Plain JavaScript callers can pass anything; a non-array is a key with no valid parts.
  return Array.isArray(key) ? key : [];
}

/** Joins a key for storage; throws SWY_ERR_ROUTER_INVALID_KEY when any part is malformed. */
export function joinKey(key: Key): string {
  const parts = partsOf(key);
  if (parts.length === 0) {
    throw new RouterError(RouterErrorCode.INVALID_KEY, 'a key needs at least one part');
  }
  for (const part of parts) {
    if (typeof part !== 'string' || !isValidPart(part)) {
      throw new RouterError(
        RouterErrorCode.INVALID_KEY,
        `invalid key part ${JSON.stringify(part)} in ${JSON.stringify(key)}: use 1-64 letters, digits, '.', '_' or '-', starting and ending with a letter or digit`,
        Array.isArray(parts) ? parts.join(SEPARATOR) : String(key),
      );
    }
  }
  return parts.join(SEPARATOR);
}

/** Joins a key for lookup; a malformed key cannot be registered, so it is simply absent. */
export function lookupKey(key: Key): string | undefined {
  const parts = partsOf(key);
  if (parts.length === 0) return undefined;
  for (const part of parts) if (typeof part !== 'string' || !isValidPart(part)) return undefined;
  return parts.join(SEPARATOR);
}
