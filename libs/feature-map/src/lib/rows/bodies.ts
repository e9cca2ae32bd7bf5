import type { Feature } from '../feature.js';

/** Request bodies, uploads, static files, compression, views. */
export const bodies: readonly Feature[] = [
  {
    id: 'json-body',
    express: '`express.json()` / `body-parser` json',
    packages: ['body-parser'],
    apis: ['express.json', 'bodyParser.json'],
    fastify: 'core JSON parser (`bodyLimit`)',
    fastifyPackages: [],
    gotcha:
      'Fastify answers 415 to a type it has no parser for (`application/vnd.api+json` included) and 400 to an empty JSON body, and it accepts a top-level string that `express.json()` refuses; an Express body parser left in front of Fastify routes under `@fastify/express` hangs their POSTs.',
    recipe: 'bodies.md#json-body',
    test: 'e2e/recipes/test/json-body.test.ts',
  },
  {
    id: 'urlencoded',
    express: '`express.urlencoded()` / `body-parser` urlencoded',
    packages: ['body-parser'],
    apis: ['express.urlencoded', 'bodyParser.urlencoded'],
    fastify: '`@fastify/formbody`',
    fastifyPackages: ['@fastify/formbody'],
    gotcha:
      'Without the plugin Fastify answers a form post with 415; with it there is no 1000-field limit (only `bodyLimit`), and a `__proto__` field is kept as a key where Express drops it.',
    recipe: 'bodies.md#urlencoded',
    test: 'e2e/recipes/test/urlencoded.test.ts',
  },
  {
    id: 'raw-body',
    express: '`express.raw()` / `express.text()`',
    packages: ['body-parser'],
    apis: ['express.raw', 'express.text', 'bodyParser.raw', 'bodyParser.text'],
    fastify: '`addContentTypeParser` with `parseAs`',
    fastifyPackages: [],
    gotcha:
      "A parser added inside a registered plugin applies to that plugin's routes only, which is how a webhook gets raw bytes while the other routes keep JSON; its limit is `bodyLimit` (1 MiB), not the 100 kB of each Express parser.",
    recipe: 'bodies.md#raw-body',
    test: 'e2e/recipes/test/raw-body.test.ts',
  },
  {
    id: 'multipart',
    express: '`multer`',
    packages: ['multer'],
    apis: [],
    fastify: '`@fastify/multipart`',
    fastifyPackages: ['@fastify/multipart'],
    gotcha:
      'Files arrive as streams you must read (`toBuffer()`) or save (`saveRequestFiles()`), in the order sent; the plugin answers 413 past `fileSize` (default: `bodyLimit`, 1 MiB), where a `MulterError` carries no status and Express answers it with 500 unless your error handler maps it.',
    recipe: 'bodies.md#multipart',
    test: 'e2e/recipes/test/multipart.test.ts',
  },
  {
    id: 'static',
    express: '`express.static`',
    packages: ['serve-static'],
    apis: ['express.static'],
    fastify: '`@fastify/static`',
    fastifyPackages: ['@fastify/static'],
    gotcha:
      "The plugin serves dotfiles and answers a folder without a redirect unless you set `dotfiles: 'ignore'` and `redirect: true`; a path that climbs out of the root gets 403 where Express answers 404.",
    recipe: 'bodies.md#static',
    test: 'e2e/recipes/test/static-files.test.ts',
  },
  {
    id: 'send-file',
    express: '`res.sendFile`',
    packages: [],
    apis: ['res.sendFile'],
    fastify: '`reply.sendFile` (`@fastify/static`)',
    fastifyPackages: ['@fastify/static'],
    gotcha:
      "It exists only once `@fastify/static` is registered (with `decorateReply`, the default), and a bare name resolves against the plugin's `root`.",
    recipe: 'bodies.md#send-file',
    test: 'e2e/recipes/test/static-files.test.ts',
  },
  {
    id: 'download',
    express: '`res.download` / `res.attachment`',
    packages: [],
    apis: ['res.download', 'res.attachment'],
    fastify: '`reply.download` / a `Content-Disposition` header',
    fastifyPackages: ['@fastify/static'],
    gotcha:
      "There is no `reply.attachment`, so for a body you build you set `Content-Disposition` yourself; `reply.download` resolves a bare name against the plugin's `root` from `@fastify/static` 10 (9 ignored it, and carries the 2026 path advisories: take 10.1.3 or later).",
    recipe: 'bodies.md#download',
    test: 'e2e/recipes/test/static-files.test.ts',
  },
  {
    id: 'compression',
    express: '`compression`',
    packages: ['compression'],
    apis: [],
    fastify: '`@fastify/compress`',
    fastifyPackages: ['@fastify/compress'],
    gotcha:
      'Both compress past 1 kB, prefer br when it is listed and honour q-values; the plugin says `Vary: Accept-Encoding` only on answers it compressed, sends `Content-Length` instead of chunks, and answers `Accept-Encoding: *` with gzip where `compression` picks br.',
    recipe: 'bodies.md#compression',
    test: 'e2e/recipes/test/compression.test.ts',
  },
  {
    id: 'views',
    express: "view engines (`app.set('view engine')`, `res.render`)",
    packages: ['ejs'],
    apis: ['res.render', 'app.engine', "app.set('view engine')", "app.set('views')"],
    fastify: '`@fastify/view` (`reply.view`)',
    fastifyPackages: ['@fastify/view'],
    gotcha:
      'You hand the plugin the engine object (`engine: { ejs }`) and the extension (`viewExt`); `app.locals` becomes `defaultContext`. The same templates render the same HTML; a missing view is a 500 on both, with JSON naming the file in Fastify.',
    recipe: 'bodies.md#views',
    test: 'e2e/recipes/test/views.test.ts',
  },
  {
    id: 'replies',
    express: '`res.json` / `res.send` / `res.status` / `res.set` / `res.type` / `res.sendStatus`',
    packages: [],
    apis: [
      'res.json',
      'res.send',
      'res.status',
      'res.set',
      'res.type',
      'res.sendStatus',
      'res.location',
    ],
    fastify: '`reply.code().header().type().send()` or a returned value',
    fastifyPackages: [],
    gotcha:
      'A response schema serializes only the properties it lists, so a field Express sent (a password hash, say) disappears; `reply.code(410).send()` has an empty body where `res.sendStatus(410)` writes "Gone", and `reply.type()` adds no charset.',
    recipe: 'bodies.md#replies',
    test: 'e2e/recipes/test/replies.test.ts',
  },
];
