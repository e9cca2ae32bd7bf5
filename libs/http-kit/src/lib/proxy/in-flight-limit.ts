import type { ServerResponse } from 'node:http';
import { rateLimited } from '@switchyard/api-spec';

/**
 * At most `max` calls in flight per key (an account id), in this process. `acquire(key)` takes
 * a slot and returns its release, or throws 429 SWY_ERR_RATE_LIMITED with `Retry-After: 1`
 * when the key has none left: a slot frees when one of its calls ends, which has no schedule to
 * announce, so a second is the hint. Release is idempotent; a key without calls is dropped, so
 * the map holds only accounts that have calls open.
 */
export class InFlightLimit {
  readonly #max: number;
  readonly #open = new Map<string, number>();

  constructor(max: number) {
    this.#max = max;
  }

  acquire(key: string): () => void {
    const open = this.#open.get(key) ?? 0;
    if (open >= this.#max) throw rateLimited(1_000);
    this.#open.set(key, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(key) ?? 1) - 1;
      if (left <= 0) this.#open.delete(key);
      else this.#open.set(key, left);
    };
  }

  /**
   * A slot for `key` held until `res` closes, however it ends (sent, failed, client gone). A
   * response that closed already, while the request was still being authenticated, gives its
   * slot back at once: its 'close' event will not come again.
   */
  acquireUntilClosed(key: string, res: ServerResponse): void {
    const release = this.acquire(key);
    if (res.closed) release();
    else res.once('close', release);
  }

  /** Calls in flight for `key`. */
  inFlight(key: string): number {
    return this.#open.get(key) ?? 0;
  }
}
