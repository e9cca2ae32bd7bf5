/** Which bound an upstream body went past: its total size, or one NDJSON line. */
export type ResponseLimit = 'response' | 'line';

/** An upstream body went past a bound; the caller stops reading and maps it to its own error. */
export class ResponseLimitError extends Error {
  override readonly name = 'ResponseLimitError';

  constructor(
    readonly limit: ResponseLimit,
    readonly maxBytes: number,
  ) {
    super(
      limit === 'line'
        ? `an NDJSON line is longer than ${maxBytes} bytes`
        : `the response is larger than ${maxBytes} bytes`,
    );
  }
}

export interface NdjsonLimits {
  /** Most bytes of the whole body (UPSTREAM_MAX_RESPONSE_BYTES). */
  readonly maxBytes: number;
  /** Most bytes of one line, its newline not counted (UPSTREAM_MAX_LINE_BYTES). */
  readonly maxLineBytes: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const decoder = new TextDecoder();

/**
 * Cuts an NDJSON body into lines as its chunks arrive, in time linear in the body: each byte is
 * searched for a newline once (only the new chunk is searched), and the pieces of an unfinished
 * line wait in a list that is joined once, when its newline comes. Rescanning one growing
 * string instead costs the square of a long line. A newline byte never occurs inside a UTF-8
 * multi-byte character, so a whole line decodes on its own. Blank lines are skipped; a last line
 * without a newline is still a line. Throws ResponseLimitError past either bound.
 */
export class NdjsonSplitter {
  readonly #limits: NdjsonLimits;
  /** The unfinished line, in the pieces it came in. */
  #pieces: Uint8Array[] = [];
  #pendingBytes = 0;
  #totalBytes = 0;
  #scannedBytes = 0;

  constructor(limits: NdjsonLimits) {
    this.#limits = limits;
  }

  /** Bytes searched for a newline so far: the body's length when the search is linear. */
  get scannedBytes(): number {
    return this.#scannedBytes;
  }

  /** The lines `chunk` completes. */
  push(chunk: Uint8Array): string[] {
    this.#totalBytes += chunk.byteLength;
    if (this.#totalBytes > this.#limits.maxBytes) {
      throw new ResponseLimitError('response', this.#limits.maxBytes);
    }
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      this.#scannedBytes += (newline === -1 ? chunk.byteLength : newline + 1) - start;
      if (newline === -1) break;
      this.#keep(chunk.subarray(start, newline));
      const line = this.#takeLine();
      if (line !== undefined) lines.push(line);
      start = newline + 1;
    }
    if (start < chunk.byteLength) this.#keep(chunk.subarray(start));
    return lines;
  }

  /** The last line, when the body did not end with a newline. */
  end(): string[] {
    const line = this.#takeLine();
    return line === undefined ? [] : [line];
  }

  #keep(piece: Uint8Array): void {
    this.#pendingBytes += piece.byteLength;
    // Given up as soon as the bound is passed, not at the newline; a trailing \r belongs to
    // the newline, so its byte is allowed here and counted exactly in #takeLine.
    if (this.#pendingBytes > this.#limits.maxLineBytes + 1) {
      throw new ResponseLimitError('line', this.#limits.maxLineBytes);
    }
    if (piece.byteLength > 0) this.#pieces.push(piece);
  }

  #takeLine(): string | undefined {
    const pieces = this.#pieces;
    const bytes = this.#pendingBytes;
    this.#pieces = [];
    this.#pendingBytes = 0;
    if (pieces.length === 0) return undefined;
    const whole = pieces.length === 1 ? pieces[0]! : concat(pieces, bytes);
    if ((whole.at(-1) === CARRIAGE_RETURN ? bytes - 1 : bytes) > this.#limits.maxLineBytes) {
      throw new ResponseLimitError('line', this.#limits.maxLineBytes);
    }
    const line = decoder.decode(whole).trim();
    return line.length > 0 ? line : undefined;
  }
}

function concat(pieces: readonly Uint8Array[], bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.byteLength;
  }
  return out;
}

/**
 * The lines of an NDJSON body as it streams in, within `limits` (see NdjsonSplitter). The
 * caller that stops early (a `done` line, an error) should cancel the body itself.
 */
export async function* ndjsonLines(
  chunks: AsyncIterable<Uint8Array>,
  limits: NdjsonLimits,
): AsyncIterable<string> {
  const splitter = new NdjsonSplitter(limits);
  for await (const chunk of chunks) yield* splitter.push(chunk);
  yield* splitter.end();
}

/**
 * A whole body as text, read chunk by chunk and given up at `maxBytes` (ResponseLimitError):
 * a body that announces more in Content-Length is refused before a byte of it is read.
 */
export async function readLimitedText(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  contentLength?: string | null,
): Promise<string> {
  if (contentLength && Number(contentLength) > maxBytes) {
    throw new ResponseLimitError('response', maxBytes);
  }
  const body = await readAtMost(chunks, maxBytes);
  if (!body) throw new ResponseLimitError('response', maxBytes);
  return decoder.decode(body);
}

/**
 * A whole body as bytes, or `undefined` as soon as it passes `maxBytes`: the rest is never read
 * (leaving the loop ends the iteration, which destroys a stream). The one bounded reader of the
 * upstream clients and of express-api's buffered proxy, each throwing its own error past it.
 */
export async function readAtMost(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const pieces: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) return undefined;
    pieces.push(chunk);
  }
  return concat(pieces, bytes);
}
