import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { keepAliveDrain } from '../src/index.js';

describe('keepAliveDrain', () => {
  const servers: Array<ReturnType<typeof createServer>> = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  // @fastify/express redefines `headersSent` on each response as "Express has replied": on a
  // response whose headers are out it can say false. drain() must read Node's own flag.
  it('does not throw on a response whose headersSent is shadowed while its headers are out', async () => {
    let held: ServerResponse | undefined;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('streaming');
      Object.defineProperty(res, 'headersSent', { get: () => false, configurable: true });
      held = res;
    });
    servers.push(server);
    const drain = keepAliveDrain(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false });
    req.end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    expect(() => drain.drain()).not.toThrow();
    held!.end(' done');
    res.resume();
    await once(res, 'end');
  });

  it('marks a response not sent yet with Connection: close', async () => {
    const server = createServer((_req, res) => {
      drain.drain();
      res.end('ok');
    });
    servers.push(server);
    const drain = keepAliveDrain(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const req = request({ host: '127.0.0.1', port, path: '/' });
    req.end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    expect(res.headers.connection).toBe('close');
    res.resume();
  });
});
