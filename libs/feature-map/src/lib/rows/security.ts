import type { Feature } from '../feature.js';

/** Headers, origins, cookies, sessions, logins, limits. */
export const security: readonly Feature[] = [
  {
    id: 'cors',
    express: '`cors`',
    packages: ['cors'],
    apis: [],
    fastify: '`@fastify/cors`',
    fastifyPackages: ['@fastify/cors'],
    gotcha:
      'Its default methods are GET, HEAD and POST, where `cors` allows PUT, PATCH and DELETE too: pass `methods`, or a DELETE from a browser fails its preflight after the move.',
    recipe: 'security.md#cors',
    test: 'e2e/recipes/test/cors.test.ts',
  },
  {
    id: 'helmet',
    express: '`helmet`',
    packages: ['helmet'],
    apis: [],
    fastify: '`@fastify/helmet`',
    fastifyPackages: ['@fastify/helmet'],
    gotcha:
      'The plugin wraps helmet itself, so the default headers are the same, header by header; a route changes them with its `helmet` route option, and `enableCSPNonces` nonces style-src as well as script-src.',
    recipe: 'security.md#helmet',
    test: 'e2e/recipes/test/helmet.test.ts',
  },
  {
    id: 'cookie-parser',
    express: '`cookie-parser`',
    packages: ['cookie-parser'],
    apis: ['req.cookies', 'req.signedCookies', 'res.cookie', 'res.clearCookie'],
    fastify: '`@fastify/cookie`',
    fastifyPackages: ['@fastify/cookie'],
    gotcha:
      "Both sign with the same HMAC, but cookie-parser writes `s:` before the value and Fastify does not, so neither verifies the other's cookie as it comes; and `reply.setCookie` sets no Path unless you give one, where `res.cookie` sets `Path=/`.",
    recipe: 'security.md#cookie-parser',
    test: 'e2e/recipes/test/cookie-parser.test.ts',
  },
  {
    id: 'express-session',
    express: '`express-session`',
    packages: ['express-session', 'connect-redis'],
    apis: ['req.session'],
    fastify: '`@fastify/session` with `@fastify/cookie`',
    fastifyPackages: ['@fastify/session', '@fastify/cookie'],
    gotcha:
      "The plugin takes express-session stores such as `connect-redis` as they are, and with `cookieName: 'connect.sid'` and `cookiePrefix: 's:'` both apps share one session; its cookie defaults to `secure: true`, so over plain HTTP it sets no cookie at all.",
    recipe: 'security.md#express-session',
    test: 'e2e/recipes/test/express-session.test.ts',
  },
  {
    id: 'passport',
    express: '`passport`',
    packages: ['passport', 'passport-local'],
    apis: ['req.user', 'req.login', 'req.logout', 'req.isAuthenticated'],
    fastify: '`@fastify/passport` with `@fastify/session`',
    fastifyPackages: ['@fastify/passport', '@fastify/session', '@fastify/cookie'],
    gotcha:
      "The passport strategies work unchanged, but on an `Authenticator` instance with `initialize()` and `secureSession()` registered after a session plugin; `authenticate()` goes in a route's `preValidation`, and `req.logout(callback)` becomes `await request.logOut()`.",
    recipe: 'security.md#passport',
    test: 'e2e/recipes/test/passport.test.ts',
  },
  {
    id: 'rate-limit',
    express: '`express-rate-limit`',
    packages: ['express-rate-limit'],
    apis: [],
    fastify: '`@fastify/rate-limit`',
    fastifyPackages: ['@fastify/rate-limit'],
    gotcha:
      'Both send `X-RateLimit-*` by default, but `X-RateLimit-Reset` is a Unix time from Express and seconds left from Fastify, and the 429 body is text against JSON; behind a proxy give Fastify `trustProxy` an address, since Fastify 5 ignores a hop count such as `1`.',
    recipe: 'security.md#rate-limit',
    test: 'e2e/recipes/test/rate-limit.test.ts',
  },
  {
    id: 'csrf',
    express: '`csurf` (deprecated) or `lusca.csrf`',
    packages: ['csurf', 'lusca'],
    apis: ['req.csrfToken'],
    fastify: '`@fastify/csrf-protection` with `@fastify/cookie`',
    fastifyPackages: ['@fastify/csrf-protection', '@fastify/cookie'],
    gotcha:
      'The check is a hook you add per route (`onRequest: app.csrfProtection`), not middleware over every POST; in `onRequest` the body is not parsed yet, so send the token in a header such as `X-CSRF-Token`, not a `_csrf` field.',
    recipe: 'security.md#csrf',
    test: 'e2e/recipes/test/csrf.test.ts',
  },
  {
    id: 'basic-auth',
    express: '`express-basic-auth`',
    packages: ['express-basic-auth'],
    apis: [],
    fastify: '`@fastify/basic-auth`',
    fastifyPackages: ['@fastify/basic-auth'],
    gotcha:
      "You write `validate` yourself (no `users` map, so compare in constant time) and put `app.basicAuth` on the routes as a hook; a thrown error's message goes into the 401 JSON body, and neither side sends `WWW-Authenticate` unless you ask (`challenge` / `authenticate`).",
    recipe: 'security.md#basic-auth',
    test: 'e2e/recipes/test/basic-auth.test.ts',
  },
  {
    id: 'jwt',
    express: '`express-jwt` / `jsonwebtoken`',
    packages: ['express-jwt', 'jsonwebtoken'],
    apis: ['req.auth'],
    fastify: '`@fastify/jwt`',
    fastifyPackages: ['@fastify/jwt'],
    gotcha:
      'Tokens with one HS256 secret pass both ways, but the claims land on `request.user`, not `req.auth`; pin `verify.algorithms` (the plugin takes an HS512 token otherwise), and map the error it then throws for another algorithm to 401, or it answers 500.',
    recipe: 'security.md#jwt',
    test: 'e2e/recipes/test/jwt.test.ts',
  },
];
