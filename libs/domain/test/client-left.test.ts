import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { clientLeft } from '../src/index.js';

/** One request to a server that reports clientLeft(res) once `when` says so. */
async function observe(
  when: (res: ServerResponse, report: () => void) => void,
  hangUp = false,
): Promise<boolean> {
  let seen!: (left: boolean) => void;
  const result = new Promise<boolean>((resolve) => (seen = resolve));
  const server = createServer((_req, res) => when(res, () => seen(clientLeft(res))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const req = request(`http://127.0.0.1:${port}/`, { agent: false }, (res) => res.resume());
  req.on('error', () => undefined);
  req.end();
  if (hangUp) setTimeout(() => req.destroy(), 50);
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
});
