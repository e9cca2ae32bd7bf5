import { OutgoingMessage, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface KeepAliveDrain {
  /**
   * From now on every response closes its connection once sent, and server.close() takes the
   * connections waiting in the accept queue first. Call before server.close().
   */
  drain(): void;
}

// Node's own `headersSent`, read from the prototype: @fastify/express redefines the property on
// each response it hands to Express (as "Express has replied"), so on a response Fastify itself
// sent it can say false while the headers are out, and setHeader then throws
// ERR_HTTP_HEADERS_SENT (bridge-api's shutdown in the load suite, stop 25 rehearsal).
const nodeHeadersSent = Object.getOwnPropertyDescriptor(OutgoingMessage.prototype, 'headersSent')
  ?.get as ((this: OutgoingMessage) => boolean) | undefined;
const headersOut = (res: ServerResponse): boolean =>
  nodeHeadersSent ? nodeHeadersSent.call(res) : res.headersSent;

/**
 * Keep-alive during a graceful shutdown. Node's `server.close()` stops accepting and drops the
 * idle connections, but a connection busy with a request at that moment stays keep-alive: its
 * response says `Connection: keep-alive`, the client may send more on it, and the connection
 * holds `close()` open until the server's keepAliveTimeout (5 s in Node, 72 s in Fastify) or the
 * SHUTDOWN_TIMEOUT_MS cut. After `drain()`, every response whose headers are not sent yet,
 * those already in flight included, says `Connection: close` and Node ends the connection once
 * it is sent: the client learns not to reuse it, nothing is reset, and `close()` resolves when
 * the last response is out. A response already streaming said `keep-alive`; its connection is
 * closed once idle after it, so a request sent on it in that instant is lost (the usual
 * keep-alive race, which no server can close from its side).
 *
 * While draining, `server.close()` also lets the event loop poll once before it closes the
 * listening socket (see acceptQueued below).
 */
export function keepAliveDrain(server: Server): KeepAliveDrain {
  // The newest response not yet finished on each connection: the one that must close it.
  const newest = new Map<Socket, ServerResponse>();
  const marked = new WeakSet<ServerResponse>();
  let draining = false;

  const closeAfter = (res: ServerResponse) => {
    if (!headersOut(res)) {
      res.setHeader('Connection', 'close');
      marked.add(res);
      return;
    }
    // Headers already sent (a streamed response): drop the connection once it is idle.
    res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
  };

  // Before the app's own listener, so that a request arriving while draining is marked first.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    if (draining) {
      // Pipelined behind a response not sent yet: that one must leave the connection open for
      // this one, or Node would end it before answering this request.
      const ahead = newest.get(socket);
      if (ahead && marked.has(ahead) && !headersOut(ahead)) ahead.removeHeader('Connection');
      closeAfter(res);
    }
    newest.set(socket, res);
    res.once('close', () => {
      if (newest.get(socket) === res) newest.delete(socket);
    });
  });

  // Linux resets (RST, the client's ECONNRESET) every connection still in the accept queue when
  // the listening socket closes: the kernel completed the handshake, the client sent its request,
  // and Node had not accepted it yet because the event loop was busy with the shutdown's own work
  // (close hooks, WebSocket close frames). So close() waits until the event loop has polled, and
  // Node has accepted those; they are answered with Connection: close. Node's close() destroys
  // the idle connections before it closes the listening socket, which took up to 4 ms in the
  // shutdown suite's traces, during which arrivals are reset too: here they go right after it.
  // A connection whose handshake completes between the last poll and the close is still reset;
  // no server can remove that gap from its side, only keep it short.
  const close = server.close;
  server.close = function (this: Server, callback?: (error?: Error) => void) {
    if (!draining) return close.call(this, callback);
    acceptQueued(() => {
      const closeIdle = this.closeIdleConnections;
      this.closeIdleConnections = () => {};
      try {
        close.call(this, callback);
      } finally {
        this.closeIdleConnections = closeIdle;
      }
      this.closeIdleConnections();
    });
    return this;
  };

  return {
    drain() {
      if (draining) return;
      draining = true;
      for (const res of newest.values()) closeAfter(res);
    },
  };
}

/**
 * Runs `then` after the event loop has polled at least once (and so accepted the connections
 * waiting). Two immediates: one scheduled during the poll phase runs in that same iteration's
 * check phase, with no poll after the call; the second runs after the next iteration's poll.
 */
function acceptQueued(then: () => void): void {
  setImmediate(() => setImmediate(then));
}
