// Recipe: TypeBox schemas checked by Ajv in Express, `@fastify/type-provider-typebox` in
// Fastify (docs/recipes/validation.md#typebox).
import { Ajv } from 'ajv';
import express from 'express';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { RecipePair } from '../harness.js';

export const NewItemSchema = Type.Object(
  { name: Type.String({ minLength: 1 }), qty: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export const ItemSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  qty: Type.Integer(),
});

/** What the store hands back: more than the API answers. */
function store(item: Static<typeof NewItemSchema>) {
  return { id: 1, ...item, costPrice: 0.4 };
}

export const typeboxRecipe: RecipePair = {
  express() {
    const app = express();
    app.use(express.json());
    // #region guide:typebox-express
    // Fastify's own Ajv options, so that both sides accept the same input.
    const ajv = new Ajv({ removeAdditional: true, coerceTypes: 'array', useDefaults: true });
    const isNewItem = ajv.compile<Static<typeof NewItemSchema>>(NewItemSchema);
    app.post('/items', (req, res) => {
      if (!isNewItem(req.body)) {
        res.status(400).json({ errors: isNewItem.errors });
        return;
      }
      // The guard narrows req.body; res.json sends whatever it is given.
      res.status(201).json(store(req.body));
    });
    // #endregion guide:typebox-express
    return app;
  },
  fastify() {
    // #region guide:typebox-fastify
    // withTypeProvider on the instance the routes are declared on, or the types are lost.
    const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    app.post(
      '/items',
      { schema: { body: NewItemSchema, response: { 201: ItemSchema } } },
      // request.body is { name: string; qty: number }, from the schema.
      async (request, reply) => reply.code(201).send(store(request.body)),
    );
    // #endregion guide:typebox-fastify
    return app;
  },
};
