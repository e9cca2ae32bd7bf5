import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
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

  // server.close() closes the listening socket, and Linux resets every connection still in its
  // accept queue: the client connected, and its request is refused with ECONNRESET.
  it('answers a connection the kernel completed before close() but the server had not accepted', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    servers.push(server);
    const drain = keepAliveDrain(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    let accepted = 0;
    server.on('connection', () => (accepted += 1));

    const client = connect(port, '127.0.0.1');
    const reply = answerOf(client);
    // net.connect dials on the next tick; this tick comes after it, and the event loop does not
    // turn in between, so the server cannot accept: the connection waits in the accept queue.
    await new Promise<void>((resolve) => process.nextTick(resolve));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    expect(accepted).toBe(0);
    drain.drain();
    const closed = new Promise((resolve) => server.close(resolve));
    client.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');

    const text = await reply;
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text.toLowerCase()).toContain('connection: close');
    await closed;
  });

  it('still closes an idle kept-alive connection when close() is called', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    servers.push(server);
    server.keepAliveTimeout = 60_000;
    const drain = keepAliveDrain(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;

    const client = connect(port, '127.0.0.1');
    const ended = new Promise<string>((resolve) => {
      client.on('end', () => resolve('fin'));
      client.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    let received = '';
    const answered = new Promise<void>((resolve) =>
      client.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (received.endsWith('ok')) resolve();
      }),
    );
    client.write('GET / HTTP/1.1\r\nhost: x\r\nconnection: keep-alive\r\n\r\n');
    await answered;
    expect(received.toLowerCase()).toContain('connection: keep-alive');

    drain.drain();
    // Bounded by the test's timeout, far below the 60 s keep-alive the connection would get.
    await new Promise((resolve) => server.close(resolve));
    expect(await ended).toBe('fin');
    client.destroy();
  });
});

/** Everything a raw client connection receives, once the server ends it (or the error's code). */
function answerOf(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('end', () => resolve(text));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
