import { request as httpRequest } from 'node:http';
import { envelope, type ErrorCodeValue } from '@switchyard/api-spec';
import { openDatabase, type Database } from '@switchyard/persistence';
import {
  startUpstream,
  type RunningUpstream,
  type StandingFault,
  freePort,
  contractConfig,
  type AppUnderTest,
  type StartedApp,
  openTcpGate,
  type TcpGate,
  openSocket,
} from '@switchyard/testing';
import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectError, failOnInternalErrors, signUp } from '../support.js';
import { expectDocumented } from './openapi-check.js';
import { reportCases } from './report.js';

/**
 * The documented differences between the apps that change what a fault looks like
 * (docs/api-behaviour.md): how the proxy passes a body on, and how the ensemble runs its calls.
 */
export interface FaultProfile {
  /** 'buffered': Express reads the whole body first; 'streamed': Fastify pipes it. */
  readonly proxy: 'buffered' | 'streamed';
  /** 'serial': one source after another; 'concurrent': all at once (here K ≤ the bound). */
  readonly fanOut: 'serial' | 'concurrent';
}

/** UPSTREAM_TIMEOUT_MS and PROXY_TIMEOUT_MS in this suite. */
export const FAULT_TIMEOUT_MS = 1_500;
/** The bound: a fault ends within the configured timeout plus 10 %. */
const SLACK = 0.1;
/** Knowledge sources the ensemble asks, so a serial fan-out waits twice. */
const SOURCES = 2;
/** A `slow` fault's pieces then come 2 × the timeout apart: every gap is a stall. */
const SLOW_MS = 9 * 2 * FAULT_TIMEOUT_MS;
/** A fast fault (refused, reset, 5xx) must not wait for any timer at all. */
const FAST_MS = FAULT_TIMEOUT_MS / 2;

type HttpCase = {
  readonly name: string;
  /** Sets the fault up; returns how to undo it. */
  readonly arrange?: (stack: FaultStack) => Promise<() => Promise<void>>;
  readonly send: (stack: FaultStack, auth: Record<string, string>) => Promise<Response>;
  readonly route: 'proxy' | 'postMessage';
  /** How many timeouts the fault costs before the answer; 0 for a fast fault. */
  readonly timeouts: (profile: FaultProfile) => number;
  readonly expect: (profile: FaultProfile) => { status: number; code?: ErrorCodeValue };
};

interface FaultStack {
  readonly app: StartedApp;
  readonly upstream: RunningUpstream;
  /** The bots' way to the stand-in (MODEL_URL and KNOWLEDGE_URL): cut, it refuses. */
  readonly gate: TcpGate;
  readonly db: Database;
}

const standing = (fault: StandingFault) => async (stack: FaultStack) => {
  stack.upstream.faults.set(fault);
  return async () => stack.upstream.faults.clear();
};

const refused = async (stack: FaultStack) => {
  await stack.gate.cut();
  return () => stack.gate.restore();
};

const message = (bot: string) => (stack: FaultStack, auth: Record<string, string>) =>
  request(stack.app.url).post(`/v1/bots/${bot}/messages`).set(auth).send({ text: 'fault?' });

const proxied = (path: string) => (stack: FaultStack, auth: Record<string, string>) =>
  request(stack.app.url).get(`/v1/proxy/${path}`).set(auth);

const TIMEOUT = { status: 504, code: 'SWY_ERR_UPSTREAM_TIMEOUT' } as const;
const UNAVAILABLE = { status: 502, code: 'SWY_ERR_UPSTREAM_UNAVAILABLE' } as const;
const BAD_RESPONSE = { status: 502, code: 'SWY_ERR_UPSTREAM_BAD_RESPONSE' } as const;

