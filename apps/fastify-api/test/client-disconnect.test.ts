import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAndLogIn, startStack, type Stack } from './support.js';

/**
 * A service that takes requests and never finishes them, reporting when each one is dropped by
 * the caller: the gateway's side of the socket, seen from the far end.
 */
interface HeldService {
  readonly url: string;
  /** Resolves with the next request's path once it arrives; `dropped` once its socket closes. */
  next(): Promise<{ path: string; dropped: Promise<void> }>;
  close(): Promise<void>;
}

async function startHeldService(): Promise<HeldService> {
  const waiting: Array<(held: { path: string; dropped: Promise<void> }) => void> = [];
  const server: Server = createServer((req, res) => {
    const dropped = new Promise<void>((resolve) => res.once('close', () => resolve()));
    // Headers and a first chunk for the proxy; nothing at all would do for a JSON call too.
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first chunk\n');
    waiting.shift()?.({ path: req.url ?? '', dropped });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    next: () => new Promise((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a request through the gateway and destroys it once `until` resolves. */
function sendThenHangUp(
  url: string,
  options: { method: string; headers: Record<string, string>; body?: string },
  until: Promise<unknown>,
): void {
  const req = httpRequest(url, { method: options.method, headers: options.headers, agent: false });
  req.on('error', () => undefined);
  req.end(options.body);
  void until.then(() => req.destroy());
}

describe('a client that goes away', () => {
  let held: HeldService;
  let stack: Stack;
  let token: string;

  beforeAll(async () => {
    held = await startHeldService();
    stack = await startStack({
      env: {
        MODEL_URL: held.url,
        UPSTREAM_TIMEOUT_MS: '60000',
        PROXY_TIMEOUT_MS: '60000',
        PROXY_SERVICES: JSON.stringify({ held: { url: held.url } }),
      },
    });
    token = await signUpAndLogIn(stack.api.url);
  });

  afterAll(async () => {
    await stack?.close();
    await held?.close();
  });

  it('cancels the bot call it was waiting for', async () => {
    const arrived = held.next();
    sendThenHangUp(
      `${stack.api.url}/v1/bots/model/messages`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'are you there?' }),
      },
      arrived,
    );
    const { path, dropped } = await arrived;
    expect(path).toBe('/model/complete');
    await expect(dropped).resolves.toBeUndefined();
  });

  it('releases the proxied upstream request mid-stream', async () => {
    const arrived = held.next();
    sendThenHangUp(
      `${stack.api.url}/v1/proxy/held/slow`,
      { method: 'GET', headers: { authorization: `Bearer ${token}` } },
      arrived,
    );
    const { path, dropped } = await arrived;
    expect(path).toBe('/slow');
    await expect(dropped).resolves.toBeUndefined();
  });
});
