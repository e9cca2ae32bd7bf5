/** A lone surrogate: with the `u` flag a proper pair is one code point, so only lone halves match. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Whether `text` is well-formed UTF-16: no lone surrogate, so it encodes to UTF-8 unchanged.
 * (`String.prototype.isWellFormed` from Node 20, without raising the TypeScript lib.)
 */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** JSON pointers (RFC 6901) of the strings in `value`, keys or values, that are not well-formed. */
export function illFormedPaths(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return isWellFormed(value) ? [] : [path];
  if (value === null || typeof value !== 'object') return [];
  const found: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!isWellFormed(key)) found.push(at);
    found.push(...illFormedPaths(item, at));
  }
  return found;
}