const HTTP_CASES: readonly HttpCase[] = [
  {
    name: 'proxy: the service hangs',
    send: proxied('httpbin/get?fault=hang'),
    route: 'proxy',
    timeouts: () => 1,
    expect: () => TIMEOUT,
  },
  {
    name: 'proxy: the service resets the connection',
    send: proxied('httpbin/get?fault=reset'),
    route: 'proxy',
    timeouts: () => 0,
    expect: () => UNAVAILABLE,
  },
  {
    name: 'proxy: nothing listens (refused)',
    send: proxied('down/get'),
    route: 'proxy',
    timeouts: () => 0,
    expect: () => UNAVAILABLE,
  },
  {
    // A transparent proxy: the service's own 5xx is its answer, passed back (api-behaviour.md).
    name: "proxy: the service answers 503 (passed back as the service's answer)",
    send: proxied('httpbin/get?fault=5xx&status=503'),
    route: 'proxy',
    timeouts: () => 0,
    expect: () => ({ status: 503 }),
  },
  {
    name: 'model bot: the model hangs',
    arrange: standing({ fault: 'hang' }),
    send: message('model'),
    route: 'postMessage',
    timeouts: () => 1,
    expect: () => TIMEOUT,
  },
  {
    name: 'model bot: the model sends its body too slowly',
    arrange: standing({ fault: 'slow', slowMs: SLOW_MS }),
    send: message('model'),
    route: 'postMessage',
    timeouts: () => 1,
    expect: () => TIMEOUT,
  },
  {
    name: 'model bot: the model resets the connection',
    arrange: standing({ fault: 'reset' }),
    send: message('model'),
    route: 'postMessage',
    timeouts: () => 0,
    expect: () => UNAVAILABLE,
  },
  {
    name: 'model bot: the model answers 500',
    arrange: standing({ fault: '5xx', status: 500 }),
    send: message('model'),
    route: 'postMessage',
    timeouts: () => 0,
    expect: () => BAD_RESPONSE,
  },
  {
    name: 'model bot: nothing listens (refused)',
    arrange: refused,
    send: message('model'),
    route: 'postMessage',
    timeouts: () => 0,
    expect: () => UNAVAILABLE,
  },
  {
    // UPSTREAM_TIMEOUT_MS bounds each call: a serial fan-out waits once per source.
    name: `ensemble bot: all ${SOURCES} sources hang`,
    arrange: standing({ fault: 'hang' }),
    send: message('ensemble'),
    route: 'postMessage',
    timeouts: (profile) => (profile.fanOut === 'serial' ? SOURCES : 1),
    expect: () => TIMEOUT,
  },
  {
    name: 'ensemble bot: every source answers 503',
    arrange: standing({ fault: '5xx', status: 503 }),
    send: message('ensemble'),
    route: 'postMessage',
    timeouts: () => 0,
    expect: () => BAD_RESPONSE,
  },
  {
    name: 'ensemble bot: nothing listens (refused)',
    arrange: refused,
    send: message('ensemble'),
    route: 'postMessage',
    timeouts: () => 0,
    expect: () => UNAVAILABLE,
  },
];

/** The WebSocket stream of the model bot, with the model failing under it. */
const STREAM_CASES: ReadonlyArray<{
  readonly name: string;
  readonly fault: StandingFault;
  readonly code: ErrorCodeValue;
  readonly timeouts: number;
  /**
   * An idle timeout: its timer starts at the last line the model sent, so the case is timed
   * from the frame that line became, not from the message. The message's own cost (the session
   * lookup, storing it) is no part of the timeout, and on a loaded CI machine it alone took the
   * answer past the 10 % slack.
   */
  readonly fromFirstFrame?: boolean;
}> = [
  {
    name: 'the model hangs',
    fault: { fault: 'hang' },
    code: 'SWY_ERR_UPSTREAM_TIMEOUT',
    timeouts: 1,
  },
  {
    // The stand-in spreads the stream over a minute: after the first line, every gap is a stall.
    name: 'the model stalls in the middle of its stream',
    fault: { fault: 'slow', slowMs: 60_000 },
    code: 'SWY_ERR_UPSTREAM_TIMEOUT',
    timeouts: 1,
    fromFirstFrame: true,
  },
  {
    name: 'the model answers 503',
    fault: { fault: '5xx', status: 503 },
    code: 'SWY_ERR_UPSTREAM_BAD_RESPONSE',
    timeouts: 0,
  },
];

/** How long the client waited, from the request to the end of the answer (or its cut). */
async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const began = performance.now();
  const result = await work();
  return { result, ms: performance.now() - began };
}

/** A raw GET that reports whether the body was cut off before its Content-Length. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; cut: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      res.resume();
      res.once('close', () => resolve({ status: res.statusCode ?? 0, cut: !res.complete }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** Per timed case, how far past its timeout the answer came, for the line the suite prints. */
const overruns: number[] = [];

function expectWithinTimeouts(ms: number, timeouts: number): void {
  if (timeouts > 0) overruns.push((ms / (timeouts * FAULT_TIMEOUT_MS) - 1) * 100);
  if (timeouts === 0) {
    expect(ms, 'a fast fault waits for no timer').toBeLessThan(FAST_MS);
    return;
  }
  const bound = timeouts * FAULT_TIMEOUT_MS;
  // It did wait for the timer (less 20 ms of timer and clock granularity), and not much longer.
  expect(ms).toBeGreaterThanOrEqual(bound - 20);
  expect(ms).toBeLessThanOrEqual(bound * (1 + SLACK));
}

/**
 * Upstream faults: the bots' services and a proxied service hang, reset, send their body too
 * slowly, answer 5xx or refuse the connection. Each ends in the documented status and envelope
 * within the configured timeout plus 10 % (a fast fault well before it), the sockets the fault
 * held are let go (the stand-in counts the responses it still holds), and the app keeps
 * serving. Prints its case count.
 */
