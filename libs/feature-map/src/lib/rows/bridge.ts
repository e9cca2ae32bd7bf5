import type { Feature } from '../feature.js';

/** What an Express app keeps while a bridge serves part of it from Fastify (@fastify/express). */
export const bridge: readonly Feature[] = [
  {
    id: 'bridge-path-guards',
    express: "A path-scoped guard, `app.use('/admin', guard)`, kept during the bridge",
    packages: ['@fastify/express', '@fastify/middie'],
    apis: ['app.use'],
    fastify:
      'An `onRequest` hook on the routes themselves (or the guard through `@fastify/express` or `@fastify/middie`)',
    fastifyPackages: ['@fastify/express', '@fastify/middie'],
    gotcha:
      'Nine advisories of 2026 let a spelling of the path that Fastify serves (`/%61dmin`, `//admin`, `/admin;x`, `/x/../admin` to `@fastify/static`) skip the guard: take `@fastify/express` 4.0.5, `@fastify/middie` 9.3.2 and `@fastify/static` 10.1.3 or later, and check the path the router matched, never the raw URL.',
    recipe: 'bridge.md#path-bypass',
    test: 'e2e/recipes/test/bridge-path-bypass.test.ts',
  },
  {
    id: 'bridge-express-hook',
    express: 'A global `express.json()` in front of the bridge',
    packages: ['@fastify/express'],
    apis: ['express.json'],
    fastify:
      "`@fastify/express` with `expressHook: 'preHandler'`, or per-route parsers on the Express side",
    fastifyPackages: ['@fastify/express'],
    gotcha:
      "Under the default `onRequest` hook it hangs every POST to a Fastify route. With `preHandler` Fastify parses first: Express sees `req.body`, but a raw-body route (`express.raw()`) gets an object, a bad body gets Fastify's error, and Express-only routes disappear behind an `onRequest` hook that answers unknown routes.",
    recipe: 'bridge.md#express-hook',
    test: 'e2e/recipes/test/bridge-express-hook.test.ts',
  },
  {
    id: 'bridge-sessions',
    express: '`express-session` on the routes not moved yet',
    packages: ['express-session', 'connect-redis'],
    apis: ['req.session'],
    fastify: '`@fastify/session` with `@fastify/cookie` on the moved routes, over the same store',
    fastifyPackages: ['@fastify/session', '@fastify/cookie'],
    gotcha:
      "In one Fastify instance both plugins take the same `connect-redis` store; with `cookieName: 'connect.sid'` and `cookiePrefix: 's:'` a session started on either side is read on the other, and a logout on either ends it on both.",
    recipe: 'bridge.md#shared-sessions',
    test: 'e2e/recipes/test/bridge-shared-session.test.ts',
  },
];
