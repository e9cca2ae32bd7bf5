import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { buildOpenApiDocument } from '@switchyard/api-spec';
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { stringify } from 'yaml';

const DOCS_PATH = '/docs';
/** Where the UI's files are: @fastify/swagger-ui's layout, so that every app answers the same paths. */
const STATIC_PATH = `${DOCS_PATH}/static`;
const UI_OPTIONS = {
  // Without it swagger-ui-express writes the word "undefined" into the page's CSS.
  customCss: '',
  swaggerUrl: `${DOCS_PATH}/json`,
  // The UI would otherwise send the document to validator.swagger.io.
  swaggerOptions: { validatorUrl: null },
};
/**
 * The files of swagger-ui-dist served under /docs/static: the ones @fastify/swagger-ui serves
 * too, not the rest of the package (its README, package.json, source maps, its index.html and
 * swagger-initializer.js, which point at the Petstore example).
 */
const ASSETS = [
  'favicon-16x16.png',
  'favicon-32x32.png',
  'index.css',
  'oauth2-redirect.html',
  'oauth2-redirect.js',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'swagger-ui.css',
  'swagger-ui.js',
];
const DIST = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * The OpenAPI document at /docs/json and /docs/yaml (the same JSON as the Fastify app) and
 * Swagger UI at /docs and /docs/, its files under /docs/static/ as @fastify/swagger-ui lays them
 * out (docs/api-behaviour.md, "Routes").
 */
export function docsRoutes(): Router {
  const router = Router({ caseSensitive: true });
  const document = buildOpenApiDocument();
  const yaml = stringify(document);
  // swagger-ui-express links its files relative to the page ("./swagger-ui.css"); absolute links
  // under /docs/static make /docs and /docs/ work alike. Its init script is served under
  // @fastify/swagger-ui's name for it.
  const html = swaggerUi
    .generateHTML(undefined, UI_OPTIONS)
    .replaceAll('="./swagger-ui-init.js"', `="${STATIC_PATH}/swagger-initializer.js"`)
    .replaceAll('="./', `="${STATIC_PATH}/`);
  // The init script that points the UI at /docs/json; it answers for /swagger-ui-init.js.
  const [init] = swaggerUi.serveFiles(undefined, UI_OPTIONS);

  // #region guide:openapi
  router.get(`${DOCS_PATH}/json`, (_req, res) => {
    res.json(document);
  });
  // #endregion guide:openapi
  router.get(`${DOCS_PATH}/yaml`, (_req, res) => {
    res.type('application/x-yaml').send(yaml);
  });
  // Express's router takes /docs and /docs/ for one path (strict routing is off).
  router.get(DOCS_PATH, (_req, res) => {
    res.type('html').send(html);
  });
  router.get(`${STATIC_PATH}/index.html`, (_req, res) => {
    res.redirect(302, `${DOCS_PATH}/`);
  });
  router.get(`${STATIC_PATH}/swagger-initializer.js`, (req, res, next) => {
    req.url = '/swagger-ui-init.js';
    init!(req, res, next);
  });
  for (const file of ASSETS) {
    router.get(`${STATIC_PATH}/${file}`, (_req, res, next) => {
      // With a callback, send hands its own 4xx (a Range it cannot satisfy 416, an If-Match
      // 412, the client gone) to it unanswered: those fall through to the 404 envelope, as
      // before swagger-ui's files were served from this list; only a 5xx is the app's error.
      res.sendFile(file, { root: DIST }, (error?: Error & { status?: number }) => {
        if (!error || res.headersSent) return;
        if ((error.status ?? 500) >= 500) next(error);
        else next();
      });
    });
  }

  return router;
}
