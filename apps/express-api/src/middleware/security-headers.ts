import { headersOf } from '@switchyard/http-kit';
import helmet from 'helmet';

/** Helmet's headers on every response Express writes. */
export const securityHeaders = helmet({
  contentSecurityPolicy: {
    // Helmet's defaults already let Swagger UI run at /docs (its scripts are files under
    // 'self', its inline styles are allowed). Upgrading to https would break it over the
    // plain HTTP this gateway serves; TLS ends in front of it.
    directives: { upgradeInsecureRequests: null },
  },
});

/** The same headers as a fixed list, for the answers written straight to the socket. */
export const SECURITY_HEADERS = headersOf(securityHeaders);
