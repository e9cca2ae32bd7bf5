// Recipe: `jsonwebtoken` and `express-jwt` in Express, `@fastify/jwt` in Fastify
// (docs/recipes/security.md#jwt).
import express, { type ErrorRequestHandler } from 'express';
import { expressjwt, type Request as JwtRequest } from 'express-jwt';
import jwt from 'jsonwebtoken';
import Fastify from 'fastify';
import fastifyJwt from '@fastify/jwt';
import type { RecipePair } from '../harness.js';

/** The HS256 secret both sides share; a real app reads it (or a key pair) from its config. */
export const JWT_SECRET = 'recipe-jwt-secret-at-least-32-characters';

export interface Claims {
  sub: string;
  role: string;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: Claims;
    user: Claims & { iat: number; exp: number };
  }
}

export const jwtRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:jwt-express
    app.post('/token', (_req, res) => {
      const claims: Claims = { sub: 'u1', role: 'admin' };
      res.json({ token: jwt.sign(claims, JWT_SECRET, { algorithm: 'HS256', expiresIn: '15m' }) });
    });
    app.get('/me', expressjwt({ secret: JWT_SECRET, algorithms: ['HS256'] }), (req, res) => {
      // express-jwt 7 and later put the claims on req.auth, no longer on req.user.
      res.json({ claims: (req as JwtRequest<Claims>).auth });
    });
    // express-jwt passes an UnauthorizedError (status 401) to the error handler.
    const onError: ErrorRequestHandler = (error, _req, res, next) => {
      if (error.name !== 'UnauthorizedError') return next(error);
      res.status(401).json({ error: error.message });
    };
    app.use(onError);
    // #endregion guide:jwt-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:jwt-fastify
    await app.register(fastifyJwt, {
      secret: JWT_SECRET,
      sign: { expiresIn: '15m' },
      // As express-jwt's required `algorithms`: without it the plugin takes an HS512 token too.
      verify: { algorithms: ['HS256'] },
    });
    app.post('/token', async () => ({ token: app.jwt.sign({ sub: 'u1', role: 'admin' }) }));
    app.get(
      '/me',
      // jwtVerify reads `Authorization: Bearer`, throws a 401 error, and sets request.user;
      // fast-jwt's error for a token in another algorithm has no status and would be a 500.
      {
        onRequest: async (request) => {
          try {
            await request.jwtVerify();
          } catch (error) {
            throw Object.assign(error as Error, { statusCode: 401 });
          }
        },
      },
      async (request) => ({ claims: request.user }),
    );
    // #endregion guide:jwt-fastify
    return app;
  },
};
