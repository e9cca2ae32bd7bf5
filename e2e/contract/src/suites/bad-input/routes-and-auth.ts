import { fresh, PASSWORD, UNKNOWN_ID, type HttpCase, type BadInputCase } from './case.js';

/** Unknown routes and methods, accounts and credentials, bearer tokens, the proxy. */
export const routeAndAuthCases: readonly BadInputCase[] = [
  // ── Unknown routes and methods ──────────────────────────────────────────────────────────
  ...(
    [
      ['GET', '/nope'],
      ['GET', '/v1/accounts/me'],
      ['GET', '/v1/bots/echo'],
      ['DELETE', '/v1'],
      ['GET', '/v1/proxy'],
    ] as const
  ).map(([method, path]): HttpCase => ({
    name: `${method} ${path} is 404 SWY_ERR_NOT_FOUND`,
    method,
    path,
    status: 404,
    code: 'SWY_ERR_NOT_FOUND',
  })),
  {
    // "auth applies to registered routes only, never to a path prefix"
    name: 'GET /v1/nope with a garbage token is 404, not 401',
    method: 'GET',
    path: '/v1/nope',
    headers: { Authorization: 'Bearer garbage' },
    status: 404,
    code: 'SWY_ERR_NOT_FOUND',
  },
  ...(
    [
      ['PUT', '/v1/accounts', 'POST'],
      ['OPTIONS', '/v1/accounts', 'POST'],
      ['GET', '/v1/sessions', 'POST, DELETE'],
      ['GET', '/v1/sessions/current', 'DELETE'],
      ['POST', '/v1/sessions/current', 'DELETE'],
      ['POST', '/v1/bots', 'GET, HEAD'],
      ['GET', '/v1/bots/echo/messages', 'POST'],
      ['POST', '/v1/bots/echo/stream', 'GET, HEAD'],
      ['DELETE', `/v1/conversations/${UNKNOWN_ID}/messages`, 'GET, HEAD'],
      ['POST', '/v1/proxy/httpbin/get', 'GET, HEAD'],
      ['PATCH', '/health', 'GET, HEAD'],
    ] as const
  ).map(([method, path, allow]): HttpCase => ({
    name: `${method} ${path} is 405 with Allow: ${allow}`,
    method,
    path,
    status: 405,
    code: 'SWY_ERR_METHOD_NOT_ALLOWED',
    allow,
  })),
  {
    // Step 1 runs before auth: "This holds with or without a token".
    name: 'PATCH /v1/conversations with a garbage token is 405, not 401',
    method: 'PATCH',
    path: '/v1/conversations',
    headers: { Authorization: 'Bearer garbage' },
    status: 405,
    code: 'SWY_ERR_METHOD_NOT_ALLOWED',
    allow: 'GET, HEAD',
  },

  // ── Accounts and credentials ────────────────────────────────────────────────────────────
  ...(
    [
      ['the same case', (u: string) => u],
      ['upper case', (u: string) => u.toUpperCase()],
      ['mixed case', (u: string) => u.charAt(0).toUpperCase() + u.slice(1)],
    ] as const
  ).map(([what, spell]): HttpCase => ({
    name: `POST /v1/accounts with a taken username in ${what} is 409`,
    method: 'POST',
    path: '/v1/accounts',
    body: (c) => ({ username: spell(c.alice.username), password: 'another password' }),
    route: 'createAccount',
    status: 409,
    code: 'SWY_ERR_USERNAME_TAKEN',
  })),
  {
    name: 'POST /v1/sessions with a wrong password is 401 SWY_ERR_AUTH_INVALID_CREDENTIALS',
    method: 'POST',
    path: '/v1/sessions',
    body: (c) => ({ username: c.alice.username, password: 'wrong password' }),
    route: 'createSession',
    status: 401,
    code: 'SWY_ERR_AUTH_INVALID_CREDENTIALS',
  },
  {
    name: 'POST /v1/sessions with an unknown username is the same 401',
    method: 'POST',
    path: '/v1/sessions',
    body: () => ({ username: fresh(), password: PASSWORD }),
    route: 'createSession',
    status: 401,
    code: 'SWY_ERR_AUTH_INVALID_CREDENTIALS',
  },

  // ── Bearer tokens ───────────────────────────────────────────────────────────────────────
  ...(
    [
      ['no Authorization header', undefined],
      ['a garbage token', 'Bearer !!garbage!!'],
      ['a well-formed unknown token', `Bearer ${'x'.repeat(43)}`],
      ['an empty bearer', 'Bearer '],
      ['the Basic scheme', 'Basic dXNlcjpwYXNzd29yZA=='],
      ['an over-long token', `Bearer ${'y'.repeat(4000)}`],
    ] as const
  ).map(([what, authorization]): HttpCase => ({
    name: `GET /v1/bots with ${what} is 401 SWY_ERR_AUTH_REQUIRED`,
    method: 'GET',
    path: '/v1/bots',
    ...(authorization === undefined ? {} : { headers: { Authorization: authorization } }),
    route: 'listBots',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  })),
  {
    name: 'GET /v1/bots with a valid token but no Bearer scheme is 401',
    method: 'GET',
    path: '/v1/bots',
    headers: (c) => ({ Authorization: c.alice.token }),
    route: 'listBots',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },
  {
    name: 'GET /v1/conversations with a logged-out token is 401',
    method: 'GET',
    path: '/v1/conversations',
    as: 'loggedOut',
    route: 'listConversations',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },
  {
    name: 'DELETE /v1/sessions/current with a logged-out token is 401',
    method: 'DELETE',
    path: '/v1/sessions/current',
    as: 'loggedOut',
    route: 'deleteSession',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },

  // ── The proxy ───────────────────────────────────────────────────────────────────────────
  ...['elsewhere', 'HTTPBIN'].map((service): HttpCase => ({
    name: `GET /v1/proxy/${service}/get (not configured) is 404`,
    method: 'GET',
    path: `/v1/proxy/${service}/get`,
    as: 'alice',
    route: 'proxy',
    status: 404,
    code: 'SWY_ERR_PROXY_SERVICE_NOT_FOUND',
  })),
  {
    name: 'GET /v1/proxy/elsewhere/get without a token is 401 (auth first)',
    method: 'GET',
    path: '/v1/proxy/elsewhere/get',
    route: 'proxy',
    status: 401,
    code: 'SWY_ERR_AUTH_REQUIRED',
  },
];
