// A bare Express 5 app with every default left as it is: `express.json()` without options and
// the routes the defaults suite asks about. Nothing here is tuned; that is the point.
import express, { type Express } from 'express';

export function buildBareExpress(): Express {
  const app = express();
  app.use(express.json());
  app.get('/items/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  app.get('/query', (req, res) => {
    res.json(req.query);
  });
  // The same handler for the methods whose body the suite sends.
  const echo: express.RequestHandler = (req, res) => {
    res.json({ body: (req.body as unknown) ?? null });
  };
  app.post('/echo', echo);
  app.delete('/echo', echo);
  app.get('/echo', echo);
  app.get('/error', () => {
    throw new Error('boom');
  });
  app.get('/rejected', async () => {
    await Promise.resolve();
    throw new Error('boom');
  });
  return app;
}
