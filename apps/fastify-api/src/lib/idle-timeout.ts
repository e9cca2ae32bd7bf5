import { PassThrough, pipeline, type Readable } from 'node:stream';

/**
 * A timer that measures one wait: `start()` (re)arms it, `stop()` disarms it. Time during which
 * it is stopped (a slow consumer, not a slow upstream) never counts.
 */
export class IdleTimer {
  readonly #ms: number;
  readonly #onIdle: () => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number, onIdle: () => void) {
    this.#ms = ms;
    this.#onIdle = onIdle;
  }

  start(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#onIdle, this.#ms);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * `source` passed through, destroyed with `error()` when the upstream has sent nothing for `ms`
 * while the consumer was ready for more. undici's own bodyTimeout does the same but on its
 * coarse timer wheel (half-second ticks for delays of a second or more: measured 400 ms late at
 * 1.5 s), which breaks the promise that a stalled upstream ends within its timeout plus 10 %.
 * Backpressure is not a stall: while the client reads slowly, data waits in the buffers and the
 * timer starts again. Destroying what this returns (the client left) destroys `source`, which
 * frees its socket.
 */
// #region guide:idle-timeout
export function withIdleTimeout(source: Readable, ms: number, error: () => Error): Readable {
  const guarded = new PassThrough();
  const waitingOnClient = () =>
    source.readableFlowing === false ||
    source.readableLength > 0 ||
    guarded.readableLength > 0 ||
    guarded.writableLength > 0;
  const idle = new IdleTimer(ms, () => {
    if (waitingOnClient()) idle.start();
    else source.destroy(error());
  });
  idle.start();
  source.on('data', () => idle.start());
  pipeline(source, guarded, () => idle.stop());
  return guarded;
}
// #endregion guide:idle-timeout
