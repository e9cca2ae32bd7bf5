// What Fastify's own Ajv needs before it validates a body the way an Express app with a strict
// validator does (docs/migration-guide.md#validation): keep unknown fields (and refuse them),
// leave body types alone, report every failure in the app's own error body. Three apps: the
// defaults, `removeAdditional: false` alone, and the configuration that does all three.
import { Ajv, type Options } from 'ajv';
import Fastify, { type FastifyError, type FastifyInstance, type FastifySchema } from 'fastify';

const itemRoutes = (app: FastifyInstance) => {
  const schema: FastifySchema = {
    body: {
      type: 'object',
      required: ['name', 'qty'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1 }, qty: { type: 'integer', minimum: 1 } },
    },
  };
  app.post('/items', { schema }, async (request, reply) => reply.code(201).send(request.body));
  app.get(
    '/items',
    {
      schema: {
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1 } } },
      },
    },
    async (request) => {
      const { limit } = request.query as { limit?: number };
      return { limit, type: typeof limit };
    },
  );
  return app;
};

/** Fastify's defaults: coerceTypes 'array', removeAdditional true, allErrors false. */
export const defaultAjv = (): FastifyInstance => itemRoutes(Fastify());

/** The one option the guide's shortcut named: unknown fields are refused, types still coerced. */
export const removeAdditionalOnly = (): FastifyInstance =>
  // #region guide:ajv-remove-additional
  itemRoutes(Fastify({ ajv: { customOptions: { removeAdditional: false } } }));
// #endregion guide:ajv-remove-additional

/** All three promises: a strict compiler for bodies, the coercing one for the URL's parts. */
export function strictBodies(): FastifyInstance {
  // #region guide:ajv-strict-bodies
  const app = Fastify();
  // Bodies arrive typed (JSON), so nothing is coerced or dropped there, and every failure is
  // reported; the query string and params arrive as strings and still need coercion.
  const shared: Options = { useDefaults: true, allErrors: true };
  const bodies = new Ajv({ ...shared, removeAdditional: false, coerceTypes: false });
  const urlParts = new Ajv({ ...shared, removeAdditional: false, coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodies : urlParts).compile(schema),
  );
  // Fastify's own 400 is `{ statusCode, code: 'FST_ERR_VALIDATION', error, message }`: map the
  // failures to the body the Express app answered with.
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (!error.validation) return reply.send(error);
    return reply.code(400).send({
      error: {
        code: 'VALIDATION_FAILED',
        details: error.validation.map((v) => ({
          where: error.validationContext,
          path: v.instancePath,
          message: v.message,
        })),
      },
    });
  });
  // #endregion guide:ajv-strict-bodies
  return itemRoutes(app);
}
