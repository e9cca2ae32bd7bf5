import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import swagger, { type StaticDocumentSpec } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { buildOpenApiDocument } from '@switchyard/api-spec';

/**
 * The OpenAPI document is the domain's, served as it is (static mode): /docs/json is
 * buildOpenApiDocument(), byte for byte the same JSON as the Express app's, and /docs is
 * Swagger UI for it.
 */
// #region guide:openapi
const docsRoutes: FastifyPluginAsync = async (app) => {
  await app.register(swagger, {
    mode: 'static',
    specification: {
      // The domain's type is narrower than the plugin's OpenAPI typings; the shape is OpenAPI 3.1.
      document: buildOpenApiDocument() as unknown as StaticDocumentSpec['document'],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
};
// #endregion guide:openapi

export default fp(docsRoutes, { name: 'docs', fastify: '5.x' });
