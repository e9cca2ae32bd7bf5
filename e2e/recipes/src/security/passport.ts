// Recipe: `passport` with passport-local in Express, `@fastify/passport` with the same strategy
// in Fastify, each on its session plugin (docs/recipes/security.md#passport).
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { Strategy as LocalStrategy, type VerifyFunction } from 'passport-local';
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { Authenticator } from '@fastify/passport';
import type { RecipePair } from '../harness.js';

export interface AccountUser {
  id: string;
  username: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends AccountUser {}
  }
}

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface PassportUser extends AccountUser {}
}

export const ACCOUNT = { username: 'ada', password: 'correct horse battery staple' };
const USERS: readonly AccountUser[] = [{ id: 'u1', username: ACCOUNT.username }];
const SECRET = 'recipe-passport-session-secret-32-chars-long';

/**
 * The one strategy both sides use. A recipe compares a plain password; a real app compares a
 * hash (argon2, bcrypt) from its database.
 */
const verify: VerifyFunction = (username, password, done) => {
  const user = USERS.find((candidate) => candidate.username === username);
  if (user === undefined || password !== ACCOUNT.password) return done(null, false);
  return done(null, user);
};

function findUser(id: string): AccountUser | undefined {
  return USERS.find((user) => user.id === id);
}

export const passportRecipe: RecipePair = {
  express() {
    const app = express();
    const authenticator = new passport.Passport();
    // #region guide:passport-express
    authenticator.use(new LocalStrategy(verify));
    authenticator.serializeUser((user, done) => done(null, user.id));
    authenticator.deserializeUser((id: string, done) => done(null, findUser(id) ?? false));

    app.use(express.json());
    app.use(session({ secret: SECRET, resave: false, saveUninitialized: false }));
    app.use(authenticator.session());
    app.post('/login', authenticator.authenticate('local'), (req, res) => {
      res.json({ user: req.user });
    });
    app.get('/me', (req, res) => {
      if (!req.isAuthenticated()) {
        res.status(401).json({ error: 'login first' });
        return;
      }
      res.json({ user: req.user });
    });
    app.post('/logout', (req, res, next) => {
      req.logout((error) => (error ? next(error) : res.status(204).end()));
    });
    // #endregion guide:passport-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    const authenticator = new Authenticator();
    // #region guide:passport-fastify
    authenticator.use('local', new LocalStrategy(verify));
    authenticator.registerUserSerializer(async (user: AccountUser) => user.id);
    authenticator.registerUserDeserializer(async (id: string) => findUser(id) ?? null);

    await app.register(fastifyCookie);
    await app.register(fastifySession, {
      secret: SECRET,
      saveUninitialized: false,
      cookie: { secure: 'auto' },
    });
    await app.register(authenticator.initialize());
    await app.register(authenticator.secureSession());
    app.post('/login', { preValidation: authenticator.authenticate('local') }, async (request) => ({
      user: request.user,
    }));
    app.get('/me', async (request, reply) => {
      if (!request.isAuthenticated()) return reply.code(401).send({ error: 'login first' });
      return { user: request.user };
    });
    app.post('/logout', async (request, reply) => {
      await request.logOut();
      return reply.code(204).send();
    });
    // #endregion guide:passport-fastify
    return app;
  },
};
