import { describe, expect, it } from 'vitest';
import {
  NdjsonSplitter,
  ResponseLimitError,
  ndjsonLines,
  readLimitedText,
} from '../src/lib/stream/ndjson.js';

const WIDE = { maxBytes: 1 << 30, maxLineBytes: 1 << 30 };

async function* chunks(...parts: Array<string | Uint8Array>): AsyncIterable<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe('ndjsonLines', () => {
  it('joins a line split across chunk boundaries', async () => {
    const lines = await collect(
      ndjsonLines(chunks('{"delta":"He', 'llo "}\n{"del', 'ta":"world"}\n'), WIDE),
    );
    expect(lines).toEqual(['{"delta":"Hello "}', '{"delta":"world"}']);
  });

  it('yields several lines from one chunk and skips blank ones', async () => {
    const lines = await collect(ndjsonLines(chunks('{"a":1}\n\n{"b":2}\r\n{"done":true}\n'), WIDE));
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"done":true}']);
  });

  it('keeps a multi-byte character split between two chunks', async () => {
    const bytes = new TextEncoder().encode('{"delta":"héllo"}\n');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const lines = await collect(ndjsonLines(chunks(bytes.slice(0, cut), bytes.slice(cut)), WIDE));
    expect(lines).toEqual(['{"delta":"héllo"}']);
  });

  it('yields a last line that has no newline', async () => {
    expect(await collect(ndjsonLines(chunks('{"a":1}\n{"done":', 'true}'), WIDE))).toEqual([
      '{"a":1}',
      '{"done":true}',
    ]);
  });

  it('yields a line of exactly maxLineBytes and refuses one byte more', async () => {
    const limits = { maxBytes: 1 << 20, maxLineBytes: 10 };
    expect(await collect(ndjsonLines(chunks('0123456789\r\n', '"abc"\n'), limits))).toEqual([
      '0123456789',
      '"abc"',
    ]);
    await expect(collect(ndjsonLines(chunks('01234', '567890\n'), limits))).rejects.toEqual(
      new ResponseLimitError('line', 10),
    );
  });

  it('gives up on a long line before its newline arrives', async () => {
    const splitter = new NdjsonSplitter({ maxBytes: 1 << 20, maxLineBytes: 100 });
    expect(splitter.push(new Uint8Array(100).fill(0x61))).toEqual([]);
    expect(() => splitter.push(new Uint8Array(2).fill(0x61))).toThrow(ResponseLimitError);
  });

  it('refuses a body past maxBytes, however short its lines', async () => {
    const limits = { maxBytes: 20, maxLineBytes: 100 };
    const body = chunks('{"a":1}\n', '{"a":2}\n', '{"a":3}\n');
    await expect(collect(ndjsonLines(body, limits))).rejects.toMatchObject({
      limit: 'response',
      maxBytes: 20,
    });
  });
});

describe('NdjsonSplitter', () => {
  it('searches each byte once: a long line in small chunks costs its length, not its square', () => {
    const splitter = new NdjsonSplitter({ maxBytes: 1 << 30, maxLineBytes: 1 << 30 });
    const piece = new Uint8Array(1024).fill(0x61);
    const pieces = 2048; // a 2 MiB line in 1 KiB chunks
    for (let i = 0; i < pieces; i += 1) expect(splitter.push(piece)).toEqual([]);
    const [line] = splitter.push(new TextEncoder().encode('\n'));
    expect(line).toHaveLength(pieces * 1024);
    expect(splitter.scannedBytes).toBe(pieces * 1024 + 1);
  });

  it('searches each byte once when a chunk holds many lines', () => {
    const splitter = new NdjsonSplitter({ maxBytes: 1 << 30, maxLineBytes: 1 << 30 });
    const body = new TextEncoder().encode('{"a":1}\n'.repeat(1000));
    expect(splitter.push(body)).toHaveLength(1000);
    expect(splitter.scannedBytes).toBe(body.byteLength);
  });
});

describe('readLimitedText', () => {
  it('reads a body of exactly maxBytes', async () => {
    expect(await readLimitedText(chunks('12345', '67890'), 10)).toBe('1234567890');
  });

  it('refuses one byte more, and a Content-Length over the bound before reading', async () => {
    await expect(readLimitedText(chunks('12345', '678901'), 10)).rejects.toEqual(
      new ResponseLimitError('response', 10),
    );
    let read = false;
    async function* never(): AsyncIterable<Uint8Array> {
      read = true;
      yield new Uint8Array(1);
    }
    await expect(readLimitedText(never(), 10, '11')).rejects.toBeInstanceOf(ResponseLimitError);
    expect(read).toBe(false);
  });
});
