import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { withIdleTimeout } from '../src/lib/idle-timeout.js';

const stalled = () => new Error('stalled');

/** A consumer that takes `ms` over each chunk, with a small buffer, so backpressure builds up. */
function slowConsumer(ms: number): Writable & { chunks: number } {
  const sink = new Writable({
    highWaterMark: 16,
    write(_chunk, _encoding, done) {
      sink.chunks += 1;
      setTimeout(done, ms);
    },
  }) as Writable & { chunks: number };
  sink.chunks = 0;
  return sink;
}

describe('withIdleTimeout', () => {
  it('cuts a source that sends nothing for longer than the timeout', async () => {
    const source = new Readable({ read() {} });
    source.push('first');
    const sink = slowConsumer(0);
    await expect(pipeline(withIdleTimeout(source, 100, stalled), sink)).rejects.toThrow('stalled');
    expect(sink.chunks).toBe(1);
  });

  it('lets a source through whose data waits on a slow consumer', async () => {
    // 640 KiB ready at once; the consumer needs 80 ms a chunk, so the source waits on it longer
    // than the 50 ms timeout between two chunks. That is backpressure, not a stall.
    const source = Readable.from(
      Array.from({ length: 10 }, (_, i) => Buffer.alloc(64 * 1024, i)),
      { objectMode: false },
    );
    const sink = slowConsumer(80);
    await pipeline(withIdleTimeout(source, 50, stalled), sink);
    expect(sink.chunks).toBe(10);
  });
});
