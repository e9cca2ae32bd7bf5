import { EventEmitter } from 'node:events';
import { RequestValidator } from '@switchyard/api-spec';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  serveStream,
  type ChatService,
  type SocketLease,
  type StreamBounds,
} from '../src/index.js';

const BOUNDS: StreamBounds = {
  WS_MAX_QUEUED_FRAMES: 16,
  WS_MAX_QUEUED_BYTES: 1_000_000,
  WS_MAX_BUFFERED_BYTES: 1024,
  WS_PING_INTERVAL_MS: 1000,
};

/** A `ws` socket's surface, where the test decides what is buffered and when writes finish. */
class FakeSocket extends EventEmitter {
  bufferedAmount = 0;
  isPaused = false;
  readonly writes: Array<() => void> = [];
  readonly ping = vi.fn();
  readonly terminate = vi.fn();
  readonly close = vi.fn();
  send(data: string, cb: (error?: Error) => void): void {
    this.bufferedAmount += data.length;
    this.writes.push(() => {
      this.bufferedAmount -= data.length;
      cb();
    });
  }
  pause(): void {
    this.isPaused = true;
  }
  resume(): void {
    this.isPaused = false;
  }
}

function buildLease() {
  return {
    attach: vi.fn<SocketLease['attach']>(),
    release: vi.fn<SocketLease['release']>(),
  };
}

/** A chat that streams `chunks` chunks of `size` characters. */
function chattyChat(chunks: number, size: number): ChatService {
  return {
    stream: async (
      _p: unknown,
      _b: unknown,
      _m: unknown,
      options: { onChunk: (d: string) => unknown },
    ) => {
      for (let i = 0; i < chunks; i += 1) await options.onChunk('x'.repeat(size));
      return { conversationId: 'c', message: { id: 'm' }, reply: { id: 'r', text: 'x' } };
    },
  } as unknown as ChatService;
}

function serve(socket: FakeSocket, chat: ChatService, lease = buildLease()) {
  serveStream(socket, {
    chat,
    validator: new RequestValidator(),
    principal: { accountId: 'a', username: 'u', tokenHash: 't', expiresAt: '2999-01-01T00:00:00Z' },
    botId: 'echo',
    lease,
    bounds: BOUNDS,
  });
  return lease;
}

const message = Buffer.from(JSON.stringify({ type: 'message', text: 'hi' }));

describe('serveStream', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stops reading while more than WS_MAX_BUFFERED_BYTES wait to be written, and reads again once written', async () => {
    const socket = new FakeSocket();
    serve(socket, chattyChat(3, 600));
    socket.emit('message', message, false);
    // First chunk: about 620 bytes buffered, under the bound: still reading.
    await vi.waitFor(() => expect(socket.writes).toHaveLength(1));
    expect(socket.isPaused).toBe(false);
    // The bot waits for that write; once it is written, the next chunk is sent.
    socket.writes.shift()!();
    await vi.waitFor(() => expect(socket.writes).toHaveLength(1));
    expect(socket.isPaused).toBe(false);
    // A 1024-byte bound holds one chunk; with a second one waiting the socket is paused.
    socket.bufferedAmount += 600;
    socket.writes.shift()!();
    await vi.waitFor(() => expect(socket.writes).toHaveLength(1));
    expect(socket.isPaused).toBe(true);
    socket.bufferedAmount -= 600;
    socket.writes.shift()!();
    expect(socket.isPaused).toBe(false);
  });

  it('pings every WS_PING_INTERVAL_MS and terminates a socket that did not answer the last ping', () => {
    vi.useFakeTimers();
    const socket = new FakeSocket();
    serve(socket, chattyChat(0, 0));
    vi.advanceTimersByTime(BOUNDS.WS_PING_INTERVAL_MS);
    expect(socket.ping).toHaveBeenCalledTimes(1);
    socket.emit('pong');
    vi.advanceTimersByTime(BOUNDS.WS_PING_INTERVAL_MS);
    expect(socket.ping).toHaveBeenCalledTimes(2);
    expect(socket.terminate).not.toHaveBeenCalled();
    vi.advanceTimersByTime(BOUNDS.WS_PING_INTERVAL_MS);
    expect(socket.terminate).toHaveBeenCalledTimes(1);
  });

  it('attaches the lease and releases it when the socket closes, and stops pinging', () => {
    vi.useFakeTimers();
    const socket = new FakeSocket();
    const lease = serve(socket, chattyChat(0, 0));
    expect(lease.attach).toHaveBeenCalledTimes(1);
    // What the lease closes is the socket (with the session's code).
    lease.attach.mock.calls[0]![0].close(4401, 'Session ended');
    expect(socket.close).toHaveBeenCalledWith(4401, 'Session ended');
    socket.emit('close');
    expect(lease.release).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(BOUNDS.WS_PING_INTERVAL_MS * 3);
    expect(socket.ping).not.toHaveBeenCalled();
  });
});
