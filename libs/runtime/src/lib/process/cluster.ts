import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config/config.js';

/*
 * WEB_CONCURRENCY: the Node counterpart of `gunicorn --workers N`. With N > 1 the process an
 * app's main starts becomes a primary that forks N workers; each worker runs that same main
 * (config, database, server on HOST:PORT, whose listening socket node:cluster shares) and the
 * primary only supervises: it never opens the database and never listens itself.
 *
 * Hand-written on node:cluster, on purpose: the guide shows what a primary does (fork, restart
 * with a cap, forward the stop signal, hold the deadline) in one readable file. `throng`
 * (5.0.0) wraps the same calls but not the restart cap or the deadline; PM2 is a process
 * manager to run the app under, not a library to run it with.
 */

/** The primary's logger: pino's methods take a message first, and so do console's. */
export interface PrimaryLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type PrimaryConfig = Pick<
  Config,
  | 'WEB_CONCURRENCY'
  | 'SHUTDOWN_TIMEOUT_MS'
  | 'SHUTDOWN_DRAIN_MS'
  | 'REDIS_URL'
  | 'RATE_LIMIT_MAX'
  | 'LOG_LEVEL'
>;

export interface PrimaryOptions {
  /** Shown in the primary's log lines, e.g. `express-api`. */
  readonly name: string;
  readonly config: PrimaryConfig;
  /** Default: pino-shaped JSON lines on stdout at LOG_LEVEL. */
  readonly logger?: PrimaryLogger;
  /** Unexpected worker exits allowed within `restartWindowMs`; one more ends the primary. Default 5. */
  readonly maxRestarts?: number;
  /** Default 60 s. */
  readonly restartWindowMs?: number;
}

/** Set in the environment of the workers runPrimary forks. */
const WORKER_MARK = 'SWITCHYARD_CLUSTER_WORKER';

/** What the primary adds to SHUTDOWN_TIMEOUT_MS before it kills the workers that are left. */
export const SHUTDOWN_MARGIN_MS = 5_000;

/**
 * From a stop signal to the hard exit: the drain (`/ready` 503 while serving), the graceful
 * close, and the margin. A process supervisor's grace period (compose's stop_grace_period,
 * Kubernetes' terminationGracePeriodSeconds) must cover it.
 */
export function shutdownBudgetMs(
  config: Pick<Config, 'SHUTDOWN_TIMEOUT_MS' | 'SHUTDOWN_DRAIN_MS'>,
): number {
  return config.SHUTDOWN_DRAIN_MS + config.SHUTDOWN_TIMEOUT_MS + SHUTDOWN_MARGIN_MS;
}

/** True in the process that must supervise workers instead of serving: N > 1, not a worker. */
export function isClusterPrimary(config: Pick<Config, 'WEB_CONCURRENCY'>): boolean {
  return config.WEB_CONCURRENCY > 1 && cluster.isPrimary;
}

/**
 * True in a worker that runPrimary forked. A worker can get one stop signal twice (Ctrl-C in a
 * terminal reaches the whole process group, systemd signals the whole control group, and the
 * primary forwards the signal too), so in a worker a second signal is not "exit now": the
 * primary holds the deadline.
 */
export function isClusterWorker(): boolean {
  // Forked by runPrimary, not merely under some cluster parent (PM2's cluster mode is one).
  return cluster.isWorker && process.env[WORKER_MARK] === '1';
}

/**
 * In a worker, lets go of the IPC channel to the primary once the shutdown is done: the channel
 * would otherwise keep a main that ends by letting its event loop run dry alive. Elsewhere: nothing.
 */
export function leaveCluster(): void {
  if (isClusterWorker() && cluster.worker?.isConnected()) cluster.worker.disconnect();
}

const LEVELS: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

/** pino's line format (level number, time, pid, msg), for an app whose pino is its framework's. */
export function jsonLineLogger(name: string, level: Config['LOG_LEVEL']): PrimaryLogger {
  const write = (at: number) => (msg: string) => {
    if (at < (LEVELS[level] ?? LEVELS['info']!)) return;
    process.stdout.write(
      `${JSON.stringify({ level: at, time: Date.now(), pid: process.pid, name, msg })}\n`,
    );
  };
  return { info: write(30), warn: write(40), error: write(50) };
}

