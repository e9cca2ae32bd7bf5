// Recipe: `express-session` in Express, `@fastify/session` with `@fastify/cookie` in Fastify,
// both on one Redis store through `connect-redis` (docs/recipes/security.md#express-session).
import express from 'express';
import session from 'express-session';
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import type { RedisStore } from 'connect-redis';
import type { RecipePair } from '../harness.js';

declare module 'express-session' {
  interface SessionData {
    views: number;
  }
}

declare module 'fastify' {
  interface Session {
    views: number;
  }
}

/** The secret both sides sign the session cookie with: @fastify/session needs 32 characters. */
export const SESSION_SECRET = 'recipe-session-secret-at-least-32-characters';

/** Both apps on one store: the same Redis client and key prefix, so a session is shared. */
export function sessionRecipe(store: RedisStore): RecipePair {
  return {
    express() {
      const app = express();
      // #region guide:express-session-express
      app.use(
        session({
          store,
          secret: SESSION_SECRET,
          resave: false,
          saveUninitialized: false,
          cookie: { httpOnly: true, sameSite: 'lax' },
        }),
      );
      app.post('/visits', (req, res) => {
        req.session.views = (req.session.views ?? 0) + 1;
        res.json({ views: req.session.views });
      });
      app.post('/logout', (req, res, next) => {
        req.session.destroy((error) => (error ? next(error) : res.status(204).end()));
      });
      // #endregion guide:express-session-express
      return app;
    },
    async fastify() {
      const app = Fastify();
      // #region guide:express-session-fastify
      await app.register(fastifyCookie);
      await app.register(fastifySession, {
        store,
        secret: SESSION_SECRET,
        // express-session's cookie name and its `s:` before the signed id: with these two,
        // each app reads the session cookie the other set.
        cookieName: 'connect.sid',
        cookiePrefix: 's:',
        saveUninitialized: false,
        // express-session's defaults: the plugin's are `rolling: true` and `secure: true`, and
        // a secure cookie is never sent over plain HTTP.
        rolling: false,
        cookie: { secure: 'auto', httpOnly: true, sameSite: 'lax' },
      });
      app.post('/visits', async (request) => {
        request.session.views = (request.session.views ?? 0) + 1;
        return { views: request.session.views };
      });
      app.post('/logout', async (request, reply) => {
        await request.session.destroy();
        return reply.code(204).send();
      });
      // #endregion guide:express-session-fastify
      return app;
    },
  };
}
