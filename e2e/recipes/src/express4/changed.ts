// Recipe: Express 4 code that Express 5 runs without an error and answers differently: the
// body, the query, the forms, the host, a cleared cookie, dot-folders in static files
// (docs/recipes/express4.md#changed-behaviour). The same routes are added to both versions.
import { fileURLToPath } from 'node:url';
import type express from 'express';
import type { NextFunction, Request, Response } from 'express';

const PUBLIC = fileURLToPath(new URL('public', import.meta.url));

/** A handler's error as JSON, so that a test reads the message (and nothing goes to stderr). */
function answerErrors(err: Error, _req: Request, res: Response, _next: NextFunction) {
  res.status(500).json({ error: err.message });
}

/** The routes as an Express 4 app has them. */
export function changedRoutes(ex: typeof express) {
  const app = ex();
  // #region guide:changed-behaviour-express4
  // Express 4's json() leaves {} when the request has no JSON body; Express 5's leaves undefined.
  app.post('/notes', ex.json(), (req, res) => {
    res.status(201).json({ title: req.body.title ?? 'untitled' });
  });
  // No `extended`: Express 4 takes qs ("extended") and warns, Express 5 node:querystring.
  app.post('/form', ex.urlencoded(), (req, res) => {
    res.json(req.body);
  });
  // Middleware that fills in defaults by writing to req.query.
  app.use('/search', (req, _res, next) => {
    req.query.page ??= '1';
    next();
  });
  app.get('/search', (req, res) => {
    res.json(req.query);
  });
  app.get('/host', (req, res) => {
    res.json({ host: req.host });
  });
  app.post('/logout', (_req, res) => {
    res.clearCookie('sid', { maxAge: 60_000 }).sendStatus(204);
  });
  app.use(ex.static(PUBLIC));
  // #endregion guide:changed-behaviour-express4
  app.use(answerErrors);
  return app;
}

/** The same routes, written so that Express 4 and Express 5 answer alike. */
export function portableRoutes(ex: typeof express) {
  const app = ex();
  // #region guide:changed-behaviour-express5
  app.post('/notes', ex.json(), (req, res) => {
    res.status(201).json({ title: req.body?.title ?? 'untitled' });
  });
  // Say which parser you mean; qs, as Express 4 had it, is `extended: true`.
  app.post('/form', ex.urlencoded({ extended: true }), (req, res) => {
    res.json(req.body);
  });
  // req.query is computed on every read in Express 5: keep what you derive in res.locals.
  app.use('/search', (req, res, next) => {
    res.locals['query'] = { page: '1', ...req.query };
    next();
  });
  app.get('/search', (_req, res) => {
    res.json(res.locals['query']);
  });
  // req.hostname is the host without the port in both.
  app.get('/host', (req, res) => {
    res.json({ host: req.hostname });
  });
  app.post('/logout', (_req, res) => {
    res.clearCookie('sid').sendStatus(204);
  });
  // Name the dot-folder you mean to serve; every other dotfile stays hidden.
  app.use('/.well-known', ex.static(`${PUBLIC}/.well-known`, { dotfiles: 'allow' }));
  app.use(ex.static(PUBLIC));
  // #endregion guide:changed-behaviour-express5
  app.use(answerErrors);
  return app;
}