/**
 * Forks WEB_CONCURRENCY workers and supervises them until a stop signal; resolves with the
 * process's exit code. A worker that exits unexpectedly is replaced after a backoff (0.1 s,
 * doubling, at most 5 s); more than `maxRestarts` such exits within `restartWindowMs` is a crash
 * loop: the others are stopped and the code is 1. SIGTERM or SIGINT is forwarded to every
 * worker; the code is 0 once all have exited with 0, 1 if any did not or if some were still
 * running shutdownBudgetMs after the signal (those are killed). A second signal kills
 * the workers at once (1), as a second signal stops a single-process app at once.
 */
export function runPrimary(options: PrimaryOptions): Promise<number> {
  const { name, config } = options;
  const log = options.logger ?? jsonLineLogger(name, config.LOG_LEVEL);
  const maxRestarts = options.maxRestarts ?? 5;
  const restartWindowMs = options.restartWindowMs ?? 60_000;
  const count = config.WEB_CONCURRENCY;

  if (config.REDIS_URL === undefined) {
    log.warn(
      `WEB_CONCURRENCY=${count} without REDIS_URL: each worker keeps its own rate-limit counters, so a client gets up to ${count} × RATE_LIMIT_MAX = ${count * config.RATE_LIMIT_MAX} requests per window`,
    );
  }

  return new Promise<number>((resolve) => {
    const live = new Set<Worker>();
    const listening = new Set<Worker>();
    const restarts = new Set<NodeJS.Timeout>();
    const crashes: number[] = [];
    let stopping: NodeJS.Signals | 'crash loop' | undefined;
    let failed = false;
    let deadline: NodeJS.Timeout | undefined;
    let announced = false;

    function fork(): void {
      const worker = cluster.fork({ [WORKER_MARK]: '1' });
      live.add(worker);
      log.info(`worker ${worker.process.pid} started`);
    }

    function finish(): void {
      clearTimeout(deadline);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      cluster.off('exit', onExit);
      cluster.off('listening', onListening);
      log.info(`primary exiting with ${failed ? 1 : 0}`);
      resolve(failed ? 1 : 0);
    }

    function stop(reason: NodeJS.Signals | 'crash loop'): void {
      stopping = reason;
      for (const timer of restarts) clearTimeout(timer);
      restarts.clear();
      // Ctrl-C and systemd also signal the workers themselves; they start their shutdown once.
      const signal = reason === 'crash loop' ? 'SIGTERM' : reason;
      for (const worker of live) worker.process.kill(signal);
      deadline = setTimeout(() => {
        log.error(
          `workers still running ${shutdownBudgetMs(config)} ms after ${reason}: killing them`,
        );
        failed = true;
        for (const worker of live) worker.process.kill('SIGKILL');
      }, shutdownBudgetMs(config));
      if (live.size === 0) finish();
    }

    function onSignal(signal: NodeJS.Signals): void {
      if (stopping === undefined) {
        log.info(`${signal}: stopping ${live.size} workers`);
        stop(signal);
        return;
      }
      log.warn(`second signal (${signal}): killing the workers now`);
      failed = true;
      for (const worker of live) worker.process.kill('SIGKILL');
    }

    function onListening(worker: Worker): void {
      listening.add(worker);
      if (!announced && listening.size >= count) {
        announced = true;
        log.info(`${count} workers listening`);
      }
    }

    function onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
      if (!live.delete(worker)) return;
      const wasListening = listening.delete(worker);
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (stopping !== undefined) {
        // A worker still starting has no handler yet and dies of the signal: it held no request.
        const clean = code === 0 || (!wasListening && signal === stopping);
        if (!clean) failed = true;
        log.info(`worker ${worker.process.pid} exited (${how})`);
        if (live.size === 0) finish();
        return;
      }
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && crashes[0]! <= now - restartWindowMs) crashes.shift();
      if (crashes.length > maxRestarts) {
        log.error(
          `worker ${worker.process.pid} exited (${how}): ${crashes.length} unexpected exits within ${restartWindowMs} ms, giving up`,
        );
        failed = true;
        stop('crash loop');
        return;
      }
      const backoff = Math.min(100 * 2 ** (crashes.length - 1), 5_000);
      log.warn(`worker ${worker.process.pid} exited (${how}); starting another in ${backoff} ms`);
      const timer = setTimeout(() => {
        restarts.delete(timer);
        fork();
      }, backoff);
      restarts.add(timer);
    }

    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    cluster.on('exit', onExit);
    cluster.on('listening', onListening);
    log.info(`primary ${process.pid} forking ${count} workers`);
    for (let i = 0; i < count; i += 1) fork();
  });
}
