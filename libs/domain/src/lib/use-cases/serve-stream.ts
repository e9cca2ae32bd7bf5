import type { SocketLease } from './open-sockets.js';
import {
  streamConversation,
  type OutgoingFrame,
  type StreamConversationOptions,
} from './stream-conversation.js';

/** What a frame arrives as from `ws`: one buffer, an ArrayBuffer, or the fragments. */
export type FrameData = Buffer | ArrayBuffer | Buffer[];

/**
 * The part of a `ws` WebSocket this module uses (libs never import ws itself): both apps hand
 * their `ws` socket over as it is. The transport stays the apps'; what is decided here is how
 * much one socket may hold, the same in both.
 */
export interface StreamSocket {
  readonly bufferedAmount: number;
  readonly isPaused: boolean;
  send(data: string, cb: (error?: Error) => void): void;
  ping(): void;
  pause(): void;
  resume(): void;
  terminate(): void;
  close(code: number, reason: string): void;
  on(event: 'message', listener: (data: FrameData, isBinary: boolean) => void): unknown;
  on(event: 'pong', listener: () => void): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/** The stream bounds, from the config (docs/reliability.md#websocket-bounds). */
export interface StreamBounds {
  readonly WS_MAX_QUEUED_FRAMES: number;
  readonly WS_MAX_QUEUED_BYTES: number;
  readonly WS_MAX_BUFFERED_BYTES: number;
  readonly WS_PING_INTERVAL_MS: number;
}

export interface ServeStreamOptions extends Omit<
  StreamConversationOptions,
  'send' | 'signal' | 'limits' | 'close'
> {
  readonly bounds: StreamBounds;
  /** The socket's place in the app's OpenSockets, taken before the upgrade. */
  readonly lease: SocketLease;
}

function sizeOf(data: FrameData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data.byteLength;
}

function textOf(data: FrameData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/**
 * Runs the stream protocol on an upgraded socket, within its bounds, the same in every app:
 * - messages wait in a bounded queue (streamConversation's limits; past them 1008);
 * - while more than WS_MAX_BUFFERED_BYTES of replies wait to be written, the socket is not
 *   read (ws pauses the TCP socket), so a client that sends without reading is held by TCP
 *   flow control instead of by the app's memory; reading resumes once the replies are written;
 * - every WS_PING_INTERVAL_MS the socket is pinged, and a socket that did not answer the
 *   previous ping is terminated: a dead peer, or one that stopped reading (its pong waits
 *   unread behind the pause);
 * - the lease is attached (logout and expiry close the socket with 4401) and released on close.
 */
export function serveStream(socket: StreamSocket, options: ServeStreamOptions): void {
  const { bounds, lease, ...conversationOptions } = options;
  const closed = new AbortController();

  let alive = true;
  const pinger = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, bounds.WS_PING_INTERVAL_MS);
  pinger.unref();
  socket.on('pong', () => {
    alive = true;
  });

  socket.once('close', () => {
    clearInterval(pinger);
    closed.abort();
    lease.release();
  });
  // A socket the app closes (session ended, queue over its bound) is done at once: ws still
  // emits the frames that arrive during the closing handshake (up to its 30 s close timeout),
  // and none of them may start a bot call or spend the account's budget.
  const closing = {
    close(code: number, reason: string) {
      closed.abort();
      socket.close(code, reason);
    },
  };
  lease.attach(closing);

  /** Sends one frame and resolves once written, so a slow client slows the bot down. */
  function send(frame: OutgoingFrame): Promise<void> {
    return new Promise((resolve, reject) => {
      socket.send(JSON.stringify(frame), (error) => {
        if (socket.isPaused && socket.bufferedAmount <= bounds.WS_MAX_BUFFERED_BYTES) {
          socket.resume();
        }
        if (error) reject(error);
        else resolve();
      });
      if (!socket.isPaused && socket.bufferedAmount > bounds.WS_MAX_BUFFERED_BYTES) {
        socket.pause();
      }
    });
  }

  const conversation = streamConversation({
    ...conversationOptions,
    send,
    signal: closed.signal,
    limits: { frames: bounds.WS_MAX_QUEUED_FRAMES, bytes: bounds.WS_MAX_QUEUED_BYTES },
    close: (code, reason) => closing.close(code, reason),
  });
  socket.on('message', (data, isBinary) => {
    void conversation.receive(isBinary ? null : textOf(data), sizeOf(data));
  });
}
