// Recipe: `express-basic-auth` in Express, `@fastify/basic-auth` in Fastify
// (docs/recipes/security.md#basic-auth).
import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import basicAuth from 'express-basic-auth';
import Fastify from 'fastify';
import fastifyBasicAuth from '@fastify/basic-auth';
import type { RecipePair } from '../harness.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The user that basic auth let in; express-basic-auth calls it `req.auth.user`. */
    basicUser: string;
  }
}

export const ADMIN = { username: 'admin', password: 'recipe-admin-password' };
export const REALM = 'Switchyard';

/** Compares in constant time, as express-basic-auth's `users` option does for you. */
function same(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export const basicAuthRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:basic-auth-express
    app.get('/health', (_req, res) => {
      res.json({ ok: true });
    });
    // Every route after this line needs the password.
    app.use(
      basicAuth({ users: { [ADMIN.username]: ADMIN.password }, challenge: true, realm: REALM }),
    );
    app.get('/admin', (req, res) => {
      res.json({ user: (req as basicAuth.IBasicAuthedRequest).auth.user });
    });
    // #endregion guide:basic-auth-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:basic-auth-fastify
    app.decorateRequest('basicUser', '');
    await app.register(fastifyBasicAuth, {
      // Throwing answers 401 with the error's message in the body: keep it vague.
      async validate(username, password, request) {
        if (!(same(username, ADMIN.username) && same(password, ADMIN.password))) {
          throw new Error('wrong username or password');
        }
        request.basicUser = username;
      },
      authenticate: { realm: REALM },
    });
    app.get('/health', async () => ({ ok: true }));
    app.get('/admin', { onRequest: app.basicAuth }, async (request) => ({
      user: request.basicUser,
    }));
    // #endregion guide:basic-auth-fastify
    return app;
  },
};
