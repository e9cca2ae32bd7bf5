import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/** Helmet's headers on every response; the WebSocket refusals take them too (routes/stream.ts). */
export const securityHeaders = helmet({
  contentSecurityPolicy: {
    // Helmet's defaults already let Swagger UI run at /docs (its scripts are files under
    // 'self', its inline styles are allowed). Upgrading to https would break it over the
    // plain HTTP this gateway serves; TLS ends in front of it.
    directives: { upgradeInsecureRequests: null },
  },
});

/**
 * The headers helmet would set on a response to `req`, for an answer written to a raw socket
 * (an upgrade refusal), where there is no ServerResponse for helmet to set them on.
 */
export function securityHeadersFor(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name] = String(value);
      return collector;
    },
    removeHeader(name: string) {
      delete headers[name];
    },
    getHeader: (name: string) => headers[name],
  };
  securityHeaders(req, collector as unknown as ServerResponse, () => undefined);
  return headers;
}
