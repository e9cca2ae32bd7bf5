import type { ServerResponse } from 'node:http';

/** Whether the client went away before its answer was sent. */
export function clientLeft(res: ServerResponse): boolean {
  return !res.writableFinished && res.destroyed;
}

/**
 * Whether `error` is the request's own abort because its client went away: the bot call or the
 * proxied request stopped with the client (`AbortError`). That is not the app's fault, and both
 * apps log it as such instead of as an internal error. Any other error, even with the client
 * gone (a server-side cut at shutdown, a real bug), is logged as what it is.
 */
export function abortedByClient(error: unknown, res: ServerResponse): boolean {
  const e = error as { name?: unknown; cause?: { name?: unknown } } | null;
  const abort = e?.name === 'AbortError' || e?.cause?.name === 'AbortError';
  return abort && clientLeft(res);
}

/**
 * A signal that aborts, with an `AbortError` DOMException, when the client goes away before its
 * response is finished, so the bot call or the proxied request stops with it (and
 * `abortedByClient` then recognises the abort). It listens on the response, not on the request:
 * since Node 16 the request emits 'close' as soon as its body has been read, which would abort
 * every call that has a body. A response already destroyed gives a signal already aborted.
 */
export function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) {
      controller.abort(new DOMException('The client closed the connection', 'AbortError'));
    }
  };
  if (res.destroyed) onClose();
  else res.once('close', onClose);
  return controller.signal;
}
