// Recipe: `app.locals`, `res.locals` and `req.user` as `decorate`, `decorateRequest` and a
// `declare module 'fastify'` (docs/recipes/routing.md#res-locals, #req-user).
import express from 'express';
import Fastify from 'fastify';
import type { RecipePair } from '../harness.js';

export interface User {
  readonly id: string;
  readonly role: 'admin' | 'reader';
}

/** Who each bearer token is; a stand-in for the session or token lookup. */
export const TOKENS: Readonly<Record<string, User>> = {
  'token-ada': { id: 'ada', role: 'admin' },
  'token-bob': { id: 'bob', role: 'reader' },
};

const userFor = (authorization: string | undefined): User | null =>
  TOKENS[authorization?.replace(/^Bearer /, '') ?? ''] ?? null;

// #region guide:req-user-express-types
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // The shape @types/passport gives `req.user`, so that the two merge if both are present.
    interface User {
      id: string;
      role: 'admin' | 'reader';
    }
    interface Request {
      user?: User | undefined;
    }
  }
}
// #endregion guide:req-user-express-types

// #region guide:req-user-fastify-types
declare module 'fastify' {
  interface FastifyInstance {
    appName: string;
  }
  interface FastifyRequest {
    user: User | null;
    tags: string[];
  }
}
// #endregion guide:req-user-fastify-types

export const localsRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:res-locals-express
    app.locals.appName = 'switchyard';
    app.use((req, res, next) => {
      req.user = userFor(req.get('authorization')) ?? undefined;
      res.locals.tags = [];
      next();
    });
    app.get('/me', (req, res) => {
      res.locals.tags.push('seen');
      res.json({ app: req.app.locals.appName, user: req.user ?? null, tags: res.locals.tags });
    });
    // #endregion guide:res-locals-express
    return app;
  },
  fastify() {
    const app = Fastify();
    // #region guide:res-locals-fastify
    app.decorate('appName', 'switchyard');
    // Decorate with null (or a primitive) and set the value per request in a hook: Fastify 5
    // refuses an object or array default, which every request would share.
    app.decorateRequest('user', null);
    // Typed string[] because every route runs after the hook below gives it a list.
    app.decorateRequest('tags', null as unknown as string[]);
    app.addHook('onRequest', async (request) => {
      request.user = userFor(request.headers.authorization);
      request.tags = [];
    });
    app.get('/me', async function (request) {
      request.tags.push('seen');
      return { app: this.appName, user: request.user, tags: request.tags };
    });
    // #endregion guide:res-locals-fastify
    return app;
  },
};
