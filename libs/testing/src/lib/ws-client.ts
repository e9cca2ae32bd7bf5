import WebSocket from 'ws';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Frame = Record<string, any>;

export interface OpenSocket {
  readonly socket: WebSocket;
  send(frame: Frame): void;
  sendRaw(data: string): void;
  /** The next frame the server sends (rejects after 5 s). */
  next(): Promise<Frame>;
  /** Frames up to and including the first `done` or `error`. */
  untilDone(): Promise<Frame[]>;
  /** The close code, once the server closes. */
  closed(): Promise<number>;
}

export interface RefusedUpgrade {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Opens a WebSocket and queues what arrives, so a test reads frames in order. A refused
 * upgrade rejects with the HTTP status and the JSON body the server sent instead.
 */
export function openSocket(
  url: string,
  options: {
    headers?: Record<string, string> | undefined;
    protocols?: string[] | undefined;
    /** false: the socket answers no ping, as a dead peer would. */
    autoPong?: boolean | undefined;
  },
): Promise<OpenSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], {
      headers: options.headers ?? {},
      autoPong: options.autoPong ?? true,
    });
    const frames: Frame[] = [];
    const waiters: Array<(frame: Frame) => void> = [];
    let closeCode: number | undefined;
    const closeWaiters: Array<(code: number) => void> = [];

    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      const waiter = waiters.shift();
      if (waiter) waiter(frame);
      else frames.push(frame);
    });
    socket.on('close', (code) => {
      closeCode = code;
      for (const waiter of closeWaiters.splice(0)) waiter(code);
    });
    socket.on('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        reject({
          status: res.statusCode ?? 0,
          body,
          headers: res.headers,
        } satisfies RefusedUpgrade);
      });
    });
    socket.on('error', (error) => reject(error));

    const next = () =>
      new Promise<Frame>((resolveFrame, rejectFrame) => {
        const queued = frames.shift();
        if (queued) return resolveFrame(queued);
        const timer = setTimeout(() => rejectFrame(new Error('no frame within 5 s')), 5_000);
        waiters.push((frame) => {
          clearTimeout(timer);
          resolveFrame(frame);
        });
      });

    socket.on('open', () =>
      resolve({
        socket,
        send: (frame) => socket.send(JSON.stringify(frame)),
        sendRaw: (data) => socket.send(data),
        next,
        async untilDone() {
          const out: Frame[] = [];
          for (;;) {
            const frame = await next();
            out.push(frame);
            if (frame['type'] === 'done' || frame['type'] === 'error') return out;
          }
        },
        closed: () =>
          closeCode !== undefined
            ? Promise.resolve(closeCode)
            : new Promise<number>((resolveClose, rejectClose) => {
                const timer = setTimeout(
                  () => rejectClose(new Error('not closed within 5 s')),
                  5_000,
                );
                closeWaiters.push((code) => {
                  clearTimeout(timer);
                  resolveClose(code);
                });
              }),
      }),
    );
  });
}
