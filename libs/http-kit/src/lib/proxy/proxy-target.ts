import type { ProxyService } from '@switchyard/runtime';

/**
 * The end-to-end request headers a client may send on to a service (RFC 9110 content
 * negotiation, conditional and range requests, and the user agent). Everything else stays
 * behind: the gateway's own credentials (Authorization, Cookie), hop-by-hop headers, and
 * whatever an upstream might trust, such as `X-Real-IP`, `True-Client-IP`, `X-Original-URL`,
 * `X-Rewrite-URL`, `Via` or any other `x-*`. An allow-list, so that a header nobody thought of
 * stays behind too.
 */
export const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'range',
  'user-agent',
] as const;

const FORWARDED_REQUEST = new Set<string>(FORWARDED_REQUEST_HEADERS);

/**
 * `X-Forwarded-For` and `Forwarded` (RFC 7239) for the client at `address`, set by the gateway
 * and never taken from the client: an IPv6 address is bracketed and quoted (RFC 7239 §6), an
 * unknown one is `unknown`.
 */
export function forwardedFor(address: string | undefined): Record<string, string> {
  if (!address) return { 'x-forwarded-for': 'unknown', forwarded: 'for=unknown' };
  const node = address.includes(':') ? `"[${address}]"` : address;
  return { 'x-forwarded-for': address, forwarded: `for=${node}` };
}

/**
 * Response headers the gateway passes back from the upstream service, the same in every app.
 * The body goes back as the upstream sent it, so its Content-Encoding and Content-Length still
 * describe it: a gzip body stays gzip (no app inflates it), and the length is the upstream's.
 */
export const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'cache-control',
  'etag',
  'last-modified',
  'content-language',
  'content-encoding',
  // Range requests are forwarded (FORWARDED_REQUEST_HEADERS), so a 206 needs its range back;
  // Vary, because Accept-Encoding is forwarded and the encoding passed back.
  'content-range',
  'accept-ranges',
  'vary',
] as const;

export interface ProxyTarget {
  readonly url: URL;
  readonly headers: Record<string, string>;
}

/**
 * Builds the outgoing request for `GET /v1/proxy/:service/<rest>?<query>`. The origin always
 * comes from the configured service: the client only supplies a path below the service's base
 * path, and a path that would leave it (`..`, encoded or not, backslashes, `//host`) is refused
 * with undefined. Only FORWARDED_REQUEST_HEADERS pass; the gateway sets X-Forwarded-For and
 * Forwarded from `clientAddress`; the service's configured headers (its credentials) are added
 * last, so a client cannot choose them.
 */
export function proxyTarget(
  service: ProxyService,
  rest: string,
  search: string,
  incoming: Readonly<Record<string, string | string[] | undefined>>,
  clientAddress?: string,
): ProxyTarget | undefined {
  const base = new URL(service.url);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  // Refuse anything that could climb out of the base path or be read as another host.
  if (/(^|[/\\])\.\.?([/\\]|$)/.test(decoded) || decoded.includes('\\') || rest.startsWith('/')) {
    return undefined;
  }
  // Control characters (CR/LF, NUL) in a path are header or request-line injection attempts.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return undefined;
  const basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  const url = new URL(base.origin);
  url.pathname = basePath + rest;
  url.search = search;
  if (url.origin !== base.origin || !url.pathname.startsWith(basePath)) return undefined;

  // Connection may nominate an end-to-end name as hop-by-hop (RFC 9110 §7.6.1): it stays too.
  const connection = incoming['connection'];
  const nominated = new Set(
    (Array.isArray(connection) ? connection.join(',') : (connection ?? ''))
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    const key = name.toLowerCase();
    if (value === undefined || !FORWARDED_REQUEST.has(key) || nominated.has(key)) continue;
    headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  Object.assign(headers, forwardedFor(clientAddress));
  for (const [name, value] of Object.entries(service.headers ?? {}))
    headers[name.toLowerCase()] = value;
  return { url, headers };
}
