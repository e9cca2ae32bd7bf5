// Recipe: `res.status`, `res.set`, `res.type`, `res.json`, `res.send` and `res.sendStatus` in
// Express, `reply.code().header().type().send()` and a returned value in Fastify
// (docs/recipes/bodies.md#replies).
import express from 'express';
import Fastify from 'fastify';
import type { RecipePair } from '../harness.js';

/** The stored user, with a field that must never reach a client. */
export const STORED_USER = { id: 1, name: 'Ann', passwordHash: 'argon2id$…' };

export const repliesRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:replies-express
    app.get('/users/1', (_req, res) => {
      res.status(200).set('cache-control', 'no-store').json(STORED_USER);
    });
    app.post('/users', (_req, res) => {
      res.status(201).location('/users/2').json({ id: 2, name: 'Bea' });
    });
    app.get('/health', (_req, res) => {
      res.type('text/plain').send('ok');
    });
    app.delete('/users/1', (_req, res) => {
      res.sendStatus(204);
    });
    app.get('/legacy', (_req, res) => {
      res.sendStatus(410);
    });
    // #endregion guide:replies-express
    return app;
  },
  fastify() {
    const app = Fastify();
    // #region guide:replies-fastify
    const user = {
      type: 'object',
      properties: { id: { type: 'integer' }, name: { type: 'string' } },
    } as const;
    // The response schema serializes only the properties it lists: passwordHash is dropped.
    app.get('/users/1', { schema: { response: { 200: user } } }, async (_request, reply) =>
      reply.code(200).header('cache-control', 'no-store').send(STORED_USER),
    );
    app.post('/users', async (_request, reply) =>
      reply.code(201).header('location', '/users/2').send({ id: 2, name: 'Bea' }),
    );
    app.get('/health', async (_request, reply) => reply.type('text/plain').send('ok'));
    app.delete('/users/1', async (_request, reply) => reply.code(204).send());
    app.get('/legacy', async (_request, reply) => reply.code(410).send());
    // #endregion guide:replies-fastify
    return app;
  },
};
