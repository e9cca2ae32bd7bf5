import type { Feature } from '../feature.js';

/** Validation, types, logging, proxying, WebSockets, timing. */
export const validation: readonly Feature[] = [
  {
    id: 'express-validator',
    express: '`express-validator`',
    packages: ['express-validator'],
    apis: [],
    fastify: 'route `schema` (JSON Schema, Ajv)',
    fastifyPackages: [],
    gotcha:
      "Fastify coerces query strings and params to the schema's types and, with `additionalProperties: false`, removes unknown body fields instead of rejecting them; its 400 names the first failure only, where express-validator lists every failed check.",
    recipe: 'validation.md#express-validator',
    test: 'e2e/recipes/test/express-validator.test.ts',
  },
  {
    id: 'joi',
    express: '`joi` / `celebrate`',
    packages: ['joi', 'celebrate'],
    apis: [],
    fastify: '`setValidatorCompiler` with Joi (or JSON Schema)',
    fastifyPackages: [],
    gotcha:
      "Fastify accepts Joi schemas in a route's `schema` once `setValidatorCompiler` returns `schema.validate(data)`, and the handler sees Joi's converted value; the 400 carries Joi's message in `message`, not celebrate's `validation` object.",
    recipe: 'validation.md#joi',
    test: 'e2e/recipes/test/joi.test.ts',
  },
  {
    id: 'zod',
    express: '`zod` (in your own middleware)',
    packages: ['zod'],
    apis: [],
    fastify: '`fastify-type-provider-zod`',
    fastifyPackages: ['fastify-type-provider-zod'],
    gotcha:
      'Set both compilers (`setValidatorCompiler` and `setSerializerCompiler`) and use `withTypeProvider<ZodTypeProvider>()` to get a typed `request.body`; a response schema then drops unlisted fields and turns a wrong type into a 500.',
    recipe: 'validation.md#zod',
    test: 'e2e/recipes/test/zod.test.ts',
  },
  {
    id: 'typebox',
    express: 'TypeBox (with Ajv)',
    packages: ['typebox', '@sinclair/typebox'],
    apis: [],
    fastify: '`@fastify/type-provider-typebox`',
    fastifyPackages: ['@fastify/type-provider-typebox'],
    gotcha:
      'Call `withTypeProvider<TypeBoxTypeProvider>()` on the instance you declare routes on to get typed handlers; a response schema drops every field it does not list, where `res.json` sent them all.',
    recipe: 'validation.md#typebox',
    test: 'e2e/recipes/test/typebox.test.ts',
  },
  {
    id: 'morgan',
    express: '`morgan`',
    packages: ['morgan'],
    apis: [],
    fastify: 'the built-in logger (pino) and a `LogController`',
    fastifyPackages: [],
    gotcha:
      'Fastify logs JSON, and two lines per request (a third for a 404) where morgan writes one; a `LogController` subclass gets you one line, and `disableRequestLogging` gets you none.',
    recipe: 'validation.md#morgan',
    test: 'e2e/recipes/test/morgan.test.ts',
  },
  {
    id: 'pino-http',
    express: '`pino-http`',
    packages: ['pino-http', 'express-pino-logger'],
    apis: [],
    fastify: 'the built-in logger (`request.log`, `genReqId`, `requestIdHeader`)',
    fastifyPackages: [],
    gotcha:
      "Fastify 5 ignores an incoming X-Request-Id until you set `requestIdHeader`, never echoes the id (add a hook), and logs it as `reqId` rather than pino-http's `req.id`.",
    recipe: 'validation.md#pino-http',
    test: 'e2e/recipes/test/pino-http.test.ts',
  },
  {
    id: 'http-proxy',
    express: '`http-proxy-middleware`',
    packages: ['http-proxy-middleware', 'express-http-proxy', 'http-proxy'],
    apis: [],
    fastify: '`@fastify/http-proxy`',
    fastifyPackages: ['@fastify/http-proxy'],
    gotcha:
      '`prefix` and `rewritePrefix` replace the mount path and `pathRewrite`; headers are added in `replyOptions.rewriteRequestHeaders`, and the body is streamed through unparsed, as it was.',
    recipe: 'validation.md#http-proxy',
    test: 'e2e/recipes/test/http-proxy.test.ts',
  },
  {
    id: 'websocket',
    express: "`express-ws` / `ws` on `server.on('upgrade')`",
    packages: ['express-ws', 'ws'],
    apis: [],
    fastify: '`@fastify/websocket`',
    fastifyPackages: ['@fastify/websocket'],
    gotcha:
      'A WebSocket route is a GET route with `{ websocket: true }`, and the handler gets the `ws` socket itself; an upgrade to a path with no such route is refused with 404, where express-ws opens the socket and closes it.',
    recipe: 'validation.md#websocket',
    test: 'e2e/recipes/test/websocket.test.ts',
  },
  {
    id: 'response-time',
    express: '`response-time`',
    packages: ['response-time'],
    apis: [],
    fastify: 'an `onSend` hook with `reply.elapsedTime`',
    fastifyPackages: [],
    gotcha:
      'Set the header in `onSend`: a header set in `onResponse` never reaches the client, because the answer has gone by then.',
    recipe: 'validation.md#response-time',
    test: 'e2e/recipes/test/response-time.test.ts',
  },
  {
    id: 'connect-timeout',
    express: '`connect-timeout`',
    packages: ['connect-timeout'],
    apis: [],
    fastify: 'the `handlerTimeout` option (server or route)',
    fastifyPackages: [],
    gotcha:
      '`handlerTimeout` answers 503 as `connect-timeout` did and aborts `request.signal`; `connectionTimeout` is not the same thing: it closes the socket, and the client gets no status at all.',
    recipe: 'validation.md#connect-timeout',
    test: 'e2e/recipes/test/connect-timeout.test.ts',
  },
  {
    id: 'express-async-errors',
    express: '`express-async-errors` / `express-async-handler`',
    packages: ['express-async-errors', 'express-async-handler'],
    apis: [],
    fastify: 'nothing: core catches a rejected handler',
    fastifyPackages: [],
    gotcha:
      'Drop the package: Fastify, like Express 5, sends a rejected async handler to the error handler. Only Express 4 needed it.',
    recipe: 'validation.md#express-async-errors',
    test: 'e2e/recipes/test/express-async-errors.test.ts',
  },
];
