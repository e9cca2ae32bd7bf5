import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP pass-through that a test can cut and restore: the outage of a server, seen from the
 * app, without stopping a server that other suites share. Cut, it refuses new connections
 * (ECONNREFUSED, as a stopped server does) and resets the open ones; restored, it listens on
 * the same port again. Hand-written: toxiproxy does this and more but is a Go server to
 * install, and the few lines here are all a test needs.
 */
export interface TcpGate {
  /** The port clients dial instead of the target's. */
  readonly port: number;
  /** Pairs of sockets currently passing traffic. */
  readonly open: number;
  /** Stops accepting connections; the open ones go on. */
  refuse(): Promise<void>;
  /** Refuses, and resets every open connection. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function openTcpGate(target: { host: string; port: number }): Promise<TcpGate> {
  const pairs = new Set<Socket>();
  const onConnection = (client: Socket) => {
    const server = connect(target.port, target.host);
    pairs.add(client);
    // Either side ending ends both: no half-open pair outlives a cut or a server close.
    const drop = () => {
      pairs.delete(client);
      client.destroy();
      server.destroy();
    };
    client.on('error', drop).on('close', drop);
    server.on('error', drop).on('close', drop);
    client.pipe(server);
    server.pipe(client);
  };

  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer(onConnection);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });

  let server: Server | undefined = await listen(0);
  const port = (server.address() as AddressInfo).port;

  // server.close() resolves once every connection has ended, so it is awaited after the reset.
  let closed: Promise<void> = Promise.resolve();
  const refuse = async () => {
    const closing = server;
    server = undefined;
    if (closing) closed = new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  const stop = async () => {
    await refuse();
    for (const client of pairs) client.resetAndDestroy();
    pairs.clear();
    await closed;
  };

  return {
    port,
    get open() {
      return pairs.size;
    },
    refuse,
    cut: stop,
    async restore() {
      server ??= await listen(port);
    },
    close: stop,
  };
}
