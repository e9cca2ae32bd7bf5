import type { ProxyService } from '@switchyard/runtime';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and what must never leave the gateway. */
const NEVER_FORWARD = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'authorization',
  'cookie',
  'content-length',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);

/** Response headers the gateway passes back from the upstream service. */
export const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'cache-control',
  'etag',
  'last-modified',
  'content-language',
  'content-encoding',
] as const;

export interface ProxyTarget {
  readonly url: URL;
  readonly headers: Record<string, string>;
}

/**
 * Builds the outgoing request for `GET /v1/proxy/:service/<rest>?<query>`. The origin always
 * comes from the configured service: the client only supplies a path below the service's base
 * path, and a path that would leave it (`..`, encoded or not, backslashes, `//host`) is refused
 * with undefined. The client's Authorization, cookies and hop-by-hop headers stay behind; the
 * service's configured headers (its credentials) are added.
 */
export function proxyTarget(
  service: ProxyService,
  rest: string,
  search: string,
  incoming: Readonly<Record<string, string | string[] | undefined>>,
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

  // Headers the client names in Connection are hop-by-hop too (RFC 9110 §7.6.1).
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
    if (value === undefined || NEVER_FORWARD.has(key) || nominated.has(key)) continue;
    if (key.startsWith('sec-websocket')) continue;
    headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  for (const [name, value] of Object.entries(service.headers ?? {}))
    headers[name.toLowerCase()] = value;
  return { url, headers };
}
