// What the shadow's log lines may show of a request or a response: a diff quotes values from
// both answers, and an answer can carry a token (a session token in a body, a bearer header
// echoed back). The log's own redaction (LOG_REDACT_PATHS) covers fixed paths only, so the
// shadow redacts every value it logs, by the key it is under and by its look.

export const REDACTED = '[redacted]';

/** Keys whose values are secrets wherever they appear, in a body, a header or a query. */
const SECRET_KEY =
  /token|secret|passw(or)?d|authori[sz]ation|cookie|api[-_]?key|credential|session|signature/i;

/** A run of URL-safe or base64 characters long enough to be a token (ours are 43). */
const TOKEN_RUN = /(Bearer\s+)?[A-Za-z0-9_\-+/]{32,}={0,2}/gi;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BEARER = /\bBearer\s+\S+/gi;

/** Longest string a log line quotes whole; the rest is cut and its length given. */
const MAX_STRING = 120;
/** A value (object or array) longer than this once rendered is summarised instead. */
const MAX_RENDERED = 400;

export function isSecretKey(key: string | number): boolean {
  return typeof key === 'string' && SECRET_KEY.test(key);
}

/** A string with every bearer credential and token-like run replaced; UUIDs (ids) are kept. */
export function redactText(text: string): string {
  const cut = text
    .replace(BEARER, REDACTED)
    .replace(TOKEN_RUN, (run) => (UUID.test(run) ? run : REDACTED));
  return cut.length > MAX_STRING ? `${cut.slice(0, MAX_STRING)}… (${cut.length} chars)` : cut;
}

/** A value as a log line may show it: secrets out, long strings cut, big subtrees summarised. */
export function redactValue(value: unknown, key?: string | number): unknown {
  if (key !== undefined && isSecretKey(key) && value !== undefined && value !== null) {
    return REDACTED;
  }
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  const redacted = Array.isArray(value)
    ? value.map((item, index) => redactValue(item, index))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k)]));
  const rendered = JSON.stringify(redacted);
  if (rendered.length <= MAX_RENDERED) return redacted;
  return Array.isArray(value)
    ? `[array of ${value.length}]`
    : `[object with ${Object.keys(value).length} keys]`;
}

/** The request target as logged: the path's token-like segments and secret query values out. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = redactText(q === -1 ? url : url.slice(0, q));
  if (q === -1) return path;
  const params = new URLSearchParams(url.slice(q + 1));
  const shown = [...params].map(([key, value]) =>
    [key, isSecretKey(key) ? REDACTED : redactText(value)].map(encodeURIComponent).join('='),
  );
  return `${path}?${shown.join('&')}`;
}
