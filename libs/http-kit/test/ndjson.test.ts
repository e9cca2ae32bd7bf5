import { describe, expect, it } from 'vitest';
import { ndjsonLines } from '../src/lib/stream/ndjson.js';

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
      ndjsonLines(chunks('{"delta":"He', 'llo "}\n{"del', 'ta":"world"}\n')),
    );
    expect(lines).toEqual(['{"delta":"Hello "}', '{"delta":"world"}']);
  });

  it('yields several lines from one chunk and skips blank ones', async () => {
    const lines = await collect(ndjsonLines(chunks('{"a":1}\n\n{"b":2}\r\n{"done":true}\n')));
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"done":true}']);
  });

  it('keeps a multi-byte character split between two chunks', async () => {
    const bytes = new TextEncoder().encode('{"delta":"héllo"}\n');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const lines = await collect(ndjsonLines(chunks(bytes.slice(0, cut), bytes.slice(cut))));
    expect(lines).toEqual(['{"delta":"héllo"}']);
  });

  it('yields a last line that has no newline', async () => {
    expect(await collect(ndjsonLines(chunks('{"a":1}\n{"done":', 'true}')))).toEqual([
      '{"a":1}',
      '{"done":true}',
    ]);
  });
});
