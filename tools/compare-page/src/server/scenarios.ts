// The page's buttons: each scenario loads both apps at once, from this process, for a few
// seconds, and reports per app what its clients saw (requests, p50/p99 latency, errors).
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Type, type Static } from 'typebox';
import {
  DURATION_MAX_S,
  DURATION_MIN_S,
  K_MAX,
  K_MIN,
  PROXY_CLIENTS,
  PROXY_DELAY_MAX_MS,
  REQUEST_TIMEOUT_MS,
  STORM_CLIENTS_MAX,
  WS_SOCKETS_MAX,
} from './limits.js';

const Duration = Type.Integer({ minimum: DURATION_MIN_S, maximum: DURATION_MAX_S, default: 5 });

export const FanoutSchema = Type.Object(
  { k: Type.Integer({ minimum: K_MIN, maximum: K_MAX }), durationS: Duration },
  { additionalProperties: false },
);
export const LoginStormSchema = Type.Object(
  { clients: Type.Integer({ minimum: 1, maximum: STORM_CLIENTS_MAX }), durationS: Duration },
  { additionalProperties: false },
);
export const SlowProxySchema = Type.Object(
  { delayMs: Type.Integer({ minimum: 0, maximum: PROXY_DELAY_MAX_MS }), durationS: Duration },
  { additionalProperties: false },
);
export const WebSocketSchema = Type.Object(
  { sockets: Type.Integer({ minimum: 1, maximum: WS_SOCKETS_MAX }), durationS: Duration },
  { additionalProperties: false },
);

export const SCENARIO_SCHEMAS = {
  fanout: FanoutSchema,
  'login-storm': LoginStormSchema,
  'slow-proxy': SlowProxySchema,
  websocket: WebSocketSchema,
} as const;
export type ScenarioName = keyof typeof SCENARIO_SCHEMAS;

export interface Group {
  /** What these requests were: "ensemble messages", "reader: GET /v1/conversations", … */
  readonly label: string;
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly errors: number;
  /** The first error, to say what went wrong. */
  readonly firstError: string | null;
}

export interface ScenarioResult {
  readonly scenario: ScenarioName;
  readonly params: Readonly<Record<string, number>>;
  readonly startedAt: string;
  readonly seconds: number;
  /** Set when the apps were restarted first (a new K). */
  readonly note: string | null;
  readonly apps: ReadonlyArray<{ readonly name: string; readonly groups: readonly Group[] }>;
}

export interface ScenarioApp {
  readonly name: string;
  readonly url: string;
}

/** What the scenarios need from whoever runs the apps (tools/start). */
export interface AppControl {
  apps(): readonly ScenarioApp[];
  /** ENSEMBLE_SOURCES the apps run with now. */
  ensembleSources(): number;
  /** Restarts both apps with another ENSEMBLE_SOURCES (the bench's fan-out does the same). */
  restartWithEnsembleSources(k: number): Promise<void>;
}

/** Nearest rank: the value at or below which q of the sorted samples lie. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round(sorted[i]! * 10) / 10;
}

class Tally {
  readonly ms: number[] = [];
  errors = 0;
  firstError: string | null = null;
  constructor(readonly label: string) {}

  fail(message: string) {
    this.errors += 1;
    this.firstError ??= message.slice(0, 200);
  }

  group(): Group {
    const sorted = [...this.ms].sort((a, b) => a - b);
    return {
      label: this.label,
      count: this.ms.length + this.errors,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      errors: this.errors,
      firstError: this.firstError,
    };
  }
}

async function call(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: parsed };
}

const describe = (status: number, body: unknown) =>
  `${status} ${(body as { code?: string } | null)?.code ?? ''}`.trim();

interface Account {
  readonly username: string;
  readonly password: string;
  readonly token: string;
}

/** A new account on one app, logged in. */
async function account(base: string): Promise<Account> {
  const username = `page-${randomUUID().slice(0, 12)}`;
  const password = 'a page password';
  const up = await call(base, 'POST', '/v1/accounts', undefined, { username, password });
  if (up.status !== 201) throw new Error(`sign-up on ${base}: ${describe(up.status, up.body)}`);
  const login = await call(base, 'POST', '/v1/sessions', undefined, { username, password });
  if (login.status !== 201 && login.status !== 200) {
    throw new Error(`log-in on ${base}: ${describe(login.status, login.body)}`);
  }
  return { username, password, token: (login.body as { token: string }).token };
}

