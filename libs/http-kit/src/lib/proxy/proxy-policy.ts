import { AppError } from '@switchyard/api-spec';
import type { ProxyService } from '@switchyard/runtime';

/** What a service allows when its entry names no `methods`: reading, nothing else. */
export const DEFAULT_PROXY_METHODS: readonly string[] = ['GET', 'HEAD'];

/**
 * 405 SWY_ERR_METHOD_NOT_ALLOWED, with the service's own methods in Allow, for a method the
 * service's `methods` does not list. Checked before anything is forwarded.
 */
export function checkProxyMethod(service: ProxyService, method: string): void {
  const allowed = service.methods ?? DEFAULT_PROXY_METHODS;
  if (allowed.includes(method.toUpperCase())) return;
  throw new AppError('SWY_ERR_METHOD_NOT_ALLOWED', { headers: { Allow: allowed.join(', ') } });
}

/**
 * The path below the service as the upstream will route it: percent-encodings undone except
 * `%2F` (an encoded slash is not a segment boundary to every server, so it must not be one here)
 * and a leading `/`. `rest` has passed proxyTarget's checks (no `..`, no backslash, no control
 * characters, valid encoding), so decoding cannot throw or climb.
 */
export function normalizedProxyPath(rest: string): string {
  return `/${rest
    .split(/%2f/i)
    .map((piece) => decodeURIComponent(piece))
    .join('%2F')}`;
}

/** `/get` matches `/get` and `/get/…`; `/anything/` what is below it; `/` everything. */
export function pathAllowed(prefixes: readonly string[], path: string): boolean {
  return prefixes.some((prefix) =>
    prefix.endsWith('/')
      ? path.startsWith(prefix)
      : path === prefix || path.startsWith(`${prefix}/`),
  );
}

/**
 * 403 SWY_ERR_PROXY_PATH_NOT_ALLOWED for a path outside the service's `paths`, matched on the
 * path the proxy would forward (normalizedProxyPath), whole segments only.
 */
export function checkProxyPath(service: ProxyService, rest: string): void {
  if (pathAllowed(service.paths, normalizedProxyPath(rest))) return;
  throw new AppError('SWY_ERR_PROXY_PATH_NOT_ALLOWED');
}
