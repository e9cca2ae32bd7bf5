// Recipe: a rejected promise from an async handler. Express 4 never sees it: the request gets
// no answer and Node reports an unhandled rejection, which ends the process by default. Express 5
// passes it to the error handler (docs/recipes/express4.md#async-errors).
import express, { type NextFunction, type Request, type Response } from 'express';
import express4, {
  type Handler4,
  type NextFunction as Next4,
  type Request4,
  type Response4,
} from 'express4';

/** A store call that fails after an await, as a lost database connection does. */
export async function loadItem(id: string): Promise<{ id: string }> {
  await new Promise((resolve) => setImmediate(resolve));
  throw new Error(`item ${id} could not be loaded`);
}

/** Express 4 with an async handler and an error handler that never hears of its failure. */
export function buildExpress4Async() {
  const app = express4();
  // #region guide:async-errors-express4
  app.get('/items/:id', async (req, res) => {
    res.json(await loadItem(req.params['id'] ?? ''));
  });
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  // Express 4 calls this for a throw and for next(err), not for a rejected promise.
  app.use((err: Error, _req: Request4, res: Response4, _next: Next4) => {
    res.status(500).json({ message: err.message });
  });
  // #endregion guide:async-errors-express4
  return app;
}

// #region guide:async-errors-express4-fix
/** Until you are on Express 5: pass a rejected promise on as next(err). */
export function catchAsync(handler: Handler4): Handler4 {
  return (req, res, next) => {
    Promise.resolve(handler(req, res, next)).catch(next);
  };
}
// #endregion guide:async-errors-express4-fix

export function buildExpress4Caught() {
  const app = express4();
  app.get(
    '/items/:id',
    catchAsync(async (req, res) => {
      res.json(await loadItem(req.params['id'] ?? ''));
    }),
  );
  app.use((err: Error, _req: Request4, res: Response4, _next: Next4) => {
    res.status(500).json({ message: err.message });
  });
  return app;
}

export function buildExpress5Async() {
  const app = express();
  // #region guide:async-errors-express5
  // Express 5: the same handler, no wrapper; the rejection goes to the error handler.
  app.get('/items/:id', async (req, res) => {
    res.json(await loadItem(req.params.id));
  });
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ message: err.message });
  });
  // #endregion guide:async-errors-express5
  return app;
}