/** Open until the scenario's seconds are up, or the page's server stops. */
interface Deadline {
  open(): boolean;
}

/** `clients` loops of `task` while `until` is open; each call timed into the tally. */
async function loops(
  clients: number,
  until: Deadline,
  tally: Tally,
  task: () => Promise<void>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (until.open()) {
        const began = performance.now();
        try {
          await task();
          tally.ms.push(performance.now() - began);
        } catch (error) {
          tally.fail(error instanceof Error ? error.message : String(error));
          // An app that fails at once would spin this loop: a short pause between failures.
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }),
  );
}

const expectStatus = async (
  pending: Promise<{ status: number; body: unknown }>,
  ...ok: number[]
) => {
  const { status, body } = await pending;
  if (!ok.includes(status)) throw new Error(describe(status, body));
};

type PerApp = (app: ScenarioApp, until: Deadline) => Promise<Group[]>;

const fanout =
  (): PerApp =>
  async ({ url }, until) => {
    const user = await account(url);
    const tally = new Tally('ensemble messages, one at a time');
    await loops(1, until, tally, () =>
      expectStatus(
        call(url, 'POST', '/v1/bots/ensemble/messages', user.token, { text: 'Which way?' }),
        201,
      ),
    );
    return [tally.group()];
  };

const loginStorm =
  (clients: number): PerApp =>
  async ({ url }, until) => {
    const [stormer, reader] = await Promise.all([account(url), account(url)]);
    const logins = new Tally(`log-ins: POST /v1/sessions, ${clients} at once`);
    const reads = new Tally('reader: GET /v1/conversations, one at a time');
    await Promise.all([
      loops(clients, until, logins, () =>
        expectStatus(
          call(url, 'POST', '/v1/sessions', undefined, {
            username: stormer.username,
            password: stormer.password,
          }),
          200,
          201,
        ),
      ),
      loops(1, until, reads, () =>
        expectStatus(call(url, 'GET', '/v1/conversations', reader.token), 200),
      ),
    ]);
    return [reads.group(), logins.group()];
  };

const slowProxy =
  (delayMs: number): PerApp =>
  async ({ url }, until) => {
    const user = await account(url);
    const tally = new Tally(`GET /v1/proxy/httpbin/delay/${delayMs}, ${PROXY_CLIENTS} at once`);
    await loops(PROXY_CLIENTS, until, tally, () =>
      expectStatus(call(url, 'GET', `/v1/proxy/httpbin/delay/${delayMs}`, user.token), 200),
    );
    return [tally.group()];
  };

/** Sends one message on an open socket and waits for its `done` frame. */
function streamOnce(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no done frame within ${REQUEST_TIMEOUT_MS} ms`));
    }, REQUEST_TIMEOUT_MS);
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(String(data)) as { type: string; code?: string };
      if (frame.type === 'done') {
        cleanup();
        resolve();
      } else if (frame.type === 'error') {
        cleanup();
        reject(new Error(`error frame ${frame.code ?? ''}`));
      }
    };
    const onClose = (code: number) => {
      cleanup();
      reject(new Error(`socket closed ${code}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('close', onClose);
    };
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.send(JSON.stringify({ type: 'message', text: 'Stream me a reply' }));
  });
}

