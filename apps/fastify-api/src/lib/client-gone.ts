import type { FastifyReply } from 'fastify';

/**
 * A signal that aborts when the client goes away before its response is finished. It listens on
 * the response, not on `request.raw`: since Node 16 the request emits 'close' as soon as its
 * body has been read, which would abort every call that has a body.
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const res = reply.raw;
  const onClose = () => {
    if (!res.writableFinished) {
      controller.abort(new DOMException('The client closed the connection', 'AbortError'));
    }
  };
  if (res.destroyed) onClose();
  else res.once('close', onClose);
  return controller.signal;
}
