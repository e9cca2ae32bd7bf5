import type { Response } from 'express';

/**
 * Aborts when the client goes away before the response is complete, so the bot call and the
 * proxied fetch stop with it. It listens on the response: since Node 16 the request's own
 * 'close' fires as soon as its body has been read, long before the client leaves.
 */
export function clientSignal(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
