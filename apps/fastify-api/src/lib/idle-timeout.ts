import { PassThrough, pipeline, type Readable } from 'node:stream';

/**
 * `source` passed through, destroyed with `error()` when no chunk has arrived for `ms`. undici's
 * own bodyTimeout does the same but on its coarse timer wheel (half-second ticks for delays of
 * a second or more: measured 400 ms late at 1.5 s), which breaks the promise that a stalled
 * upstream ends within its timeout plus 10 %. Destroying what this returns (the client left)
 * destroys `source`, which frees its socket.
 */
// #region guide:idle-timeout
export function withIdleTimeout(source: Readable, ms: number, error: () => Error): Readable {
  const guarded = new PassThrough();
  const timer = setTimeout(() => source.destroy(error()), ms);
  source.on('data', () => timer.refresh());
  pipeline(source, guarded, () => clearTimeout(timer));
  return guarded;
}
// #endregion guide:idle-timeout
