// Recipe: `app.param` as a preHandler hook in the plugin that owns the `:itemId` routes
// (docs/recipes/routing.md#app-param).
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import type { RecipePair } from '../harness.js';

export interface Item {
  readonly id: number;
  readonly name: string;
}

export const ITEMS = new Map<number, Item>([[1, { id: 1, name: 'kettle' }]]);

// The Express side puts the loaded item on the request and its response object, as app.param
// callbacks do; declared here so that `req.item` type-checks.
type WithItem = express.Request & { item?: Item };

export const paramsRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:app-param-express
    app.param('itemId', (req: WithItem, res, next, value: string) => {
      const item = ITEMS.get(Number(value));
      if (!item) {
        res.status(404).json({ error: 'no such item' });
        return;
      }
      req.item = item;
      next();
    });
    app.get('/items/:itemId', (req: WithItem, res) => {
      res.json(req.item);
    });
    app.get('/items/:itemId/name', (req: WithItem, res) => {
      res.type('text').send(req.item?.name);
    });
    // #endregion guide:app-param-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:app-param-fastify
    await app.register(
      async (items: FastifyInstance) => {
        items.decorateRequest('item', null);
        // preHandler runs after validation, so params.itemId is the number the schema made it.
        items.addHook<{ Params: { itemId: number } }>('preHandler', async (request, reply) => {
          const item = ITEMS.get(request.params.itemId);
          if (!item) return reply.code(404).send({ error: 'no such item' });
          request.item = item;
        });
        const schema = {
          params: {
            type: 'object',
            properties: { itemId: { type: 'integer' } },
            required: ['itemId'],
          },
        };
        items.get('/', { schema }, async (request) => request.item);
        items.get('/name', { schema }, async (request, reply) =>
          reply.type('text/plain').send(request.item?.name),
        );
      },
      { prefix: '/items/:itemId' },
    );
    // #endregion guide:app-param-fastify
    return app;
  },
};

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `:itemId` plugin's preHandler for its routes; null elsewhere. */
    item: Item | null;
  }
}
