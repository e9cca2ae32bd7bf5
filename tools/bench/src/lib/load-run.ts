// One case of the reliability load run (reliability-load.ts, test/load.test.ts): one app from
// its build, single or as a cluster, on a database of its own on the PostgreSQL server, under
// the mixed load, then the no-loss check against that database.
import { loadavg } from 'node:os';
import { ConfigSchema } from '@switchyard/runtime';
import { TEST_DATABASE_URL, createServerDatabase } from '@switchyard/persistence/testing';
import {
  spawnApp,
  startUpstream,
  waitReady,
  type RunningUpstream,
  type SpawnedApp,
} from '@switchyard/testing';
import { signIn } from './gateway.js';
import {
  RATE_LIMITED,
  startMixedLoadWorker,
  type LoadAccount,
  type MixedLoadWorker,
  type MixedLoadResult,
  type RouteKind,
} from './mixed-load.js';
import { checkNoLoss, type NoLossReport } from './no-loss.js';
import { childPids, isAlive, processTree, RssSampler, type RssReading } from './process-tree.js';
import { sleep } from './stats.js';

export type LoadApp = 'express-api' | 'fastify-api' | 'bridge-api';
export const LOAD_APPS: readonly LoadApp[] = ['express-api', 'fastify-api', 'bridge-api'];
export type LoadMode = 'single' | 'cluster';
export const LOAD_MODES: readonly LoadMode[] = ['single', 'cluster'];

/** Whether the apps' config knows WEB_CONCURRENCY (node:cluster workers) at all. */

export interface LoadCaseOptions {
  readonly app: LoadApp;
  readonly mode: LoadMode;
  readonly durationS: number;
  readonly connections: number;
  /** Accounts signed up and logged in before the run (sign-ups are rate limited: keep ≤ 15). */
  readonly accounts?: number;
  /** WEB_CONCURRENCY in cluster mode. */
  readonly workers?: number;
  /** Latency of the stand-in's model and knowledge routes, in ms. */
  readonly upstreamLatencyMs?: number;
  /** A PostgreSQL URL allowed to CREATE and DROP databases. */
  readonly adminUrl?: string;
  readonly keepDatabase?: boolean;
}

export interface LoadCaseResult {
  readonly app: LoadApp;
  readonly mode: LoadMode;
  /** WEB_CONCURRENCY given to the app (1 in single mode, where it is unset). */
  readonly requestedWorkers: number;
  /** Child processes of the app once it was ready: its cluster workers. */
  readonly workers: number;
  readonly durationS: number;
  readonly connections: number;
  readonly accounts: number;
  /** Responses received, all statuses. */
  readonly responses: number;
  readonly ok: number;
  /** 429s from rate-limited routes: the intended ones. */
  readonly intended429: number;
  /** `<route> <status>` → count, for every status that is neither 2xx nor an intended 429. */
  readonly unexpected: Record<string, number>;
  readonly socketErrors: number;
  readonly timeouts: number;
  /** Requests sent that got no response beyond the timeouts, errors and those in flight at the end. */
  readonly silentDrops: number;
  readonly mismatched: number;
  /** Every error: unexpected statuses, socket errors (timeouts included), drops, mismatches. */
  readonly errors: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly maxLatency: number;
  readonly clientCpu: number;
  /** The machine's 1-minute load average when the load ended: other work on it shows here. */
  readonly loadAverage: number;
  readonly sent: Record<RouteKind, number>;
  readonly statuses: Record<RouteKind, Record<string, number>>;
  /** Bytes, summed over the app and its workers. */
  readonly rss: RssReading & { readonly idle: number };
  readonly noLoss: NoLossReport;
  /** The app's log lines at level error or worse, counted by what they say. */
  readonly errorLogs: Record<string, number>;
  readonly exitCode: number | null;
  /** Workers still running after the primary exited (killed by the run, then reported). */
  readonly orphans: number;
  /** Why the case fails; empty when it passes. */
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

type AppProcess = SpawnedApp & {
  readonly pid: number;
  /** Its log lines at level error or worse: how many, and how many of each message. */
  readonly errors: {
    lines: number;
    readonly kinds: Record<string, number>;
    /** The first few such lines whole (cut at 4 kB): their request and stack say where. */
    readonly samples: string[];
  };
};

/** How many of an app's error lines a result keeps whole. */
const ERROR_SAMPLES = 3;

/**
 * What an app's log line at level error or worse says, in one line (`msg: ErrType: message`);
 * undefined for a line below error. A line that is not JSON (a crash) counts as an error.
 */
function errorKind(line: string): string | undefined {
  if (line.trim() === '') return undefined;
  let entry: { level?: number; msg?: string; err?: { type?: string; message?: string } };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return line.slice(0, 200);
  }
  if ((entry.level ?? 0) < 50) return undefined;
  const err = entry.err ? `${entry.err.type ?? 'Error'}: ${entry.err.message ?? ''}` : '';
  return [entry.msg, err].filter(Boolean).join(': ') || line.slice(0, 200);
}