function openSocket(url: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/bots/model/stream`, [
      'bearer',
      token,
    ]);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('socket not open within 15 s'));
    }, REQUEST_TIMEOUT_MS);
    socket.once('open', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      socket.terminate();
      reject(new Error(`upgrade refused: ${res.statusCode}`));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const websocket =
  (sockets: number): PerApp =>
  async ({ url }, until) => {
    const user = await account(url);
    const tally = new Tally(`streamed replies (model bot), ${sockets} sockets at once`);
    await Promise.all(
      Array.from({ length: sockets }, async () => {
        let socket: WebSocket;
        try {
          socket = await openSocket(url, user.token);
        } catch (error) {
          tally.fail(error instanceof Error ? error.message : String(error));
          return;
        }
        try {
          await loops(1, until, tally, () => streamOnce(socket));
        } finally {
          socket.close(1000);
        }
      }),
    );
    return [tally.group()];
  };

export class ScenarioError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Runs one scenario at a time; a second one while it runs is a 409. */
export class ScenarioRunner {
  #running: ScenarioName | undefined;
  #last: ScenarioResult | undefined;
  readonly #results = new Map<ScenarioName, ScenarioResult>();

  readonly #stopped = new AbortController();

  constructor(readonly control: AppControl) {}

  /** Ends the running scenario's loops now (the page's server is closing). */
  stop(): void {
    this.#stopped.abort();
  }

  get running(): ScenarioName | undefined {
    return this.#running;
  }

  get results(): Readonly<Partial<Record<ScenarioName, ScenarioResult>>> {
    return Object.fromEntries(this.#results);
  }

  get last(): ScenarioResult | undefined {
    return this.#last;
  }

  async run(name: ScenarioName, params: Record<string, number>): Promise<ScenarioResult> {
    if (this.#stopped.signal.aborted) {
      throw new ScenarioError(503, 'COMPARE_STOPPING', 'npm start is stopping');
    }
    if (this.#running) {
      throw new ScenarioError(
        409,
        'SCENARIO_RUNNING',
        `"${this.#running}" is running; one scenario at a time, try again when it ends`,
      );
    }
    this.#running = name;
    try {
      const result = await this.#run(name, params);
      this.#results.set(name, result);
      this.#last = result;
      return result;
    } finally {
      this.#running = undefined;
    }
  }

  async #run(name: ScenarioName, params: Record<string, number>): Promise<ScenarioResult> {
    let note: string | null = null;
    let perApp: PerApp;
    switch (name) {
      case 'fanout': {
        const k = params['k']!;
        if (this.control.ensembleSources() !== k) {
          const began = performance.now();
          await this.control.restartWithEnsembleSources(k);
          note = `Both apps restarted with ENSEMBLE_SOURCES=${k} first (${Math.round(performance.now() - began)} ms).`;
        }
        perApp = fanout();
        break;
      }
      case 'login-storm':
        perApp = loginStorm(params['clients']!);
        break;
      case 'slow-proxy':
        perApp = slowProxy(params['delayMs']!);
        break;
      case 'websocket':
        perApp = websocket(params['sockets']!);
        break;
    }
    const startedAt = new Date().toISOString();
    const began = performance.now();
    const end = began + params['durationS']! * 1000;
    const until: Deadline = {
      open: () => performance.now() < end && !this.#stopped.signal.aborted,
    };
    const apps = await Promise.all(
      this.control.apps().map(async (app) => ({
        name: app.name,
        groups: await perApp(app, until).catch((error: unknown): Group[] => [
          {
            label: 'set-up',
            count: 0,
            p50Ms: null,
            p99Ms: null,
            errors: 1,
            firstError: error instanceof Error ? error.message : String(error),
          },
        ]),
      })),
    );
    return {
      scenario: name,
      params,
      startedAt,
      seconds: Math.round((performance.now() - began) / 100) / 10,
      note,
      apps,
    };
  }
}

export type FanoutParams = Static<typeof FanoutSchema>;
