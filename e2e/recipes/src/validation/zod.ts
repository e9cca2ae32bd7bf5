// Recipe: `zod` behind a hand-written Express middleware, `fastify-type-provider-zod` in
// Fastify (docs/recipes/validation.md#zod).
import express, { type RequestHandler } from 'express';
import Fastify from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RecipePair } from '../harness.js';

export const Item = z.object({ name: z.string().min(1), qty: z.number().int().min(1) });
// Query strings are strings: z.coerce is how a Zod schema turns "5" into 5, on both sides.
export const ListQuery = z.object({ limit: z.coerce.number().int().min(1).optional() });

export const zodRecipe: RecipePair = {
  express() {
    const app = express();
    app.use(express.json());
    // #region guide:zod-express
    // The middleware readers write: parse, answer 400 with the issues, or replace req.body
    // with the parsed value (unknown keys stripped) and go on.
    const validateBody =
      (schema: z.ZodType): RequestHandler =>
      (req, res, next) => {
        const result = schema.safeParse(req.body);
        if (!result.success) {
          res.status(400).json({ issues: result.error.issues });
          return;
        }
        req.body = result.data;
        next();
      };
    app.post('/items', validateBody(Item), (req, res) => {
      const item = req.body as z.infer<typeof Item>;
      res.status(201).json(item);
    });
    app.get('/items', (req, res) => {
      // Express 5's req.query is a getter, so the parsed query lives in a variable.
      const result = ListQuery.safeParse(req.query);
      if (!result.success) {
        res.status(400).json({ issues: result.error.issues });
        return;
      }
      res.json({ limit: result.data.limit, type: typeof result.data.limit });
    });
    // #endregion guide:zod-express
    return app;
  },
  fastify() {
    const app = Fastify();
    // #region guide:zod-fastify
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    const typed = app.withTypeProvider<ZodTypeProvider>();
    typed.post(
      '/items',
      { schema: { body: Item, response: { 201: Item } } },
      // request.body is z.infer<typeof Item> here: no cast, and a typo fails typecheck.
      async (request, reply) => reply.code(201).send(request.body),
    );
    typed.get('/items', { schema: { querystring: ListQuery } }, async (request) => ({
      limit: request.query.limit,
      type: typeof request.query.limit,
    }));
    // #endregion guide:zod-fastify
    return app;
  },
};
