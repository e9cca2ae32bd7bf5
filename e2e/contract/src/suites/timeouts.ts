import { connect } from 'node:net';
import { envelope } from '@switchyard/api-spec';
import { databaseTargets } from '@switchyard/persistence/testing';
import {
  spawnApp,
  startUpstream,
  type RunningUpstream,
  type SpawnedApp,
} from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../apps.js';
import { describeTarget, useEnvironment } from '../support.js';
import { reportCases } from './report.js';

/** Longer than any timeout the cases set, far shorter than the defaults they replace. */
const GUARD_MS = 15_000;
const CASES = 7;

/** A raw connection: what the server wrote, and how the connection ended. */
function rawConnection(port: number) {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (data += chunk));
  const ended = new Promise<string>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.on('close', () => resolve('closed'));
  });
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return {
    connected,
    ended,
    get data() {
      return data;
    },
    write: (text: string) => socket.write(text),
    /** Resolves once the server has written `text`, or the connection has ended. */
    async until(text: string): Promise<void> {
      while (!data.includes(text)) {
        const more = new Promise<void>((resolve) => socket.once('data', () => resolve()));
        if ((await Promise.race([more.then(() => 'more'), ended])) !== 'more') return;
      }
    },
    destroy: () => socket.destroy(),
  };
}

/** Rejects after GUARD_MS: a hang is a failure, not a stuck run. */
function guard<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${GUARD_MS} ms`)), GUARD_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Status code and body of the first answer in raw HTTP text. */
function parse(text: string): { status: number; headers: string; body: string } {
  const headEnd = text.indexOf('\r\n\r\n');
  return {
    status: Number(text.split(' ')[1]),
    headers: text.slice(0, headEnd).toLowerCase(),
    body: text.slice(headEnd + 4),
  };
}

const portOf = (url: string) => Number(new URL(url).port);
const timedOut = envelope('SWY_ERR_REQUEST_TIMEOUT');
const slowPost = (port: number, length: number) =>
  `POST /v1/accounts HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;

/**
 * Server timeouts and the connection cap, the same in every app (REQUEST_TIMEOUT_MS,
 * HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_CONNECTIONS), and a shutdown that a half-sent
 * body does not hold to its deadline. Before, fastify-api and the bridge had no request timeout
 * at all, express-api Node's 300 s, and the Keep-Alive timeout was 5 s against Fastify's 72 s.
 */
