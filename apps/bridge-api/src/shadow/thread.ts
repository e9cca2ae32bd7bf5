// The bridge's end of the shadow worker (worker.ts): posts it jobs and the sessions that end,
// runs its SELECTs on the bridge's database, writes its log lines to the bridge's log, and turns
// a worker that stops (a crash, its heap limit) into `error` outcomes and a restart, so that
// nothing of it reaches a client.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RouteGroup } from '@switchyard/api-spec';
import type { Database, DatabaseKind, SessionEvent } from '@switchyard/persistence';
import type { Config } from '@switchyard/runtime';
import type { FastifyBaseLogger } from 'fastify';
import type { JobOutcome, ShadowJob, ShadowSide, SideLimits } from './side.js';

/** What the worker starts with (its workerData). */
export interface WorkerInput {
  readonly config: Config;
  readonly groups: readonly RouteGroup[];
  readonly dbKind: DatabaseKind;
  readonly logLevel: string;
  readonly limits: SideLimits;
  /** Tests only: a module whose `build` replaces fastify-api's buildApp (a planted double). */
  readonly buildModule?: string;
}

export type ToWorker =
  | { readonly type: 'job'; readonly id: number; readonly job: ShadowJob; readonly live: boolean }
  | { readonly type: 'ended'; readonly event: SessionEvent }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly result?: { rows: unknown[]; rowCount: number | null; command: string };
      readonly error?: { message: string; code: string | undefined };
    }
  | { readonly type: 'close' };

export type ToMain =
  | { readonly type: 'ready'; readonly priorityProblem?: string }
  | { readonly type: 'outcome'; readonly id: number; readonly outcome: JobOutcome }
  | {
      readonly type: 'query';
      readonly id: number;
      readonly text: unknown;
      readonly values: unknown;
    }
  | { readonly type: 'log'; readonly line: string };

export interface WorkerSideOptions extends Omit<WorkerInput, 'dbKind' | 'logLevel'> {
  readonly db: Database;
  /** The shadow's logger on the bridge (its level is the worker's). */
  readonly log: FastifyBaseLogger;
  /** Whether the bridge's session events are live now (sent with each job). */
  readonly live: () => boolean;
}

/** A worker that stopped is started again on the next job, but not sooner than this. */
const RESTART_AFTER_MS = 1_000;
/** How long a worker has to start (load fastify-api, build and ready the app). */
const START_TIMEOUT_MS = 60_000;
/** How long a worker has to close its app before it is terminated. */
const CLOSE_TIMEOUT_MS = 5_000;
/** On top of SHADOW_TIMEOUT_MS (which the worker applies), for the messages' trip. */
const REPLY_MARGIN_MS = 1_000;

/**
 * The worker's module: worker.js beside this file in the build (dist/shadow/, or the bundle's
 * folder, where tools/deploy writes worker.js beside main.js). From the sources (tsx, Vitest) a
 * small loader registers tsx in the worker first, since a worker does not inherit a module
 * runner's loader. (A template literal, so that the bundler's asset rewriting leaves it alone.)
 */
function workerEntry(): {
  url: URL;
  workerData: (input: WorkerInput) => unknown;
  execArgv: string[];
} {
  const sibling = (name: string) => new URL(`./${name}`, import.meta.url);
  if (!fileURLToPath(import.meta.url).endsWith('.ts')) {
    return { url: sibling('worker.js'), workerData: (input) => input, execArgv: [] };
  }
  const entry = sibling('worker.ts').href;
  return {
    url: sibling('ts-worker.mjs'),
    workerData: (input) => ({ ...input, entry }),
    execArgv: ['--conditions=@switchyard/source'],
  };
}

const levelNames: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/**
 * Starts the worker and answers its side at once: the bridge does not wait for it (loading
 * fastify-api in a new thread takes a second from the build and far longer from the sources
 * under load, past Fastify's plugin timeout). A job that comes before the worker is up waits
 * for it, within SHADOW_MAX_PENDING; `ready` resolves once the first start is over, up or not.
 */
