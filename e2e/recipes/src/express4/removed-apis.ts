// Recipe: the Express 4 calls that Express 5 removed or changed, and what replaces each; the
// replacements run on Express 4 too, so you can make them before you upgrade
// (docs/recipes/express4.md#removed-apis). The "legacy" side is a deliberate before pattern.
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import express4, {
  type Express4,
  type NextFunction as Next4,
  type Request4,
  type Response4,
} from 'express4';
import { express4AsExpress } from './serve.js';

/** The folder the file routes send from. */
export const FILES = fileURLToPath(new URL('public', import.meta.url));

/** Express 4 code as it is written against Express 4, on whichever Express you give it. */
export function legacyRoutes(app: Express4): Express4 {
  // #region guide:removed-apis-express4
  app.get('/items/:id', (req, res) => {
    res.json({ id: req.param('id') });
  });
  app.post('/items', (_req, res) => {
    res.json({ created: true }, 201);
  });
  app.post('/jobs', (_req, res) => {
    res.send(202);
  });
  app.get('/old', (_req, res) => {
    res.redirect('/new', 301);
  });
  app.get('/cancel', (_req, res) => {
    res.redirect('back');
  });
  app.get('/manifest', (_req, res) => {
    res.sendfile('app.json', { root: FILES });
  });
  app.get('/charset', (req, res) => {
    res.json({ charset: req.acceptsCharset('utf-8') });
  });
  app.get('/created-status', (_req, res) => {
    // A status read from configuration or a header arrives as a string.
    res.status('201' as unknown as number).json({ created: true });
  });
  // #endregion guide:removed-apis-express4
  app.use((err: Error, _req: Request4, res: Response4, _next: Next4) => {
    res.status(500).json({ error: err.message });
  });
  return app;
}

/** `app.del`, apart: on Express 5 it throws while the routes are added. */
export function legacyDelete(app: Express4): Express4 {
  app.del('/items/:id', (_req, res) => {
    res.status(204).end();
  });
  return app;
}

/** The same routes written for Express 5, which Express 4 runs alike. */
export function migratedRoutes(app: Express): Express {
  // #region guide:removed-apis-express5
  app.delete('/items/:id', (_req, res) => {
    res.sendStatus(204);
  });
  // req.param(name) looked in params, then body, then query: say which one you mean.
  app.get('/items/:id', (req, res) => {
    res.json({ id: req.params['id'] });
  });
  app.post('/items', (_req, res) => {
    res.status(201).json({ created: true });
  });
  app.post('/jobs', (_req, res) => {
    res.sendStatus(202);
  });
  app.get('/old', (_req, res) => {
    res.redirect(301, '/new');
  });
  app.get('/cancel', (req, res) => {
    res.redirect(req.get('Referrer') ?? '/');
  });
  app.get('/manifest', (_req, res) => {
    res.sendFile('app.json', { root: FILES });
  });
  app.get('/charset', (req, res) => {
    res.json({ charset: req.acceptsCharsets('utf-8') });
  });
  app.get('/created-status', (_req, res) => {
    // Express 5 takes only an integer from 100 to 999.
    res.status(Number('201')).json({ created: true });
  });
  // #endregion guide:removed-apis-express5
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: err.message });
  });
  return app;
}

/** The Express 4 code on Express 4, or as it stands after `npm install express@5`. */
export function buildLegacy(version: 4 | 5): Express4 {
  if (version === 4) return legacyRoutes(legacyDelete(express4()));
  // Without app.del, which throws while the routes are added (legacyDeleteOn5).
  return legacyRoutes(express() as unknown as Express4);
}

export function legacyDeleteOn5(): Express4 {
  return legacyDelete(express() as unknown as Express4);
}

/** The rewritten code, on either version. */
export function buildMigrated(version: 4 | 5): Express {
  return migratedRoutes(version === 4 ? express4AsExpress() : express());
}
