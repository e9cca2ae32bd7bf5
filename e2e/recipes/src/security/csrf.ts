// Recipe: `csurf` in Express, `@fastify/csrf-protection` in Fastify, both keeping the CSRF
// secret in a cookie (docs/recipes/security.md#csrf). csurf is the deprecated "before".
import cookieParser from 'cookie-parser';
import csrf from 'csurf';
import express, { type ErrorRequestHandler } from 'express';
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import type { RecipePair } from '../harness.js';

export const csrfRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:csrf-express
    app.use(cookieParser());
    app.use(express.json());
    // Checks every method but GET, HEAD and OPTIONS, for every route after it.
    app.use(csrf({ cookie: { httpOnly: true, sameSite: 'strict' } }));
    app.get('/csrf', (req, res) => {
      res.json({ token: req.csrfToken() });
    });
    app.post('/transfers', (_req, res) => {
      res.status(201).json({ ok: true });
    });
    // csurf passes a 403 error with code EBADCSRFTOKEN to the error handler.
    const onError: ErrorRequestHandler = (error, _req, res, next) => {
      if (error.code !== 'EBADCSRFTOKEN') return next(error);
      res.status(403).json({ error: 'invalid csrf token' });
    };
    app.use(onError);
    // #endregion guide:csrf-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:csrf-fastify
    await app.register(fastifyCookie);
    await app.register(fastifyCsrf);
    app.get('/csrf', async (_request, reply) => ({ token: reply.generateCsrf() }));
    // The check is a hook you put on each route that needs it (or on a whole plugin).
    app.post('/transfers', { onRequest: app.csrfProtection }, async (_request, reply) =>
      reply.code(201).send({ ok: true }),
    );
    // #endregion guide:csrf-fastify
    return app;
  },
};