export function startWorkerSide(
  options: WorkerSideOptions,
): ShadowSide & { sessionEnded(event: SessionEvent): void; readonly ready: Promise<void> } {
  const { db, log } = options;
  const input: WorkerInput = {
    config: options.config,
    groups: options.groups,
    dbKind: db.kind,
    // A bridge built with `logger: false` has Fastify's no-op logger, which has no level.
    logLevel: typeof log.level === 'string' && log.level ? log.level : 'silent',
    limits: options.limits,
    ...(options.buildModule ? { buildModule: options.buildModule } : {}),
  };
  const entry = workerEntry();
  const waiting = new Map<number, { resolve(o: JobOutcome): void; timer: NodeJS.Timeout }>();
  let nextJob = 0;
  let worker: Worker | undefined;
  let starting: Promise<Worker | undefined> | undefined;
  let startedAt = 0;
  let closed = false;

  /** Every job still waiting on `w` ends as an error: the worker will not answer it. */
  function failAll(reason: string): void {
    for (const [id, job] of waiting) {
      clearTimeout(job.timer);
      waiting.delete(id);
      job.resolve({ kind: 'error', reason });
    }
  }

  function onMessage(w: Worker, message: ToMain): void {
    switch (message.type) {
      case 'outcome': {
        const job = waiting.get(message.id);
        if (!job) return;
        waiting.delete(message.id);
        clearTimeout(job.timer);
        job.resolve(message.outcome);
        return;
      }
      case 'query':
        db.query(message.text as string, message.values as unknown[]).then(
          (r) =>
            w.postMessage({
              type: 'result',
              id: message.id,
              result: { rows: r.rows, rowCount: r.rowCount, command: r.command },
            } satisfies ToWorker),
          (error: { message?: string; code?: string }) =>
            w.postMessage({
              type: 'result',
              id: message.id,
              error: { message: String(error?.message ?? error), code: error?.code },
            } satisfies ToWorker),
        );
        return;
      case 'log': {
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(message.line) as Record<string, unknown>;
        } catch {
          return;
        }
        const { level, msg, time: _time, pid: _pid, hostname: _host, ...fields } = parsed;
        const name = levelNames[Number(level)] ?? 'warn';
        (log as unknown as Record<string, (o: object, m?: unknown) => void>)[name]?.(fields, msg);
        return;
      }
      case 'ready':
        return;
    }
  }

  function start(): Promise<Worker> {
    startedAt = Date.now();
    const w = new Worker(entry.url, {
      workerData: entry.workerData(input),
      execArgv: entry.execArgv,
      resourceLimits: { maxOldGenerationSizeMb: options.config.SHADOW_WORKER_MAX_HEAP_MB },
      // Its log lines come as messages; nothing of it should write to the bridge's stdout.
      stdout: true,
      stderr: true,
    });
    w.stdout.resume();
    w.stderr.resume();
    return new Promise<Worker>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the shadow worker did not start within ${START_TIMEOUT_MS} ms`));
        void w.terminate();
      }, START_TIMEOUT_MS);
      let ready = false;
      w.on('message', (message: ToMain) => {
        if (message.type === 'ready' && !ready) {
          ready = true;
          if (message.priorityProblem) {
            log.warn(
              {
                shadowWorker: {
                  nice: options.config.SHADOW_WORKER_NICE,
                  problem: message.priorityProblem,
                },
              },
              'shadow worker runs at the bridge priority',
            );
          }
          clearTimeout(timer);
          resolve(w);
        }
        onMessage(w, message);
      });
      w.on('error', (error) => {
        if (!ready) {
          clearTimeout(timer);
          reject(error);
          return;
        }
        log.error({ err: error }, 'shadow worker failed');
      });
      w.on('exit', (code) => {
        clearTimeout(timer);
        if (worker === w) worker = undefined;
        if (!ready) reject(new Error(`the shadow worker exited (${code}) before it was ready`));
        if (!closed) {
          log.warn({ shadowWorker: { exitCode: code } }, 'shadow worker stopped');
          failAll(`the shadow worker stopped (exit code ${code})`);
        }
      });
    });
  }

  /** A start under way: its worker, or undefined when it failed (logged). */
  function launch(what: 'start' | 'restart'): Promise<Worker | undefined> {
    const launched = start().then(
      (w) => {
        worker = w;
        return w;
      },
      (error: unknown) => {
        log.error({ err: error }, `shadow worker did not ${what}`);
        return undefined;
      },
    );
    starting = launched;
    void launched.finally(() => {
      if (starting === launched) starting = undefined;
    });
    return launched;
  }
  const ready = launch('start').then(() => undefined);

  async function current(): Promise<Worker | undefined> {
    if (worker) return worker;
    if (starting) return starting;
    if (closed || Date.now() - startedAt < RESTART_AFTER_MS) return undefined;
    return launch('restart');
  }

  return {
    async run(job) {
      const w = await current();
      if (!w) return { kind: 'error', reason: 'the shadow worker is not running' };
      const id = nextJob++;
      return new Promise<JobOutcome>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve({ kind: 'error', reason: 'the shadow worker did not answer' });
        }, options.limits.timeoutMs + REPLY_MARGIN_MS);
        waiting.set(id, { resolve, timer });
        w.postMessage({ type: 'job', id, job, live: options.live() } satisfies ToWorker);
      });
    },
    ready,
    sessionEnded(event) {
      worker?.postMessage({ type: 'ended', event } satisfies ToWorker);
    },
    async close() {
      closed = true;
      const w = worker ?? (await starting);
      failAll('the bridge is shutting down');
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ type: 'close' } satisfies ToWorker);
      const timer = setTimeout(() => void w.terminate(), CLOSE_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
