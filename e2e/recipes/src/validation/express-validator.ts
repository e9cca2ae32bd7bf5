// Recipe: `express-validator` in Express, a route `schema` (JSON Schema, compiled by Ajv) in
// Fastify (docs/recipes/validation.md#express-validator).
import express, { type NextFunction, type Request, type Response } from 'express';
import { body, matchedData, param, query, validationResult } from 'express-validator';
import Fastify from 'fastify';
import type { RecipePair } from '../harness.js';

export const expressValidatorRecipe: RecipePair = {
  express() {
    const app = express();
    app.use(express.json());
    // #region guide:express-validator-express
    // Every chain only records its errors; this middleware turns them into the 400.
    const rejectInvalid = (req: Request, res: Response, next: NextFunction) => {
      const result = validationResult(req);
      if (result.isEmpty()) return next();
      res.status(400).json({ errors: result.array() });
    };
    app.post(
      '/items',
      body('name').isString().notEmpty(),
      body('qty').isInt({ min: 1 }).toInt(),
      rejectInvalid,
      (req, res) => {
        // matchedData keeps the validated fields only; req.body still has the rest.
        res.status(201).json(matchedData(req, { locations: ['body'] }));
      },
    );
    app.get(
      '/items',
      query('limit').optional().isInt({ min: 1 }).toInt(),
      rejectInvalid,
      (req, res) => {
        // Express 5's req.query is a getter: toInt() cannot write back, so read matchedData.
        const { limit } = matchedData(req);
        res.json({ limit, type: typeof limit });
      },
    );
    app.get('/items/:id', param('id').isInt().toInt(), rejectInvalid, (req, res) => {
      const { id } = matchedData(req);
      res.json({ id, type: typeof id });
    });
    // #endregion guide:express-validator-express
    return app;
  },
  fastify() {
    const app = Fastify();
    // #region guide:express-validator-fastify
    app.post(
      '/items',
      {
        schema: {
          body: {
            type: 'object',
            required: ['name', 'qty'],
            // With Fastify's Ajv defaults (removeAdditional: true) this strips unknown fields
            // instead of rejecting them.
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1 },
              qty: { type: 'integer', minimum: 1 },
            },
          },
        },
      },
      async (request, reply) => reply.code(201).send(request.body),
    );
    app.get(
      '/items',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: { limit: { type: 'integer', minimum: 1 } },
          },
        },
      },
      // coerceTypes is on by default: "5" arrives here as the number 5.
      async (request) => {
        const { limit } = request.query as { limit?: number };
        return { limit, type: typeof limit };
      },
    );
    app.get(
      '/items/:id',
      {
        schema: {
          params: { type: 'object', properties: { id: { type: 'integer' } } },
        },
      },
      async (request) => {
        const { id } = request.params as { id: number };
        return { id, type: typeof id };
      },
    );
    // #endregion guide:express-validator-fastify
    return app;
  },
};
