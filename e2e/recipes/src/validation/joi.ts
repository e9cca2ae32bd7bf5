// Recipe: `celebrate` (Joi) in Express, Joi kept in Fastify through `setValidatorCompiler`
// (docs/recipes/validation.md#joi).
import { celebrate, errors, Joi, Segments } from 'celebrate';
import express from 'express';
import Fastify from 'fastify';
import type { RecipePair } from '../harness.js';

/** One set of Joi schemas for both sides: the point of keeping Joi is not rewriting them. */
export const itemBody = Joi.object({
  name: Joi.string().min(1).required(),
  qty: Joi.number().integer().min(1).required(),
});
export const listQuery = Joi.object({ limit: Joi.number().integer().min(1) });

export const joiRecipe: RecipePair = {
  express() {
    const app = express();
    app.use(express.json());
    // #region guide:joi-express
    app.post('/items', celebrate({ [Segments.BODY]: itemBody }), (req, res) => {
      res.status(201).json(req.body);
    });
    app.get('/items', celebrate({ [Segments.QUERY]: listQuery }), (req, res) => {
      res.json({ limit: req.query.limit, type: typeof req.query.limit });
    });
    // celebrate's errors() turns its rejections into the 400; it goes after the routes.
    app.use(errors());
    // #endregion guide:joi-express
    return app;
  },
  fastify() {
    const app = Fastify();
    // #region guide:joi-fastify
    // Fastify calls this once per route part with a schema; the function it returns runs per
    // request, and Joi's { value, error } is the result shape Fastify expects.
    app.setValidatorCompiler<Joi.ObjectSchema>(
      ({ schema }) =>
        (data) =>
          schema.validate(data),
    );
    app.post('/items', { schema: { body: itemBody } }, async (request, reply) =>
      reply.code(201).send(request.body),
    );
    app.get('/items', { schema: { querystring: listQuery } }, async (request) => {
      const { limit } = request.query as { limit?: number };
      return { limit, type: typeof limit };
    });
    // #endregion guide:joi-fastify
    return app;
  },
};
