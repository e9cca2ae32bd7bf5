// Recipe: an Express 4 router kept as it is, under Fastify through @fastify/express, beside a
// Fastify route (docs/recipes/express4.md#bridge). @fastify/express runs Express 5, and the
// router keeps its own Express 4 path matching inside it.
import fastifyExpress from '@fastify/express';
import express4, { type Router4 } from 'express4';
import Fastify, { type FastifyError } from 'fastify';
import { catchAsync, loadItem } from './async-errors.js';

/** The legacy router as an Express 4 app has it; its async route is the trap. */
export function legacyRouter(): Router4 {
  // #region guide:bridge-router
  const router = express4.Router();
  router.use((_req, res, next) => {
    res.setHeader('x-legacy', 'express4');
    next();
  });
  // Express 4's path syntax: Express 5 refuses both paths when they are added.
  router.get('/files/*', (req, res) => {
    res.json({ path: req.params[0] });
  });
  router.get('/items/:id?', (req, res) => {
    res.json({ id: req.params['id'] ?? null });
  });
  router.get('/broken', () => {
    throw new Error('legacy route failed');
  });
  router.get('/stock/:id', async (req, res) => {
    res.json(await loadItem(req.params['id'] ?? ''));
  });
  // #endregion guide:bridge-router
  // Express 4 calls that Express 5 removed: the router is Express 4's, the req and res are not.
  router.get('/param/:id', (req, res) => {
    res.json({ id: req.param('id') });
  });
  router.post('/jobs', (_req, res) => {
    res.send(202);
  });
  return router;
}

/** The same router with its async route wrapped: the fix until it moves to Fastify. */
export function caughtRouter(): Router4 {
  const router = express4.Router();
  router.get('/files/*', (req, res) => {
    res.json({ path: req.params[0] });
  });
  // #region guide:bridge-fix
  router.get(
    '/stock/:id',
    catchAsync(async (req, res) => {
      res.json(await loadItem(req.params['id'] ?? ''));
    }),
  );
  // #endregion guide:bridge-fix
  return router;
}

export async function buildBridge(router: Router4) {
  // #region guide:bridge-mount
  const app = Fastify();
  // An error the router passes on (a throw, next(err)) ends here, as a Fastify route's does.
  app.setErrorHandler(async (error: FastifyError, _request, reply) =>
    reply.code(500).send({ error: error.message }),
  );
  await app.register(fastifyExpress);
  app.use('/legacy', router);
  app.get('/native', async () => ({ native: true }));
  // #endregion guide:bridge-mount
  return app;
}
