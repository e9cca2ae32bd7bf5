import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import {
  databaseTargets,
  createServerDatabase,
  type ServerDatabase,
} from '@switchyard/persistence/testing';
import {
  startUpstream,
  type RunningUpstream,
  spawnApp,
  type AppProcess,
  type Exit,
  type SpawnedApp,
  freePort,
  openSocket,
  type OpenSocket,
} from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCredentials, internalErrorLines } from '../support.js';
import { reportCases } from './report.js';

/**
 * How long the upstream stand-in takes to answer the model and /delay: requests stay in flight
 * while the app handles the signal and stops listening, with room to spare on a loaded machine.
 */
const LATENCY_MS = 2_500;
/** Slow requests in flight at the signal, each on a connection of its own. */
const IN_FLIGHT = 8;
/** The bound: from SIGTERM to the process's exit. */
const EXIT_BOUND_MS = 10_000;
const CASES = 6;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** How a probe for a new connection after the signal ended. */
type Probe = { readonly sentAt: number; readonly at: number } & (
  | { readonly outcome: 'answered'; readonly status: number }
  | { readonly outcome: 'refused' }
  | { readonly outcome: 'failed'; readonly error: string }
);

interface KeptAlive {
  /** The answers on the connection, in order. */
  readonly answers: Answer[];
  /** 'fin' when the server ended the connection cleanly, else the socket error's code. */
  readonly ending: string;
}

/** Everything the scenario saw; the cases assert on it. */
interface Observed {
  readonly signalAt: number;
  readonly inFlight: Array<Answer | { readonly error: string }>;
  /** When the last in-flight request was answered. */
  readonly lastAnswerAt: number;
  readonly probes: Probe[];
  readonly keptAlive: KeptAlive;
  readonly pipelined: KeptAlive;
  readonly closeCodes: Array<number | string>;
  readonly exit: Exit;
}

/** One HTTP/1.1 request on a fresh connection (no keep-alive), the whole answer read. */
function once(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers as Record<string, string>,
          body: text,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    // Accepted but never answered is a failure too, not a hang.
    req.setTimeout(EXIT_BOUND_MS, () =>
      req.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })),
    );
    req.end(body);
  });
}

/**
 * A raw connection that reads HTTP/1.1 answers in order (Content-Length or chunked bodies), so
 * a test can keep it alive, pipeline on it, and see exactly how the server ends it.
 */
function rawConnection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  const answers: Answer[] = [];
  const waiters: Array<() => void> = [];
  let buffer = Buffer.alloc(0);
  const ended = new Promise<string>((resolve) => {
    socket.on('end', () => resolve('fin'));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));

  function parse(): void {
    for (;;) {
      const headEnd = buffer.indexOf('\r\n\r\n');
      if (headEnd === -1) return;
      const [statusLine, ...lines] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let rest = buffer.subarray(headEnd + 4);
      let body: Buffer;
      if (headers['transfer-encoding'] === 'chunked') {
        const parts: Buffer[] = [];
        for (;;) {
          const lineEnd = rest.indexOf('\r\n');
          if (lineEnd === -1) return;
          const size = Number.parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
          if (rest.length < lineEnd + 2 + size + 2) return;
          parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
          rest = rest.subarray(lineEnd + 2 + size + 2);
          if (size === 0) break;
        }
        body = Buffer.concat(parts);
      } else {
        const length = Number(headers['content-length'] ?? 0);
        if (rest.length < length) return;
        body = rest.subarray(0, length);
        rest = rest.subarray(length);
      }
      buffer = rest;
      const status = Number(statusLine?.split(' ')[1]);
      answers.push({ status, headers, body: body.toString('utf8') });
      for (const waiter of waiters.splice(0)) waiter();
    }
  }
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    parse();
  });

  return {
    connected,
    answers,
    ended,
    send(method: string, path: string, headers: Record<string, string>, body = ''): void {
      const head = Object.entries({ host: `127.0.0.1:${port}`, ...headers })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      const length = body ? `content-length: ${Buffer.byteLength(body)}\r\n` : '';
      socket.write(`${method} ${path} HTTP/1.1\r\n${head}${length}\r\n${body}`);
    },
    /** Resolves once `count` answers have arrived or the connection has ended. */
    async answered(count: number): Promise<void> {
      while (answers.length < count) {
        const more = new Promise<void>((resolve) => waiters.push(resolve));
        if ((await Promise.race([more.then(() => 'more'), ended])) !== 'more') return;
      }
    },
    destroy: () => socket.destroy(),
  };
}

