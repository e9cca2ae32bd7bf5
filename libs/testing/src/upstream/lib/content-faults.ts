import { Readable } from 'node:stream';
import { MODEL_NAME } from './content.js';

/**
 * The faults in what an upstream says rather than in how it says it: a body far larger than a
 * client should take (`huge`), one NDJSON line without end (`longline`), a stream that drips a
 * delta at a steady pace for ever (`drip`), and text with a NUL (`nul`). Each has the shape of
 * the route it answers (a completion, a model stream, a source's answer), so only the fault
 * itself is wrong. On a stream, `huge` lines are mostly padding (one character of reply each)
 * and `wordy` lines are all reply: the first passes a byte bound, the second a length bound.
 */
export const CONTENT_FAULTS = ['huge', 'wordy', 'longline', 'drip', 'nul'] as const;
export type ContentFault = (typeof CONTENT_FAULTS)[number];

/** What a route answers: `/model/complete`, `/model/stream` or `/sources/:id/answer`. */
export type ContentKind = 'completion' | 'stream' | 'source';

/** Size of a `huge` or `longline` body when the fault names none. */
export const DEFAULT_FAULT_BYTES = 16 * 1024 * 1024;
/** The largest `bytes` a content fault takes: 2 GiB, produced as it is read. */
export const MAX_FAULT_BYTES = 2 * 1024 * 1024 * 1024;
/** Gap between the deltas of a `drip` stream (and the bytes of a dripped JSON body). */
export const DRIP_MS = 20;

const PIECE = 64 * 1024;

export function contentKindOf(url: string): ContentKind | undefined {
  if (url.startsWith('/model/stream')) return 'stream';
  if (url.startsWith('/model/complete')) return 'completion';
  if (url.startsWith('/sources/')) return 'source';
  return undefined;
}

/** `head`, then `bytes` of filler, then `tail`, produced as it is read: memory stays small. */
class FillerReadable extends Readable {
  #left: number;
  #state: 'head' | 'filler' | 'tail' | 'done' = 'head';

  constructor(
    private readonly head: string,
    bytes: number,
    private readonly tail: string,
    private readonly filler: (size: number) => string,
  ) {
    super();
    this.#left = bytes;
  }

  override _read(): void {
    for (;;) {
      let more: boolean;
      if (this.#state === 'head') {
        this.#state = 'filler';
        more = this.push(this.head);
      } else if (this.#state === 'filler') {
        if (this.#left <= 0) {
          this.#state = 'tail';
          continue;
        }
        const size = Math.min(PIECE, this.#left);
        this.#left -= size;
        more = this.push(this.filler(size));
      } else if (this.#state === 'tail') {
        this.#state = 'done';
        this.push(this.tail);
        this.push(null);
        return;
      } else {
        return;
      }
      if (!more) return;
    }
  }
}

/** Pushes `piece` every DRIP_MS until destroyed (the client left or the server closed). */
class DripReadable extends Readable {
  #timer: NodeJS.Timeout | undefined;
  #started = false;

  constructor(
    private readonly head: string,
    private readonly piece: string,
  ) {
    super();
  }

  override _read(): void {
    if (this.#timer !== undefined) return;
    if (!this.#started) {
      this.#started = true;
      if (this.head) this.push(this.head);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.push(this.piece);
    }, DRIP_MS);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    callback(error);
  }
}

const xs = (size: number) => 'x'.repeat(size);
/** Whole NDJSON lines of about 1 KiB each, about `size` bytes of them. */
const linesOf = (line: string) => (size: number) =>
  line.repeat(Math.max(1, Math.floor(size / line.length)));
const paddedLines = linesOf(`${JSON.stringify({ delta: 'x', pad: xs(1000) })}\n`);
const wordyLines = linesOf(`${JSON.stringify({ delta: xs(1000) })}\n`);

function jsonAround(kind: 'completion' | 'source'): [string, string] {
  return kind === 'completion'
    ? [`{"model":"${MODEL_NAME}","completion":"`, '","tokens":1}']
    : ['{"source":"source-0","answer":"', '","confidence":0.5}'];
}

/** The body a content fault answers `kind` with, and its media type. */
export function contentFaultBody(
  fault: ContentFault,
  kind: ContentKind,
  bytes: number,
): { body: Readable | string; type: string } {
  if (kind === 'stream') {
    const type = 'application/x-ndjson';
    const done = `${JSON.stringify({ done: true, tokens: 1 })}\n`;
    switch (fault) {
      case 'huge':
        return { body: new FillerReadable('', bytes, done, paddedLines), type };
      case 'wordy':
        return { body: new FillerReadable('', bytes, done, wordyLines), type };
      case 'longline':
        return { body: new FillerReadable('{"delta":"', bytes, `"}\n${done}`, xs), type };
      case 'drip':
        return { body: new DripReadable('', `${JSON.stringify({ delta: 'drip ' })}\n`), type };
      case 'nul':
        return { body: `${JSON.stringify({ delta: 'a\u0000b' })}\n${done}`, type };
    }
  }
  const type = 'application/json';
  const [head, tail] = jsonAround(kind);
  switch (fault) {
    case 'huge':
    case 'wordy':
    case 'longline':
      return { body: new FillerReadable(head, bytes, tail, xs), type };
    case 'drip':
      return { body: new DripReadable(head, 'x'), type };
    case 'nul':
      return { body: `${head}a\\u0000b${tail}`, type };
  }
}