/**
 * `node apps/<app>/dist/main.js` with only the config this run sets: every ConfigSchema key
 * inherited from the caller's environment is removed first, so that a stray RATE_LIMIT_MAX or
 * REDIS_URL cannot change what is measured. Resolves once /ready answers 200.
 */
async function startApp(app: LoadApp, env: Record<string, string>): Promise<AppProcess> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(ConfigSchema.properties)) delete base[key];
  const errors: AppProcess['errors'] = { lines: 0, kinds: {}, samples: [] };
  let partial = '';
  const onOutput = (chunk: string) => {
    const text = partial + chunk;
    const split = text.split('\n');
    partial = split.pop() ?? '';
    for (const line of split) {
      const kind = errorKind(line);
      if (kind === undefined) continue;
      errors.lines++;
      errors.kinds[kind] = (errors.kinds[kind] ?? 0) + 1;
      if (errors.samples.length < ERROR_SAMPLES) errors.samples.push(line.slice(0, 4096));
    }
  };
  const spawned = await spawnApp({
    name: app,
    entry: `apps/${app}/dist/main.js`,
    baseEnv: base,
    env,
    // The lines are counted as they come; the last few are kept for a start that fails.
    keepChunks: 40,
    onOutput,
    ready: { timeoutMs: 60_000 },
  });
  return Object.assign(spawned, { pid: spawned.child.pid ?? 0, errors });
}

/** Waits (up to `timeoutMs`) for `expected` child processes; returns how many there are. */
async function waitWorkers(pid: number, expected: number, timeoutMs: number): Promise<number> {
  const began = performance.now();
  let count = (await childPids(pid)).length;
  while (count < expected && performance.now() - began < timeoutMs) {
    await sleep(100);
    count = (await childPids(pid)).length;
  }
  return count;
}

