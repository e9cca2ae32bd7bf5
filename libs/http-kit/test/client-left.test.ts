import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { abortedByClient, clientGone, clientLeft } from '../src/index.js';

/** One request to a server that reports clientLeft(res) once `when` says so. */
async function observe(
  when: (res: ServerResponse, report: () => void) => void,
  hangUp = false,
  check: (res: ServerResponse) => boolean = clientLeft,
): Promise<boolean> {
  let seen!: (left: boolean) => void;
  const result = new Promise<boolean>((resolve) => (seen = resolve));
  let arrived!: () => void;
  const received = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((_req, res) => {
    when(res, () => seen(check(res)));
    arrived();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const req = request(`http://127.0.0.1:${port}/`, { agent: false }, (res) => res.resume());
  req.on('error', () => undefined);
  req.end();
  // Hang up once the server has the request (a fixed delay can lose the race under load).
  if (hangUp) void received.then(() => req.destroy());
  const left = await result;
  req.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return left;
}

describe('clientLeft', () => {
  it('is true once the client has closed the connection before the answer', async () => {
    const left = await observe((res, report) => res.once('close', report), true);
    expect(left).toBe(true);
  });

  it('is false while the client waits, and after the answer was sent', async () => {
    expect(await observe((_res, report) => report())).toBe(false);
    expect(await observe((res, report) => res.end('ok', report))).toBe(false);
  });

  it('blames the client only for its own abort, not for any error while it is gone', async () => {
    const abort = new DOMException('The client closed the connection', 'AbortError');
    const gone = (res: ServerResponse, report: () => void) => res.once('close', report);
    expect(await observe(gone, true, (res) => abortedByClient(abort, res))).toBe(true);
    expect(await observe(gone, true, (res) => abortedByClient(new Error('bug'), res))).toBe(false);
    expect(
      await observe(
        (_res, report) => report(),
        false,
        (res) => abortedByClient(abort, res),
      ),
    ).toBe(false);
  });
});

describe('clientGone', () => {
  it('aborts with an AbortError once the client hangs up before the answer', async () => {
    let signal!: AbortSignal;
    const aborted = await observe((res, report) => {
      signal = clientGone(res);
      signal.addEventListener('abort', report);
    }, true);
    expect(aborted).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect((signal.reason as DOMException).name).toBe('AbortError');
  });

  it('does not abort once the answer has been sent', async () => {
    let signal!: AbortSignal;
    await observe((res, report) => {
      signal = clientGone(res);
      res.end('ok', () => setImmediate(report));
    });
    expect(signal.aborted).toBe(false);
  });

  it('is aborted from the start for a response already destroyed', async () => {
    let signal!: AbortSignal;
    await observe((res, report) => {
      res.destroy();
      signal = clientGone(res);
      report();
    });
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('AbortError');
  });
});
