import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseTarget } from '@switchyard/persistence/testing';
import type { AppUnderTest } from '@switchyard/testing';
import { describeEachTarget, useEnvironment } from '../support.js';
import { reportCases } from './report.js';

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
    // Headers and a first chunk for the proxy; for a JSON call the body never completes either.
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

const CASES = 2;

/**
 * A client that hangs up stops the work done for it: the bot's upstream call and the proxied
 * request are dropped at once, in every app (http-kit's one `clientGone()` signal; before it,
 * each app had its own, and fastify-api's proxy a third inline). Timeouts are a minute, so only
 * the client leaving can end the held calls within the test's time.
 */
export async function runClientGoneSuite(subject: AppUnderTest): Promise<void> {
  reportCases('client gone', subject.name, CASES);
  await describeEachTarget(
    (target) => `${subject.name}: a client that goes away (${target.kind})`,
    (target: DatabaseTarget) => {
      let held: HeldService;
      beforeAll(async () => {
        held = await startHeldService();
      });
      afterAll(async () => {
        await held?.close();
      });
      const used = useEnvironment(subject, target, {
        overrides: () => ({
          MODEL_URL: held.url,
          UPSTREAM_TIMEOUT_MS: '60000',
          PROXY_TIMEOUT_MS: '60000',
          PROXY_SERVICES: JSON.stringify({ held: { url: held.url, paths: ['/'] } }),
        }),
      });

      it('cancels the bot call it was waiting for', async () => {
        const { token } = await used.signUp();
        const arrived = held.next();
        sendThenHangUp(
          `${used.env.app.url}/v1/bots/model/messages`,
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
        const { token } = await used.signUp();
        const arrived = held.next();
        sendThenHangUp(
          `${used.env.app.url}/v1/proxy/held/slow`,
          { method: 'GET', headers: { authorization: `Bearer ${token}` } },
          arrived,
        );
        const { path, dropped } = await arrived;
        expect(path).toBe('/slow');
        await expect(dropped).resolves.toBeUndefined();
      });
    },
  );
}
