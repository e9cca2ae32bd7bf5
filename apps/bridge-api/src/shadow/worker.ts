// The shadow worker (SHADOW_THREAD=worker): fastify-api's routes of the shadowed groups in a
// worker thread of their own, so that the second run of each request, its comparison and the
// garbage both make stay off the thread that answers the bridge's clients. The bridge's thread
// (thread.ts) posts it jobs and the sessions that end; it posts back outcomes, its log lines, and
// the SELECTs its routes send, which the bridge runs on its own database: one database, one
// pool, as inline.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { buildApp, type BuildAppOptions } from '@switchyard/fastify-api';
import type { Database, SessionEvent, SessionEvents } from '@switchyard/persistence';
import { LOG_REDACT_PATHS } from '@switchyard/runtime';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { replayingSide } from './side.js';
import type { ToMain, ToWorker, WorkerInput } from './thread.js';

const port = parentPort!;

/**
 * Lowers this thread's CPU priority (SHADOW_WORKER_NICE). Linux gives each thread its own nice
 * value: setpriority(2) with a thread id changes that thread alone, and /proc/thread-self names
 * it. Elsewhere, or where it is refused, the worker runs at the bridge's priority: answers why.
 */
function lowerPriority(nice: number): string | undefined {
  if (nice === 0) return undefined;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return 'no thread id in /proc/thread-self';
    setPriority(tid, nice);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const input = workerData as WorkerInput;
const post = (message: ToMain) => port.postMessage(message);
const priorityProblem = lowerPriority(input.config.SHADOW_WORKER_NICE);

/** SELECTs waiting for the bridge's answer, by id. Bounded by the jobs in flight. */
const queries = new Map<number, { resolve(r: unknown): void; reject(e: Error): void }>();
let nextQuery = 0;

/** Error with pg's `code`, so that the routes' error mapping sees what the bridge's thread saw. */
class RelayedQueryError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The bridge's database, through the bridge's thread. Reads only: the shadowed routes' own. */
const db: Database = {
  kind: input.dbKind,
  query: ((text: unknown, values?: unknown) =>
    new Promise((resolve, reject) => {
      const id = nextQuery++;
      queries.set(id, { resolve, reject });
      post({ type: 'query', id, text, values });
    })) as Database['query'],
  transaction: () => Promise.reject(new Error('the shadow side reads only: no transaction')),
  ping: async () => undefined,
  close: async () => undefined,
};

/**
 * Sessions ended in the bridge (a log-out through Express, or another instance's, heard by the
 * bridge's transport), relayed by the bridge's thread before any later job: the worker's session
 * cache forgets them in the same order the bridge's did. `live` is the bridge's transport's.
 */
let live = true;
let listener: ((event: SessionEvent) => void) | undefined;
const sessionEvents: SessionEvents = {
  transport: 'local',
  get live() {
    return live;
  },
  publish: async () => undefined,
  onEvent: (l) => void (listener = l),
  ready: async () => undefined,
  close: async () => undefined,
};

// Log lines go to the bridge's thread, which writes them to the bridge's log.
const logger = pino(
  { level: input.logLevel, redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' } },
  { write: (line: string) => post({ type: 'log', line }) },
);

type Build = (options: BuildAppOptions) => FastifyInstance;
const build: Build = input.buildModule
  ? ((await import(input.buildModule)) as { build: Build }).build
  : buildApp;

const app = build({
  config: { ...input.config, REDIS_URL: undefined },
  db,
  logger,
  routes: input.groups,
  sessionEvents,
});
await app.ready();
const side = replayingSide(app, input.limits);

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'job':
      live = message.live;
      void side
        .run(message.job)
        .then((outcome) => post({ type: 'outcome', id: message.id, outcome }));
      return;
    case 'ended':
      listener?.(message.event);
      return;
    case 'result': {
      const waiting = queries.get(message.id);
      queries.delete(message.id);
      if (!waiting) return;
      if (message.error)
        waiting.reject(new RelayedQueryError(message.error.message, message.error.code));
      else waiting.resolve(message.result);
      return;
    }
    case 'close':
      void side.close().finally(() => port.close());
      return;
  }
});
post({ type: 'ready', ...(priorityProblem ? { priorityProblem } : {}) });
