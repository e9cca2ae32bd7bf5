import { createServer, connect, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  spawnApp,
  spawnProcess,
  waitForOutput,
  waitReady,
  type SpawnedProcess,
} from '../src/index.js';

const FIXTURE = 'libs/testing/test/fixtures/server.mjs';
const started: SpawnedProcess[] = [];
const track = <T extends SpawnedProcess>(p: T) => (started.push(p), p);

afterEach(async () => {
  for (const p of started.splice(0)) await p.stop({ signal: 'SIGKILL' });
});

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });

const body = async (url: string) => (await fetch(url)).json() as Promise<Record<string, string>>;

describe('freePort', () => {
  it('returns a port that nothing listens on and that can be listened on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await refused(port)).toBe(true);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('spawnProcess', () => {
  it('keeps stdout and stderr and resolves exited with the code', async () => {
    const p = track(
      spawnProcess({
        name: 'says',
        entry: FIXTURE,
        env: { FIXTURE_SAY: 'hi there', FIXTURE_EXIT: '3' },
      }),
    );
    const exit = await p.exited;
    expect(exit).toMatchObject({ code: 3, signal: null });
    expect(p.output.join('')).toBe('hi there\n');
  });

  it('hands every chunk to onOutput and keeps only the last keepChunks', async () => {
    const seen: string[] = [];
    const p = track(
      spawnProcess({
        name: 'says',
        entry: FIXTURE,
        env: { FIXTURE_SAY: 'one', FIXTURE_EXIT: '0' },
        keepChunks: 0,
        onOutput: (chunk) => seen.push(chunk),
      }),
    );
    await p.exited;
    expect(seen.join('')).toBe('one\n');
    expect(p.output).toEqual([]);
  });

  it('starts from baseEnv when given, else from this process environment', async () => {
    process.env['FIXTURE_INHERITED'] = 'yes';
    try {
      const inherits = track(await spawnApp({ name: 'a', entry: FIXTURE, ready: { path: '/' } }));
      const bare = track(
        await spawnApp({
          name: 'b',
          entry: FIXTURE,
          baseEnv: { PATH: process.env['PATH'] },
          ready: { path: '/' },
        }),
      );
      expect(await body(inherits.url)).toMatchObject({ inherited: 'yes' });
      expect(await body(bare.url)).not.toHaveProperty('inherited');
    } finally {
      delete process.env['FIXTURE_INHERITED'];
    }
  });

  it('stops with SIGTERM and resolves with the exit', async () => {
    const p = track(spawnProcess({ name: 'idle', entry: FIXTURE, env: { FIXTURE_SAY: 'up' } }));
    // Once it has spoken, its SIGTERM handler is in place (a fixed wait lost that race under load).
    await waitForOutput(p, 'up');
    expect((await p.stop()).code).toBe(0);
    // Stopping again answers at once with the same exit.
    expect((await p.stop()).code).toBe(0);
  });

  it('kills with SIGKILL once the grace time is over', async () => {
    const p = track(
      spawnProcess({
        name: 'stubborn',
        entry: FIXTURE,
        env: { FIXTURE_IGNORE_TERM: '1', FIXTURE_SAY: 'up' },
      }),
    );
    await waitForOutput(p, 'up');
    const exit = await p.stop({ graceMs: 300 });
    expect(exit).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(p.output.join('')).toContain('ignoring SIGTERM');
  });

  it('opens an IPC channel when asked', async () => {
    const p = track(spawnProcess({ name: 'ipc', entry: FIXTURE, ipc: true }));
    const answer = new Promise((resolve) => p.child.once('message', resolve));
    p.child.send({ ping: 1 });
    expect(await answer).toEqual({ echo: { ping: 1 } });
  });
});

describe('spawnApp', () => {
  it('sets HOST and PORT and waits for /ready to answer 200', async () => {
    const app = track(
      await spawnApp({ name: 'slow', entry: FIXTURE, env: { READY_AFTER_MS: '300' } }),
    );
    expect(app.url).toBe(`http://127.0.0.1:${app.port}`);
    // It answered 503 for the first 300 ms: spawnApp returned only after that.
    expect(app.readyMs).toBeGreaterThan(0);
    const res = await fetch(`${app.url}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ host: '127.0.0.1', port: String(app.port) });
  });

  it('uses the port it is given, and with ready: false returns before the app listens', async () => {
    const port = await freePort();
    const app = track(await spawnApp({ name: 'now', entry: FIXTURE, port, ready: false }));
    expect(app.port).toBe(port);
    expect(app.readyMs).toBeNaN();
    expect(await waitReady(app.url, { process: app })).toBeGreaterThanOrEqual(0);
  });

  it('throws with the output, and stops the app, when it is not ready in time', async () => {
    const attempt = spawnApp({
      name: 'never',
      entry: FIXTURE,
      env: { READY_AFTER_MS: '60000', FIXTURE_SAY: 'still starting' },
      // Long enough for the fixture to start and speak on a loaded CI machine (300 ms was not:
      // the error then held no output yet); the app never gets ready, so the wait always ends.
      ready: { timeoutMs: 3_000 },
    });
    await expect(attempt).rejects.toThrow(/not ready within 3000 ms never:\nstill starting/);
  });

  it('throws with the output when the app exits before it is ready', async () => {
    const attempt = spawnApp({
      name: 'crash',
      entry: FIXTURE,
      env: { FIXTURE_SAY: 'boom', FIXTURE_EXIT: '1' },
    });
    await expect(attempt).rejects.toThrow(/exited \(1\) before ready: crash:\nboom/);
  });
});

describe('waitReady', () => {
  it('polls the given path until it answers 200 and the output predicate holds', async () => {
    let calls = 0;
    const server = createHttpServer((req, res) => {
      calls++;
      res.writeHead(req.url === '/health' && calls > 2 ? 200 : 503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await waitReady(`http://127.0.0.1:${port}`, { path: '/health', intervalMs: 10 });
      expect(calls).toBe(3);
      const watched = {
        name: 'w',
        child: { exitCode: null, signalCode: null },
        output: ['not yet'],
      };
      setTimeout(() => watched.output.push(' 2 workers listening'), 100);
      await waitReady(`http://127.0.0.1:${port}`, {
        path: '/health',
        process: watched,
        output: (text) => text.includes('2 workers listening'),
        intervalMs: 10,
      });
      // /health answered 200 throughout; the wait lasted until the line appeared.
      expect(watched.output.join('')).toContain('2 workers listening');
    } finally {
      server.close();
    }
  });

  it('gives up after timeoutMs when nothing listens', async () => {
    const port = await freePort();
    await expect(waitReady(`http://127.0.0.1:${port}`, { timeoutMs: 200 })).rejects.toThrow(
      `http://127.0.0.1:${port}/ready not ready within 200 ms`,
    );
  });
});

describe('waitForOutput', () => {
  it('resolves on a string or a pattern in the output', async () => {
    const p = track(
      spawnProcess({ name: 'idle', entry: FIXTURE, env: { FIXTURE_SAY: 'serving on 42' } }),
    );
    await waitForOutput(p, 'serving');
    await waitForOutput(p, /on \d+/);
  });

  it('throws when the process exits first', async () => {
    const p = track(spawnProcess({ name: 'gone', entry: FIXTURE, env: { FIXTURE_EXIT: '2' } }));
    await expect(waitForOutput(p, 'never said')).rejects.toThrow(/exited \(2\) before never said/);
  });
});