/** A new connection to GET /health, as a client arriving after the signal would open one. */
async function probe(url: string, began: number): Promise<Probe> {
  const sentAt = performance.now() - began;
  try {
    const answer = await once(url, 'GET', '/health', {});
    return { sentAt, at: performance.now() - began, outcome: 'answered', status: answer.status };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const at = performance.now() - began;
    if (code === 'ECONNREFUSED') return { sentAt, at, outcome: 'refused' };
    return { sentAt, at, outcome: 'failed', error: code ?? String(error) };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const began = Date.now();
  while (!check()) {
    if (Date.now() - began > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * Graceful shutdown under load, against an app running as its own process: one process on
 * PGlite, and two cluster workers (WEB_CONCURRENCY=2) on a fresh PostgreSQL database. With
 * slow requests in flight (the upstream stand-in answers after 2.5 s), two kept-alive connections
 * (one of them pipelining a request after the signal) and two open WebSockets, the process gets
 * SIGTERM. Every request in flight must get its normal 2xx; new connections must be refused
 * (ECONNREFUSED) once the server has stopped listening, and never reset; a kept-alive connection
 * must get clean answers with `Connection: close` and then a FIN; each WebSocket must get a
 * close frame with 1001; and the process must exit with 0 within 10 s of the signal. Everything
 * runs in beforeAll; the cases assert on what it saw.
 */
export async function runShutdownSuite(app: AppProcess): Promise<void> {
  const postgres = (await databaseTargets()).find((target) => target.kind === 'postgres');
  const variants = [
    { label: 'one process on PGlite', workers: 1, database: 'pglite', skipReason: undefined },
    {
      label: 'WEB_CONCURRENCY=2 on PostgreSQL',
      workers: 2,
      database: 'postgres',
      skipReason: postgres ? postgres.skipReason : 'no PostgreSQL target',
    },
  ] as const;
  const runnable = variants.filter((variant) => !variant.skipReason).length;
  reportCases('shutdown', app.name, runnable * CASES);

  for (const variant of variants) {
    describe(`${app.name} shutdown under load, ${variant.label}`, () => {
      if (variant.skipReason) {
        it.skip(`(skipped: ${variant.skipReason})`, () => {});
        return;
      }
      let upstream: RunningUpstream | undefined;
      let database: ServerDatabase | undefined;
      let spawned: SpawnedApp | undefined;
      let observed: Observed;

      beforeAll(async () => {
        upstream = await startUpstream({ latencyMs: LATENCY_MS, chunkDelayMs: 1 });
        if (variant.database === 'postgres') database = await createServerDatabase();
        const port = await freePort();
        spawned = await spawnApp({
          name: app.name,
          entry: app.main,
          port,
          env: {
            LOG_LEVEL: 'info',
            MODEL_URL: upstream.url,
            KNOWLEDGE_URL: upstream.url,
            PROXY_SERVICES: JSON.stringify({
              httpbin: { url: upstream.url, paths: ['/get', '/delay'] },
            }),
            RATE_LIMIT_MAX: '1000000',
            WEB_CONCURRENCY: String(variant.workers),
            // Whatever the test's environment says: this variant's database and no Redis.
            DATABASE_URL: database?.url ?? '',
            PGLITE_DATA_DIR: 'memory://',
            REDIS_URL: '',
            ...app.env,
          },
          ready: {
            path: '/health',
            // A cluster serves once its first worker listens; the signal must find all of them up.
            output: (output) =>
              variant.workers === 1 || output.includes(`${variant.workers} workers listening`),
          },
        });
        observed = await scenario(spawned, port, upstream, variant.workers);
        console.log(
          `shutdown: ${app.name}, ${variant.label}: exited ${observed.exit.code} ` +
            `${Math.round(observed.exit.at - observed.signalAt)} ms after SIGTERM`,
        );
      }, 90_000);

      afterAll(async () => {
        if (spawned && spawned.child.exitCode === null && spawned.child.signalCode === null) {
          spawned.child.kill('SIGKILL');
          await spawned.exited;
        }
        await database?.drop();
        await upstream?.close();
      });

      const log = () => spawned?.output.join('') ?? '';

      it('answers every request in flight at SIGTERM with its normal 2xx', () => {
        expect(observed.inFlight).toHaveLength(IN_FLIGHT);
        for (const answer of observed.inFlight) {
          expect('status' in answer ? answer.status : answer.error, log()).toBeOneOf([200, 201]);
        }
      });

      // One exception, in cluster mode only: node:cluster's primary accepts connections for its
      // workers (round-robin), and one it accepted in the instant the last worker stopped taking
      // them is closed unanswered. Allowed there, and counted in the line the suite prints.
      const reset = (p: Probe | undefined) =>
        p?.outcome === 'failed' && /ECONNRESET|socket hang up/.test(p.error);
      const primaryReset = (p: Probe) => variant.workers > 1 && reset(p);
      // And in one process, the kernel's: Linux resets the connections still in the accept queue
      // when the listening socket closes (docs/reliability.md). keepAliveDrain narrows the window
      // to the instant of the close, so only the probe just before the first refused one may
      // meet it, once.
      const queueReset = (p: Probe, i: number, all: readonly Probe[]) =>
        variant.workers === 1 && reset(p) && all[i + 1]?.outcome === 'refused';

      it('refuses new connections once it has stopped listening, and resets none', () => {
        const { lastAnswerAt, signalAt } = observed;
        const resets = observed.probes.filter(primaryReset).length;
        if (resets > 0)
          console.log(`shutdown: ${app.name}: ${resets} probe(s) reset by the primary`);
        const queued = observed.probes.filter(queueReset);
        expect(queued.length, 'probes reset in the accept queue at the close').toBeLessThanOrEqual(
          1,
        );
        if (queued.length > 0)
          console.log(`shutdown: ${app.name}: 1 probe reset in the accept queue at the close`);
        const probes = observed.probes.filter(
          (p, i, all) => !primaryReset(p) && !queueReset(p, i, all),
        );
        const failed = probes.filter((p) => p.outcome === 'failed');
        expect(failed, 'probes that ended in an error other than ECONNREFUSED').toEqual([]);
        // Accepted before the server stopped listening: answered like any request.
        for (const p of probes) if (p.outcome === 'answered') expect(p.status).toBe(200);
        const seen = JSON.stringify(
          observed.probes.map((p) => [Math.round(p.sentAt), Math.round(p.at), p.outcome]),
        );
        const firstRefusal = probes.findIndex((p) => p.outcome === 'refused');
        expect(firstRefusal, `no probe was refused: ${seen}`).toBeGreaterThanOrEqual(0);
        // It stopped listening while it was still finishing the requests in flight...
        expect(probes[firstRefusal]!.at, seen).toBeLessThan(lastAnswerAt - signalAt);
        // ...and never listened again (no worker was restarted during the shutdown).
        expect(
          probes.slice(firstRefusal).every((p) => p.outcome === 'refused'),
          seen,
        ).toBe(true);
      });

      it('answers a request in flight on a kept-alive connection with Connection: close, then ends it', () => {
        const { answers, ending } = observed.keptAlive;
        expect(answers.map((a) => a.status)).toEqual([201]);
        expect(answers[0]!.headers['connection']).toBe('close');
        expect(ending).toBe('fin');
      });

      it('answers a request pipelined on a busy connection after the signal, then ends it', () => {
        const { answers, ending } = observed.pipelined;
        expect(answers.map((a) => a.status)).toEqual([201, 200]);
        expect(JSON.parse(answers[1]!.body)).toEqual({ status: 'ok' });
        expect(answers[1]!.headers['connection']).toBe('close');
        expect(ending).toBe('fin');
      });

      it('closes every open WebSocket with 1001', () => {
        expect(observed.closeCodes).toEqual([1001, 1001]);
      });

      it(`exits with code 0 within ${EXIT_BOUND_MS / 1000} s of the signal`, () => {
        const { exit, signalAt } = observed;
        expect({ code: exit.code, signal: exit.signal }, log()).toEqual({ code: 0, signal: null });
        expect(exit.at - signalAt).toBeLessThan(EXIT_BOUND_MS);
        // And nothing it answered on the way was a bug's 500.
        expect(internalErrorLines(spawned?.output ?? [])).toEqual([]);
      });
    });
  }
}

/** Load, then SIGTERM, and what every client saw until the process exited. */
async function scenario(
  spawned: SpawnedApp,
  port: number,
  upstream: RunningUpstream,
  workers: number,
): Promise<Observed> {
  const { url } = spawned;
  const credentials = buildCredentials();
  const json = { 'content-type': 'application/json' };
  const signUp = await once(url, 'POST', '/v1/accounts', json, JSON.stringify(credentials));
  if (signUp.status !== 201) throw new Error(`sign-up: ${signUp.status} ${signUp.body}`);
  const session = await once(url, 'POST', '/v1/sessions', json, JSON.stringify(credentials));
  const { token } = JSON.parse(session.body) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const message = JSON.stringify({ text: 'still there?' });

  // Two streams (in a cluster, likely one on each worker), each shown to work first.
  const sockets: OpenSocket[] = [];
  for (let i = 0; i < 2; i += 1) {
    const ws = await openSocket(`${url.replace('http', 'ws')}/v1/bots/echo/stream`, {
      protocols: ['bearer', token],
    });
    ws.send({ type: 'message', text: `stream ${i}` });
    await ws.untilDone();
    sockets.push(ws);
  }

  const before = upstream.requests.total();
  const keptAlive = rawConnection(port);
  const pipelined = rawConnection(port);
  await Promise.all([keptAlive.connected, pipelined.connected]);
  const modelMessage = { ...auth, ...json, connection: 'keep-alive' };
  keptAlive.send('POST', '/v1/bots/model/messages', modelMessage, message);
  pipelined.send('POST', '/v1/bots/model/messages', modelMessage, message);

  let lastAnswerAt = 0;
  const inFlight = Array.from({ length: IN_FLIGHT }, (_, i) =>
    (i % 2 === 0
      ? once(url, 'POST', '/v1/bots/model/messages', { ...auth, ...json }, message)
      : once(url, 'GET', `/v1/proxy/httpbin/delay/${LATENCY_MS}`, auth)
    ).then(
      (answer) => {
        lastAnswerAt = performance.now();
        return answer;
      },
      (error: NodeJS.ErrnoException) => ({ error: error.code ?? String(error) }),
    ),
  );
  // Truly in flight: the app has called the upstream for each of them.
  await until(
    'the requests to reach the upstream',
    () => upstream.requests.total() >= before + IN_FLIGHT + 2,
  );

  const closeCodes = sockets.map((ws) =>
    ws.closed().then(
      (code) => code as number | string,
      (error: Error) => error.message,
    ),
  );
  const signalAt = performance.now();
  spawned.child.kill('SIGTERM');

  // A kept-alive client that has not seen the answer yet sends its next request on it, once
  // every serving process has logged that it is shutting down (so the drain has begun).
  await until(
    'every serving process to log its shutdown',
    () => (spawned.output.join('').match(/"msg":"[Ss]hutting down"/g) ?? []).length >= workers,
  );
  pipelined.send('GET', '/health', { connection: 'keep-alive' });

  // A new connection every 50 ms, each on its own: one that waits (in a cluster, queued in the
  // primary) must not hold up the ones after it.
  const sent: Array<Promise<Probe>> = [];
  let exited = false;
  void spawned.exited.then(() => (exited = true));
  while (!exited && performance.now() - signalAt < EXIT_BOUND_MS + 5_000) {
    sent.push(probe(url, signalAt));
    await sleep(50);
  }
  const probes = (await Promise.all(sent)).sort((a, b) => a.sentAt - b.sentAt);

  const exit = await spawned.exited;
  await Promise.all([keptAlive.answered(1), pipelined.answered(2)]);
  const observed: Observed = {
    signalAt,
    inFlight: await Promise.all(inFlight),
    lastAnswerAt,
    probes,
    keptAlive: { answers: keptAlive.answers, ending: await keptAlive.ended },
    pipelined: { answers: pipelined.answers, ending: await pipelined.ended },
    closeCodes: await Promise.all(closeCodes),
    exit,
  };
  keptAlive.destroy();
  pipelined.destroy();
  return observed;
}
