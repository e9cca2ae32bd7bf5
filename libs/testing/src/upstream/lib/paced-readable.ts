import { Readable } from 'node:stream';

/**
 * Emits `chunks` one at a time: the first at once, each next one `delayMs` after the previous.
 * A timer drives it rather than an async generator so that `destroy()` (client gone, server
 * closing) cancels the pending timer at once instead of waiting for it to fire.
 */
export class PacedReadable extends Readable {
  readonly #chunks: ReadonlyArray<string | Buffer>;
  readonly #delayMs: number;
  #next = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(chunks: ReadonlyArray<string | Buffer>, delayMs: number) {
    super();
    this.#chunks = chunks;
    this.#delayMs = delayMs;
  }

  override _read(): void {
    if (this.#timer !== undefined) return;
    if (this.#next === 0 || this.#delayMs <= 0) {
      this.#emit();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#emit();
    }, this.#delayMs);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    callback(error);
  }

  #emit(): void {
    const chunk = this.#chunks[this.#next];
    this.#next += 1;
    if (chunk === undefined) {
      this.push(null);
      return;
    }
    this.push(chunk);
    if (this.#next >= this.#chunks.length) this.push(null);
  }
}

/** Cuts `body` into at most `pieces` slices of nearly equal size. */
export function slice(body: Buffer, pieces: number): Buffer[] {
  if (body.length === 0) return [];
  const count = Math.max(1, Math.min(pieces, body.length));
  const size = Math.ceil(body.length / count);
  const out: Buffer[] = [];
  for (let start = 0; start < body.length; start += size) {
    out.push(body.subarray(start, start + size));
  }
  return out;
}
