import type { Feature } from '../feature.js';

/** Routers, middleware, handlers, requests and answers. */
export const routing: readonly Feature[] = [
  {
    id: 'express-router',
    express: '`express.Router` mounted on a prefix',
    packages: [],
    apis: ['express.Router', 'app.use', 'router.use'],
    fastify: '`app.register(plugin, { prefix })`',
    fastifyPackages: [],
    gotcha:
      "A plugin's hooks apply to its own routes only: not to the parent's routes, and not to a 404 under its prefix, where Express's router middleware runs before the 404.",
    recipe: 'routing.md#express-router',
    test: 'e2e/recipes/test/express-router.test.ts',
  },
  {
    id: 'app-use',
    express: '`app.use` middleware',
    packages: [],
    apis: ['app.use'],
    fastify: '`onRequest` / `preHandler` hooks, or `@fastify/middie`',
    fastifyPackages: ['@fastify/middie'],
    gotcha:
      "Under `@fastify/middie` middleware gets Node's request and response, not Express's: one that calls Express's `req.get` fails with 500.",
    recipe: 'routing.md#app-use',
    test: 'e2e/recipes/test/app-use.test.ts',
  },
  {
    id: 'error-handler',
    express: 'error middleware `(err, req, res, next)`',
    packages: [],
    apis: ['app.use'],
    fastify: '`setErrorHandler`',
    fastifyPackages: [],
    gotcha:
      'A route takes the error handler its scope has when it is added: set it before the routes, since routes added before an awaited `register` keep the default. Schema failures arrive as a 400 with `error.validation`.',
    recipe: 'routing.md#error-handler',
    test: 'e2e/recipes/test/error-handler.test.ts',
  },
  {
    id: 'not-found',
    express: 'the 404 handler, the last `app.use`',
    packages: [],
    apis: ['app.use'],
    fastify: '`setNotFoundHandler`',
    fastifyPackages: [],
    gotcha:
      'It is not a position in a chain: a route added after it is still matched, where Express never reaches a route after its 404.',
    recipe: 'routing.md#not-found',
    test: 'e2e/recipes/test/error-handler.test.ts',
  },
  {
    id: 'app-param',
    express: '`app.param`',
    packages: [],
    apis: ['app.param', 'router.param'],
    fastify: 'a `preHandler` hook in the plugin that owns the `:param` routes',
    fastifyPackages: [],
    gotcha:
      'There is no `app.param`: put the routes under a plugin with the parameter in its prefix and load in `preHandler`, which runs after the params schema has coerced the value.',
    recipe: 'routing.md#app-param',
    test: 'e2e/recipes/test/app-param.test.ts',
  },
  {
    id: 'res-locals',
    express: '`res.locals` and `app.locals`',
    packages: [],
    apis: ['res.locals', 'app.locals'],
    fastify: '`decorateRequest` and `decorate`',
    fastifyPackages: [],
    gotcha:
      'Fastify 5 refuses an object or array as a `decorateRequest` default (`FST_ERR_DEC_REFERENCE_TYPE`), since every request would share it: decorate with null and set the value in a hook.',
    recipe: 'routing.md#res-locals',
    test: 'e2e/recipes/test/res-locals.test.ts',
  },
  {
    id: 'req-user',
    express: '`req.user` and `declare global { namespace Express }`',
    packages: [],
    apis: ['req.user'],
    fastify: "`decorateRequest('user', null)` and `declare module 'fastify'`",
    fastifyPackages: [],
    gotcha:
      "Type it on `FastifyRequest` in `declare module 'fastify'`, decorate it with null and set it in an `onRequest` hook, so that each request starts with no user as `req.user` does.",
    recipe: 'routing.md#req-user',
    test: 'e2e/recipes/test/res-locals.test.ts',
  },
  {
    id: 'return-or-send',
    express: '`res.json` / `res.send` in a handler',
    packages: [],
    apis: ['res.json', 'res.send'],
    fastify: 'return the payload from an async handler; `return reply` after a later `reply.send`',
    fastifyPackages: [],
    gotcha:
      'An async handler that resolves to undefined before its callback sends answers 200 with an empty body; the late `reply.send` only logs `FST_ERR_REP_ALREADY_SENT`.',
    recipe: 'routing.md#return-or-send',
    test: 'e2e/recipes/test/return-or-send.test.ts',
  },
  {
    id: 'redirects',
    express: '`res.redirect`',
    packages: [],
    apis: ['res.redirect'],
    fastify: '`reply.redirect(url, code)`',
    fastifyPackages: [],
    gotcha:
      "The status comes second in Fastify 5: `res.redirect(301, url)` becomes `reply.redirect(url, 301)`, and Express's order answers 500 (`FST_ERR_BAD_STATUS_CODE`). Both default to 302; Fastify sends no body.",
    recipe: 'routing.md#redirects',
    test: 'e2e/recipes/test/redirects.test.ts',
  },
  {
    id: 'trust-proxy',
    express: "`app.set('trust proxy')` and `req.ip`",
    packages: [],
    apis: ['req.ip', 'req.ips', 'req.hostname', 'req.protocol'],
    fastify: '`trustProxy` and `request.ip` / `request.ips` / `request.host`',
    fastifyPackages: [],
    gotcha:
      "Give `trustProxy` the same value as `'trust proxy'`; `request.ips` starts from the socket's address where `req.ips` leaves it out, and is undefined without `trustProxy`.",
    recipe: 'routing.md#trust-proxy',
    test: 'e2e/recipes/test/trust-proxy.test.ts',
  },
  {
    id: 'query-parser',
    express: "Express 4's `qs` query parser (`a[b]=1`)",
    packages: ['qs'],
    apis: ['req.query'],
    fastify: '`routerOptions.querystringParser` with `qs`',
    fastifyPackages: ['qs'],
    gotcha:
      "Express 5 and Fastify keep `a[b]` as a key; a client that sends nested queries to an Express 4 app needs `qs` as Fastify's `querystringParser`.",
    recipe: 'routing.md#query-parser',
    test: 'e2e/recipes/test/query-parser.test.ts',
  },
  {
    id: 'head-options',
    express: 'HEAD, OPTIONS and 405',
    packages: [],
    apis: ['app.options', 'app.all', 'app.head'],
    fastify: '`exposeHeadRoutes`, an `OPTIONS` route and a route for the other methods',
    fastifyPackages: [],
    gotcha:
      'Fastify answers HEAD for every GET but an OPTIONS it has no route for with 404; declare OPTIONS and the 405 methods per path, since `app.all` would collide with the GET.',
    recipe: 'routing.md#head-options',
    test: 'e2e/recipes/test/head-options.test.ts',
  },
];
