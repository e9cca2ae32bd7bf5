// Recipe: Express 4's route paths (path-to-regexp 0.1) in Express 5 (path-to-regexp 8) and in
// Fastify (find-my-way) (docs/recipes/express4.md#path-syntax).
import express from 'express';
import express4 from 'express4';
import Fastify from 'fastify';

/**
 * Paths Express 4 takes and Express 5 refuses when the route is added, each with an Express 5
 * path that matches the same requests (`matches`) and refuses the same others (`refuses`).
 */
export const OLD_PATHS = [
  { old: '/files/*', next: '/files/*path', matches: ['/files/a/b.txt'], refuses: ['/files'] },
  { old: '/items/:id?', next: '/items{/:id}', matches: ['/items', '/items/7'], refuses: [] },
  {
    old: '/orders/:id(\\d+)',
    next: /^\/orders\/(\d+)$/,
    matches: ['/orders/42'],
    refuses: ['/orders/abc'],
  },
  { old: '/colou?r', next: '/colo{u}r', matches: ['/color', '/colour'], refuses: ['/colouur'] },
  { old: '/a+b', next: /^\/a+b$/, matches: ['/ab', '/aaab'], refuses: ['/b'] },
  { old: '/(legacy)/status', next: '/legacy/status', matches: ['/legacy/status'], refuses: [] },
] as const;

export function buildExpress4Paths() {
  const app = express4();
  // #region guide:path-syntax-express4
  // Express 4 (path-to-regexp 0.1): an unnamed `*`, a `?` after a parameter, a regular
  // expression in the string.
  app.get('/files/*', (req, res) => {
    res.json({ path: req.params[0] });
  });
  app.get('/items/:id?', (req, res) => {
    res.json({ id: req.params.id ?? null, keys: Object.keys(req.params) });
  });
  app.get('/orders/:id(\\d+)', (req, res) => {
    res.json({ order: Number(req.params.id) });
  });
  // #endregion guide:path-syntax-express4
  return app;
}

export function buildExpress5Paths() {
  const app = express();
  // #region guide:path-syntax-express5
  // Express 5 (path-to-regexp 8): a wildcard has a name and its value is the list of
  // segments; braces make a part optional; no regular expression inside a string.
  app.get('/files/*path', (req, res) => {
    res.json({ path: req.params.path.join('/') });
  });
  app.get('/items{/:id}', (req, res) => {
    res.json({ id: req.params.id ?? null, keys: Object.keys(req.params) });
  });
  // Check the digits in the handler and pass the request on, or give a RegExp route.
  app.get('/orders/:id', (req, res, next) => {
    if (!/^\d+$/.test(req.params.id)) return next();
    res.json({ order: Number(req.params.id) });
  });
  // #endregion guide:path-syntax-express5
  return app;
}

export function buildFastifyPaths() {
  const app = Fastify();
  // #region guide:path-syntax-fastify
  // Fastify (find-my-way) keeps two of Express 4's forms: `:id?` as the last part and a
  // regular expression in parentheses. The wildcard is `*`, read as params['*'].
  app.get<{ Params: { '*': string } }>('/files/*', async (request) => ({
    path: request.params['*'],
  }));
  app.get<{ Params: { id?: string } }>('/items/:id?', async (request) => ({
    id: request.params.id ?? null,
    keys: Object.keys(request.params),
  }));
  app.get<{ Params: { id: string } }>('/orders/:id(^\\d+$)', async (request) => ({
    order: Number(request.params.id),
  }));
  // #endregion guide:path-syntax-fastify
  return app;
}

/** Express 5's syntax given to Express 4: it starts, and the paths mean something else. */
export function buildExpress4WithNewSyntax() {
  const app = express4();
  app.get('/files/*path', (req, res) => {
    res.json({ params: req.params });
  });
  app.get('/items{/:id}', (req, res) => {
    res.json({ params: req.params });
  });
  return app;
}

/** Paths that mean the same to Express 4 and Express 5: the step before the upgrade. */
export function portablePaths(app: express.Express) {
  // #region guide:path-syntax-portable
  // A RegExp route is matched as it is by both versions; its groups are params[0], [1]...
  app.get(/^\/files\/(.+)$/, (req, res) => {
    res.json({ path: req.params[0] });
  });
  // Two paths instead of one optional parameter.
  app.get(['/items', '/items/:id'], (req, res) => {
    res.json({ id: req.params.id ?? null });
  });
  app.get(/^\/orders\/(\d+)$/, (req, res) => {
    res.json({ order: Number(req.params[0]) });
  });
  // #endregion guide:path-syntax-portable
  return app;
}