/** SIGTERM, then SIGKILL after `graceMs`; returns the exit code and the descendants left over. */
async function stopApp(proc: AppProcess, graceMs = 15_000) {
  const tree = (await processTree(proc.pid)).filter((p) => p !== proc.pid);
  const exitCode = (await proc.stop({ graceMs })).code;
  // Workers get a moment to follow their primary out.
  let left = tree;
  for (let i = 0; i < 50 && left.length; i++) {
    await sleep(100);
    left = (await Promise.all(left.map(async (p) => ((await isAlive(p)) ? p : 0)))).filter(Boolean);
  }
  for (const pid of left) process.kill(pid, 'SIGKILL');
  return { exitCode, orphans: left.length };
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

/** Sorts the responses into fine, intended 429s and the rest. */
function classify(load: MixedLoadResult) {
  let ok = 0;
  let intended429 = 0;
  let responses = 0;
  const unexpected: Record<string, number> = {};
  for (const [kind, byStatus] of Object.entries(load.statuses) as [
    RouteKind,
    Record<string, number>,
  ][]) {
    for (const [status, count] of Object.entries(byStatus)) {
      responses += count;
      const code = Number(status);
      if (code >= 200 && code < 300) ok += count;
      else if (code === 429 && RATE_LIMITED.has(kind)) intended429 += count;
      else unexpected[`${kind} ${status}`] = count;
    }
  }
  return { ok, intended429, responses, unexpected };
}

export async function runLoadCase(options: LoadCaseOptions): Promise<LoadCaseResult> {
  const { app, mode, durationS, connections } = options;
  const requestedWorkers = mode === 'cluster' ? (options.workers ?? 2) : 1;
  const notes: string[] = [];
  const problems: string[] = [];
  const database = await createServerDatabase(options.adminUrl ?? TEST_DATABASE_URL);
  let upstream: RunningUpstream | undefined;
  let worker: MixedLoadWorker | undefined;
  let proc: AppProcess | undefined;
  try {
    upstream = await startUpstream({ latencyMs: options.upstreamLatencyMs ?? 5, logSize: 10 });
    worker = startMixedLoadWorker();
    proc = await startApp(app, {
      DATABASE_URL: database.url,
      MODEL_URL: upstream.url,
      KNOWLEDGE_URL: upstream.url,
      PROXY_SERVICES: JSON.stringify({ httpbin: { url: upstream.url, paths: ['/get', '/delay'] } }),
      LOG_LEVEL: 'warn',
      // RATE_LIMIT_MAX stays at its default (20 a minute per client and route): the log-ins of
      // the mix run into it, and those 429s are the intended ones.
      // The per-account bounds would refuse the mix's own traffic (one account, many messages and
      // log-ins): raised, as in the other scenarios (lib/gateway.ts); their suites test them.
      MESSAGE_RATE_MAX: '1000000',
      PROXY_RATE_MAX: '1000000',
      PROXY_MAX_CONCURRENT_PER_ACCOUNT: '10000',
      LOGIN_MAX_FAILURES: '1000',
      LOGIN_LOCK_SECONDS: '1',
      MAX_SESSIONS_PER_ACCOUNT: '1000',
      ...(mode === 'cluster' ? { WEB_CONCURRENCY: String(requestedWorkers) } : {}),
    });
    const expectedChildren = mode === 'cluster' ? requestedWorkers : 0;
    const workers = await waitWorkers(proc.pid, expectedChildren, 20_000);
    const childPidsAtReady = childPids(proc.pid);
    if (mode === 'cluster') {
      if (workers !== requestedWorkers) {
        problems.push(`WEB_CONCURRENCY=${requestedWorkers} but the app runs ${workers} worker(s)`);
      }
    } else if (workers !== 0) {
      problems.push(`single mode, yet the app has ${workers} child process(es)`);
    }
    if (mode === 'cluster' && workers > 0) {
      // The primary's /ready came from one worker; give the others their first answer too.
      for (let i = 0; i < 4 * workers; i++)
        await waitReady(proc.url, { timeoutMs: 20_000, process: proc });
    }

    // At once: fastify-api's scrypt runs on the thread pool; express-api's blocks, in turn.
    const url = proc.url;
    const accounts: LoadAccount[] = await Promise.all(
      Array.from({ length: options.accounts ?? 10 }, () => signIn(url)),
    );

    const idle = await new RssSampler(proc.pid).stop();
    const sampler = new RssSampler(proc.pid, 500);
    const load = await worker.run({ url: proc.url, connections, durationS, accounts });
    const rss = await sampler.stop();
    // A worker that died under load and was forked again shows up as a new pid.
    const before = await childPidsAtReady;
    const after = await childPids(proc.pid);
    const replaced = before.filter((pid) => !after.includes(pid)).length;
    if (replaced) {
      problems.push(`${replaced} worker(s) gone during the run (now ${after.length} child(ren))`);
    }
    const loadAverage = loadavg()[0] ?? 0;
    const stopped = await stopApp(proc);
    const { lines: errorLines, kinds: errorKinds, samples: errorSamples } = proc.errors;
    proc = undefined;
    if (stopped.exitCode !== 0) problems.push(`the app exited with ${stopped.exitCode} on SIGTERM`);
    if (stopped.orphans) {
      problems.push(`${stopped.orphans} worker(s) still running after the primary exited`);
    }

    const noLoss = await checkNoLoss(database.url, {
      acknowledged: load.acknowledged,
      refused: load.refused.map((r) => r.text),
      unanswered: load.unanswered,
    });
    const { ok, intended429, responses, unexpected } = classify(load);
    const sentTotal = sum(Object.values(load.sent));
    // At most one request per connection is in flight when autocannon stops.
    const silentDrops = Math.max(0, sentTotal - responses - connections - load.socketErrors);
    const unexpectedTotal = sum(Object.values(unexpected));
    const errors = unexpectedTotal + load.socketErrors + silentDrops + load.mismatched;
    if (unexpectedTotal) {
      problems.push(
        `unexpected statuses: ${Object.entries(unexpected)
          .map(([k, n]) => `${k} ×${n}`)
          .join(', ')}`,
      );
    }
    if (load.socketErrors) {
      problems.push(
        `${load.socketErrors} socket error(s), ${load.timeouts} of them timeouts (autocannon)`,
      );
    }
    if (silentDrops) problems.push(`${silentDrops} request(s) sent and never answered`);
    if (load.mismatched) problems.push(`${load.mismatched} 201(s) naming another message`);
    if (noLoss.checked === 0) problems.push('no message was acknowledged: nothing to check');
    for (const [count, what] of [
      [noLoss.lost, 'acknowledged message(s) not stored'],
      [noLoss.repliesLost, 'acknowledged repl(y/ies) not stored'],
      [noLoss.duplicated, 'message(s) stored more than once'],
      [noLoss.unknown, 'stored message(s) never sent'],
      [noLoss.inconsistentConversations, 'conversation(s) whose count or seq disagree'],
    ] as const) {
      if (count) problems.push(`${count} ${what}`);
    }
    if (errorLines) {
      problems.push(
        `the app logged ${errorLines} line(s) at level error or worse, the first: ${errorSamples.join('\n')}`,
      );
    }
    if (noLoss.refusedStored) {
      notes.push(`${noLoss.refusedStored} message(s) answered with an error were stored anyway`);
    }
    return {
      app,
      mode,
      requestedWorkers,
      workers,
      durationS: load.durationS,
      connections,
      accounts: accounts.length,
      responses,
      ok,
      intended429,
      unexpected,
      socketErrors: load.socketErrors,
      timeouts: load.timeouts,
      silentDrops,
      mismatched: load.mismatched,
      errors,
      rps: responses / load.durationS,
      p50: load.p50,
      p99: load.p99,
      maxLatency: load.maxLatency,
      clientCpu: load.clientCpu,
      loadAverage,
      sent: load.sent,
      statuses: load.statuses,
      rss: { ...rss, idle: idle.end },
      noLoss,
      errorLogs: errorKinds,
      exitCode: stopped.exitCode,
      orphans: stopped.orphans,
      problems,
      notes,
    };
  } finally {
    worker?.close();
    if (proc) await stopApp(proc);
    await upstream?.close();
    if (!options.keepDatabase) await database.drop();
  }
}
