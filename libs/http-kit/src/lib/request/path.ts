/** RFC 3986 §2.3: ALPHA, DIGIT, "-", ".", "_", "~". */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * The request target with every percent-encoded unreserved character in its path decoded
 * (`/v1/%62ots` → `/v1/bots`); the query is left as it is. RFC 3986 §2.3 and §6.2.2.2 make the
 * two forms the same URI, and Fastify's router (find-my-way) matches them alike; Express's
 * matches the raw path, so express-api routes on this form. Any other escape stays (`%2F` is a
 * slash inside a segment, not a separator).
 */
export function decodeUnreserved(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (!path.includes('%')) return url;
  const decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape;
  });
  return query === -1 ? decoded : decoded + url.slice(query);
}
