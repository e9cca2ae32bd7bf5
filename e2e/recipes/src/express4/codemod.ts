// Recipe: what the Express 5 codemod (the expressjs/codemod v5 migration recipe) rewrites, and
// what it leaves for you (docs/recipes/express4.md#codemod). The codemod cannot be installed or
// fetched on this project's machines, so its output is written out here by hand, one change per
// transform its README documents; the test runs the three stages on both versions over HTTP.
import { fileURLToPath } from 'node:url';
import type { Express4Module } from 'express4';

const PUBLIC = fileURLToPath(new URL('public', import.meta.url));

/** An Express 4 shop as a reader has it, before the codemod. */
export function beforeCodemod(ex: Express4Module) {
  const app = ex();
  // #region guide:codemod-before
  app.use(ex.static(PUBLIC));
  app.get('/files/*', (req, res) => {
    res.sendfile(req.params[0] ?? '', { root: PUBLIC });
  });
  app.get('/items/:id?', (req, res) => {
    res.json({ id: req.param('id') ?? null });
  });
  app.post('/items', (_req, res) => {
    res.json({ created: true }, 201);
  });
  app.del('/items/:id', (_req, res) => {
    res.send(204);
  });
  app.get('/cancel', (_req, res) => {
    res.redirect('back');
  });
  app.get('/old', (_req, res) => {
    res.redirect('/items', 301);
  });
  app.get('/charset', (req, res) => {
    res.json({ charset: req.acceptsCharset('utf-8') });
  });
  // #endregion guide:codemod-before
  return app;
}

/** The same file as the v5 migration recipe's transforms leave it. */
export function afterCodemod(ex: Express4Module) {
  const app = ex();
  // #region guide:codemod-after
  // static-dotfiles: dotfiles 'allow' (wider than Express 4: see the test).
  app.use(ex.static(PUBLIC, { dotfiles: 'allow' }));
  // Left as it was: Express 4's `*`. camelcase-sendfile, then sendfile-options.
  app.get('/files/*', (req, res) => {
    res.sendFile(req.params[0] ?? '', { root: PUBLIC, dotfiles: 'allow' });
  });
  // Left as it was: `:id?`. explicit-request-params.
  app.get('/items/:id?', (req, res) => {
    res.json({ id: req.params.id ?? null });
  });
  // status-send-order.
  app.post('/items', (_req, res) => {
    res.status(201).json({ created: true });
  });
  // route-del-to-delete, then status-send-order.
  app.delete('/items/:id', (_req, res) => {
    res.sendStatus(204);
  });
  // back-redirect-deprecated.
  app.get('/cancel', (req, res) => {
    res.redirect(req.get('Referrer') || '/');
  });
  // redirect-arg-order.
  app.get('/old', (_req, res) => {
    res.redirect(301, '/items');
  });
  // pluralize-method-names.
  app.get('/charset', (req, res) => {
    res.json({ charset: req.acceptsCharsets('utf-8') });
  });
  // #endregion guide:codemod-after
  return app;
}

/** What you finish by hand: the paths, and the dotfiles you mean to serve. */
export function finishedByHand(ex: Express4Module) {
  const app = ex();
  // #region guide:codemod-finished
  app.use('/.well-known', ex.static(`${PUBLIC}/.well-known`, { dotfiles: 'allow' }));
  app.use(ex.static(PUBLIC));
  // A RegExp path: Express 4 and 5 both read it as Express 4 read `/files/*`.
  app.get(/^\/files\/(.*)$/, (req, res) => {
    res.sendFile(req.params[0] ?? '', { root: PUBLIC });
  });
  app.get(['/items', '/items/:id'], (req, res) => {
    res.json({ id: req.params['id'] ?? null });
  });
  // #endregion guide:codemod-finished
  app.post('/items', (_req, res) => {
    res.status(201).json({ created: true });
  });
  app.delete('/items/:id', (_req, res) => {
    res.sendStatus(204);
  });
  app.get('/cancel', (req, res) => {
    res.redirect(req.get('Referrer') || '/');
  });
  app.get('/old', (_req, res) => {
    res.redirect(301, '/items');
  });
  app.get('/charset', (req, res) => {
    res.json({ charset: req.acceptsCharsets('utf-8') });
  });
  return app;
}