export async function runTimeoutsSuite(app: App): Promise<void> {
  reportCases('timeouts', app.name, CASES);
  const pglite = (await databaseTargets()).find((target) => target.kind === 'pglite')!;

  describeTarget(`${app.name} request timeouts (1 s each)`, pglite, () => {
    const used = useEnvironment(app, pglite, {
      overrides: () => ({
        REQUEST_TIMEOUT_MS: '1000',
        HEADERS_TIMEOUT_MS: '1000',
        KEEP_ALIVE_TIMEOUT_MS: '1000',
      }),
    });

    it('answers a body that never finishes with 408 SWY_ERR_REQUEST_TIMEOUT and closes the connection', async () => {
      const port = portOf(used.env.app.url);
      const conn = rawConnection(port);
      await conn.connected;
      const sentAt = performance.now();
      conn.write(`${slowPost(port, 100)}{"username":`);
      const ending = await guard('the slow body', conn.ended);
      console.log(
        `timeouts: ${app.name}: slow body closed ${Math.round(performance.now() - sentAt)} ms after its first byte (REQUEST_TIMEOUT_MS=1000)`,
      );
      const answer = parse(conn.data);
      expect(answer.status, conn.data).toBe(408);
      expect(JSON.parse(answer.body)).toEqual(timedOut);
      expect(answer.headers).toContain('connection: close');
      expect(ending).toBe('closed');
    });

    it('answers headers that never finish with 408 SWY_ERR_REQUEST_TIMEOUT and closes the connection', async () => {
      const port = portOf(used.env.app.url);
      const conn = rawConnection(port);
      await conn.connected;
      conn.write(`GET /health HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nx-slow: `);
      await guard('the slow headers', conn.ended);
      const answer = parse(conn.data);
      expect(answer.status, conn.data).toBe(408);
      expect(JSON.parse(answer.body)).toEqual(timedOut);
    });

    it('says Keep-Alive: timeout=1 and closes an idle kept-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
      const port = portOf(used.env.app.url);
      const conn = rawConnection(port);
      await conn.connected;
      conn.write(
        `GET /health HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: keep-alive\r\n\r\n`,
      );
      const ending = await guard('the idle connection to be closed', conn.ended);
      const answer = parse(conn.data);
      expect(answer.status).toBe(200);
      expect(answer.headers).toContain('keep-alive: timeout=1');
      expect(ending).toBe('closed');
    });
  });

  describeTarget(`${app.name} connection cap (MAX_CONNECTIONS=2)`, pglite, () => {
    const used = useEnvironment(app, pglite, { overrides: () => ({ MAX_CONNECTIONS: '2' }) });

    it('serves MAX_CONNECTIONS connections at once, closes one more unanswered, and serves again once one ends', async () => {
      const port = portOf(used.env.app.url);
      const health = `GET /health HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: keep-alive\r\n\r\n`;
      const held = [rawConnection(port), rawConnection(port)];
      for (const conn of held) {
        await conn.connected;
        conn.write(health);
        await guard('an answer within the cap', conn.until('\r\n\r\n'));
        expect(parse(conn.data).status).toBe(200);
      }
      const extra = rawConnection(port);
      extra.write(health);
      await guard('the connection over the cap to be closed', extra.ended);
      expect(extra.data).toBe('');

      held[0]!.destroy();
      // The server sees the close a moment later; until then a new connection is still over.
      let answered = '';
      await guard(
        'a connection to be served again',
        (async () => {
          for (;;) {
            const next = rawConnection(port);
            next.write(health);
            await next.until('\r\n\r\n');
            answered = next.data;
            next.destroy();
            if (answered) return;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        })(),
      );
      expect(parse(answered).status).toBe(200);
      held[1]!.destroy();
    });
  });

  describeTarget(`${app.name} defaults`, pglite, () => {
    const used = useEnvironment(app, pglite);

    it('says Keep-Alive: timeout=5 (KEEP_ALIVE_TIMEOUT_MS, 5 s by default)', async () => {
      const port = portOf(used.env.app.url);
      const conn = rawConnection(port);
      await conn.connected;
      conn.write(
        `GET /health HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: keep-alive\r\n\r\n`,
      );
      await guard('an answer', conn.until('\r\n\r\n'));
      expect(parse(conn.data).headers).toContain('keep-alive: timeout=5');
      conn.destroy();
    });

    it('does not time out a body that arrives in parts within REQUEST_TIMEOUT_MS', async () => {
      const port = portOf(used.env.app.url);
      const conn = rawConnection(port);
      await conn.connected;
      const body = JSON.stringify({ username: 'x', password: 'y' });
      conn.write(`${slowPost(port, Buffer.byteLength(body))}${body.slice(0, 5)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      conn.write(body.slice(5));
      await guard('an answer', conn.until('\r\n\r\n'));
      // Too short a username: validation answers, not the timeout.
      expect(parse(conn.data).status).toBe(400);
      conn.destroy();
    });
  });

  describe(`${app.name} shutdown with a body still arriving`, () => {
    let upstream: RunningUpstream | undefined;
    let spawned: SpawnedApp | undefined;
    beforeAll(async () => {
      upstream = await startUpstream({ latencyMs: 0 });
      spawned = await spawnApp({
        name: app.name,
        entry: app.main,
        env: {
          LOG_LEVEL: 'info',
          MODEL_URL: upstream.url,
          KNOWLEDGE_URL: upstream.url,
          DATABASE_URL: '',
          PGLITE_DATA_DIR: 'memory://',
          REDIS_URL: '',
          // Deadlines far past the guard: only closing the half-sent body ends the shutdown in time.
          SHUTDOWN_TIMEOUT_MS: '30000',
          REQUEST_TIMEOUT_MS: '60000',
        },
        ready: { path: '/health' },
      });
    }, 60_000);
    afterAll(async () => {
      await spawned?.stop({ signal: 'SIGKILL' });
      await upstream?.close();
    });

    it('closes the half-sent body at SIGTERM and exits with 0 long before SHUTDOWN_TIMEOUT_MS', async () => {
      const { port } = spawned!;
      const conn = rawConnection(port);
      await conn.connected;
      // Expect: 100-continue: Node answers 100 once the request has reached the app.
      conn.write(
        `POST /v1/accounts HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nexpect: 100-continue\r\n\r\n`,
      );
      await guard('100 Continue', conn.until('100 Continue'));
      conn.write('{"username":');
      const signalAt = performance.now();
      spawned!.child.kill('SIGTERM');
      const exit = await guard('the process to exit', spawned!.exited);
      console.log(
        `timeouts: ${app.name}: exited ${exit.code} ${Math.round(exit.at - signalAt)} ms after SIGTERM with a half-sent body (SHUTDOWN_TIMEOUT_MS=30000)`,
      );
      expect({ code: exit.code, signal: exit.signal }, spawned!.output.join('')).toEqual({
        code: 0,
        signal: null,
      });
      expect(await guard('the half-sent connection to be closed', conn.ended)).not.toBe('');
      expect(conn.data).not.toMatch(/HTTP\/1\.1 [2-5]\d\d/);
    });
  });
}
