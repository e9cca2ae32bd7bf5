import type { Feature } from '../feature.js';

/**
 * An Express 4 app: what changes on the way to Express 5 (which @fastify/express runs), and an
 * Express 4 router kept as it is under Fastify.
 */
export const express4: readonly Feature[] = [
  {
    id: 'express4-codemod',
    express: 'the Express 5 codemod (`@expressjs/codemod`, the v5 migration recipe)',
    packages: ['@expressjs/codemod'],
    expressMajors: [4],
    apis: [],
    fastify: 'none: the codemod stops at Express 5',
    fastifyPackages: [],
    gotcha:
      "Its rewrites still run on Express 4, so apply them before the upgrade; it leaves route paths and the changes that raise no error to you, and its `dotfiles: 'allow'` serves a dotfile that Express 4 hid.",
    recipe: 'express4.md#codemod',
    test: 'e2e/recipes/test/express4-codemod.test.ts',
  },
  {
    id: 'express4-removed-apis',
    express: 'Express 4 APIs that Express 5 removed (`app.del`, `req.param`, `res.sendfile`)',
    packages: [],
    expressMajors: [4],
    apis: [
      'app.del',
      'req.param',
      'res.sendfile',
      'req.acceptsCharset',
      'req.acceptsEncoding',
      'req.acceptsLanguage',
    ],
    fastify: '`request.params`, `reply.code(status).send()`, `reply.redirect(url, status)`',
    fastifyPackages: [],
    gotcha:
      "Most answer 500 `… is not a function` on Express 5, but `res.json(obj, 201)` and `res.send(202)` answer 200 and `res.redirect('back')` redirects to `back`, with no error at all.",
    recipe: 'express4.md#removed-apis',
    test: 'e2e/recipes/test/express4-removed-apis.test.ts',
  },
  {
    id: 'express4-changed-behaviour',
    express: 'Express 4 `req.body`, `req.query`, `express.urlencoded`, `req.host`',
    packages: [],
    expressMajors: [4],
    apis: ['req.host', 'res.clearCookie'],
    fastify: 'a content-type parser per type, `request.query`, `request.host`',
    fastifyPackages: [],
    gotcha:
      '`req.body` is undefined where Express 4 gave `{}`, `urlencoded()` stops nesting `a[b]`, a default written into `req.query` is lost on the next read, and `req.host` keeps the port: none of them throws.',
    recipe: 'express4.md#changed-behaviour',
    test: 'e2e/recipes/test/express4-changed-behaviour.test.ts',
  },
  {
    id: 'express4-path-syntax',
    express: 'Express 4 route paths: `*`, `:id?`, `:id(\\d+)`',
    packages: [],
    expressMajors: [4],
    apis: [],
    fastify: "find-my-way: `*` read as `params['*']`, `:id?` last, `:id(^\\d+$)`",
    fastifyPackages: [],
    gotcha:
      "Express 5 throws a TypeError when such a route is added, and Express 4 takes Express 5's `*path` and braces without an error and matches other URLs: change the paths with the upgrade, or first to RegExp routes that both read alike.",
    recipe: 'express4.md#path-syntax',
    test: 'e2e/recipes/test/express4-path-syntax.test.ts',
  },
  {
    id: 'express4-async-errors',
    express: 'async handlers on Express 4',
    packages: [],
    expressMajors: [4],
    apis: [],
    fastify: 'core: a rejected handler goes to `setErrorHandler`',
    fastifyPackages: [],
    gotcha:
      'Express 4 never sees a rejected promise: by default Node ends the process, and with a logging `unhandledRejection` listener the request never gets an answer. Wrap the handlers until Express 5.',
    recipe: 'express4.md#async-errors',
    test: 'e2e/recipes/test/express4-async-errors.test.ts',
  },
  {
    id: 'express4-bridge',
    express: 'an Express 4 `Router()` mounted as it is',
    packages: [],
    expressMajors: [4],
    apis: [],
    fastify: '`@fastify/express`, which runs Express 5',
    fastifyPackages: ['@fastify/express'],
    gotcha:
      "The router keeps Express 4's path matching, but its `req` and `res` are Express 5's, and a rejected async handler in it ends the whole Fastify server until you wrap it.",
    recipe: 'express4.md#bridge',
    test: 'e2e/recipes/test/express4-bridge.test.ts',
  },
];