export function runUpstreamFaultSuite(subject: AppUnderTest, profile: FaultProfile): void {
  const cases = HTTP_CASES.length + 1 + STREAM_CASES.length;
  reportCases('upstream faults', subject.name, cases);
  describe(`${subject.name} under upstream faults`, () => {
    let stack: FaultStack;
    let auth: Record<string, string>;
    const guarded = failOnInternalErrors(subject);

    beforeAll(async () => {
      const upstream = await startUpstream({ chunkDelayMs: 1 });
      const gate = await openTcpGate({ host: '127.0.0.1', port: upstream.port });
      const db = await openDatabase();
      const viaGate = `http://127.0.0.1:${gate.port}`;
      const config = contractConfig(
        upstream,
        {
          MODEL_URL: viaGate,
          KNOWLEDGE_URL: viaGate,
          UPSTREAM_TIMEOUT_MS: String(FAULT_TIMEOUT_MS),
          PROXY_TIMEOUT_MS: String(FAULT_TIMEOUT_MS),
          ENSEMBLE_SOURCES: String(SOURCES),
          FANOUT_CONCURRENCY: String(SOURCES),
        },
        await freePort(),
      );
      const app = await guarded.start({ config, db });
      stack = { app, upstream, gate, db };
      ({ auth } = await signUp(app.url));
    });
    afterAll(async () => {
      if (overruns.length > 0) {
        const worst = Math.max(...overruns).toFixed(1);
        console.log(
          `upstream faults: ${subject.name}: ${overruns.length} timed cases, at most ${worst} % past the timeout (bound ${SLACK * 100} %)`,
        );
      }
      await stack?.app.close();
      await stack?.db.close();
      await stack?.gate.close();
      await stack?.upstream.close();
    });

    /** No response is left held by a fault, and the app answers a real request. */
    async function expectRecovered(): Promise<void> {
      await vi.waitFor(() => expect(stack.upstream.faults.held()).toBe(0), { timeout: 1_000 });
      const health = await request(stack.app.url).get('/health');
      expect(health.status).toBe(200);
      const echo = await message('echo')(stack, auth);
      expect(echo.status).toBe(201);
      const model = await message('model')(stack, auth);
      expect(model.status).toBe(201);
    }

    for (const fault of HTTP_CASES) {
      const expected = fault.expect(profile);
      const timeouts = fault.timeouts(profile);
      const answer = expected.code ? `${expected.status} ${expected.code}` : `${expected.status}`;
      it(`${fault.name}: ${answer}, after ${timeouts} timeout(s)`, async () => {
        const undo = (await fault.arrange?.(stack)) ?? (async () => undefined);
        let outcome: { result: Response; ms: number };
        try {
          outcome = await timed(() => fault.send(stack, auth));
        } finally {
          await undo();
        }
        const res = outcome.result;
        expect(res.status).toBe(expected.status);
        if (expected.code === 'SWY_ERR_UPSTREAM_BAD_RESPONSE') {
          // Its message names the service and the status it answered.
          expect(res.body).toEqual({
            error: { code: expected.code, message: expect.stringMatching(/answered/) },
          });
          expectDocumented(fault.route, res);
        } else if (expected.code) {
          expectError(fault.route, res, expected.status, expected.code);
        }
        expectWithinTimeouts(outcome.ms, timeouts);
        await expectRecovered();
      });
    }

    // Buffered, the stall is a 504; streamed, the headers are out and the body is cut off.
    const stalled = profile.proxy === 'buffered' ? '504 SWY_ERR_UPSTREAM_TIMEOUT' : '200, cut off';
    it(`proxy: the service stalls in the middle of its body: ${stalled}, after 1 timeout(s)`, async () => {
      const path = `/v1/proxy/httpbin/get?fault=slow&slowMs=${SLOW_MS}`;
      if (profile.proxy === 'buffered') {
        const { result, ms } = await timed(() => request(stack.app.url).get(path).set(auth));
        expectError('proxy', result, 504, 'SWY_ERR_UPSTREAM_TIMEOUT');
        expectWithinTimeouts(ms, 1);
      } else {
        const { result, ms } = await timed(() => rawGet(`${stack.app.url}${path}`, auth));
        expect(result).toEqual({ status: 200, cut: true });
        expectWithinTimeouts(ms, 1);
      }
      await expectRecovered();
    });

    for (const stream of STREAM_CASES) {
      it(`stream: ${stream.name}: an error frame ${stream.code}, after ${stream.timeouts} timeout(s)`, async () => {
        stack.upstream.faults.set(stream.fault);
        try {
          const socket = await openSocket(
            `${stack.app.url.replace('http', 'ws')}/v1/bots/model/stream`,
            { protocols: ['bearer', auth['Authorization']!.slice('Bearer '.length)] },
          );
          const { result, ms } = stream.fromFirstFrame
            ? await (async () => {
                socket.send({ type: 'message', text: 'fault?' });
                const first = await socket.next();
                expect(first).toMatchObject({ type: 'chunk' });
                const rest = await timed(() => socket.untilDone());
                return { result: [first, ...rest.result], ms: rest.ms };
              })()
            : await timed(async () => {
                socket.send({ type: 'message', text: 'fault?' });
                return socket.untilDone();
              });
          expect(result.at(-1)).toMatchObject({ type: 'error', error: { code: stream.code } });
          if (stream.code === 'SWY_ERR_UPSTREAM_TIMEOUT') {
            expect(result.at(-1)).toEqual({ type: 'error', ...envelope(stream.code) });
          }
          expectWithinTimeouts(ms, stream.timeouts);
          socket.socket.close();
        } finally {
          stack.upstream.faults.clear();
        }
        await expectRecovered();
      });
    }
  });
}
