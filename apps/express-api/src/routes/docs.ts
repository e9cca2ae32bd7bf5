import { buildOpenApiDocument } from '@switchyard/api-spec';
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';

const DOCS_PATH = '/docs';
const UI_OPTIONS = {
  // Without it swagger-ui-express writes the word "undefined" into the page's CSS.
  customCss: '',
  swaggerUrl: `${DOCS_PATH}/json`,
  // The UI would otherwise send the document to validator.swagger.io.
  swaggerOptions: { validatorUrl: null },
};

/** The OpenAPI document at /docs/json (the same JSON as the Fastify app) and Swagger UI at /docs. */
export function docsRoutes(): Router {
  const router = Router({ caseSensitive: true });
  const document = buildOpenApiDocument();
  // swagger-ui-express links its assets relative to the page ("./swagger-ui.css"), which only
  // resolves under /docs/; absolute links make /docs work as well.
  const html = swaggerUi.generateHTML(undefined, UI_OPTIONS).replaceAll('="./', `="${DOCS_PATH}/`);

  // #region guide:openapi
  router.get(`${DOCS_PATH}/json`, (_req, res) => {
    res.json(document);
  });
  // #endregion guide:openapi
  router.get(DOCS_PATH, (_req, res) => {
    res.type('html').send(html);
  });
  // The UI's scripts, styles and its init script that points it at /docs/json.
  router.use(DOCS_PATH, swaggerUi.serveFiles(undefined, UI_OPTIONS));

  return router;
}
