// Recipe: one session for both sides of a bridge, in one Fastify instance: express-session on
// the routes Express still serves (through @fastify/express) and @fastify/session with
// @fastify/cookie on the routes already moved, over one connect-redis store
// (docs/recipes/bridge.md#shared-sessions). The cookie settings are the ones of
// docs/recipes/security.md#express-session that let each side read the other's cookie.
import expressPlugin from '@fastify/express';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import type { RedisStore } from 'connect-redis';
import express from 'express';
import session from 'express-session';
import Fastify, { type FastifyInstance } from 'fastify';
import { SESSION_SECRET } from '../security/express-session.js';

export async function buildSharedSessionApp(store: RedisStore): Promise<FastifyInstance> {
  const app = Fastify();
  // #region guide:shared-sessions-express
  // The Express side as it was: express-session for every request it sees, which in the bridge
  // is every request (Express runs first, in onRequest), the moved routes' included.
  const side = express();
  side.use(
    session({
      store,
      secret: SESSION_SECRET,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );
  side.post('/express/visits', (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.json({ side: 'express', views: req.session.views });
  });
  side.post('/express/logout', (req, res, next) => {
    req.session.destroy((error) => (error ? next(error) : res.status(204).end()));
  });
  await app.register(expressPlugin);
  app.use(side);
  // #endregion guide:shared-sessions-express

  // #region guide:shared-sessions-fastify
  // The moved routes, in a plugin of their own: @fastify/session's hooks then run for these
  // routes only. Registered at the root they work too, but they would read the session from
  // Redis a second time for every request Express answers.
  await app.register(async (moved) => {
    await moved.register(fastifyCookie);
    await moved.register(fastifySession, {
      store,
      secret: SESSION_SECRET,
      cookieName: 'connect.sid',
      cookiePrefix: 's:',
      saveUninitialized: false,
      rolling: false,
      cookie: { secure: 'auto', httpOnly: true, sameSite: 'lax' },
    });
    moved.post('/fastify/visits', async (request) => {
      request.session.views = (request.session.views ?? 0) + 1;
      return { side: 'fastify', views: request.session.views };
    });
    moved.post('/fastify/logout', async (request, reply) => {
      await request.session.destroy();
      return reply.code(204).send();
    });
  });
  // #endregion guide:shared-sessions-fastify
  return app;
}
