// N instances of one app as processes on one PostgreSQL database and one Redis, each on its own
// loopback port, with HAProxy in front. The people's command (src/main.ts), the balancer suites
// (test/) and the bench's scale scenario all start it here.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@switchyard/persistence';
import { createServerDatabase, type ServerDatabase } from '@switchyard/persistence/testing';
import {
  freePort,
  spawnApp,
  waitReady,
  type AppProcess,
  type Exit,
  type SpawnedApp,
} from '@switchyard/testing';
import { Redis } from 'ioredis';
import { adminCommand, serverStats, type ServerStat } from './admin-socket.js';
import { SCALABLE_APPS, type ScalableAppName } from './apps.js';
import { BACKEND, haproxyConfig, type HealthCheck } from './haproxy-config.js';

/** The bound on instances: one machine's loopback, and what PostgreSQL's connections allow. */
export const MIN_INSTANCES = 1;
export const MAX_INSTANCES = 8;
export const DEFAULT_INSTANCES = 3;
/** Checks for tests: an instance that refuses is out within about 2 × 200 ms; a slow /ready has 2 s. */
export const TEST_CHECK: HealthCheck = { intervalMs: 200, fall: 2, rise: 2, timeoutMs: 2_000 };
/** Checks for people: HAProxy's own default interval (2 s), 3 to fall, 2 to rise. */
export const DEFAULT_CHECK: HealthCheck = { intervalMs: 2_000, fall: 3, rise: 2, timeoutMs: 2_000 };
export const HAPROXY = process.env['HAPROXY_BIN'] ?? '/usr/sbin/haproxy';
const ADMIN_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * The drain that lets HAProxy take an instance out on its 503 before it stops listening: as many
 * check intervals as it takes to fall, one more for the check in progress, and a check's timeout.
 */
export function drainMs(check: HealthCheck): number {
  return (check.fall + 1) * check.intervalMs + check.timeoutMs;
}

export interface ScaleOptions {
  /** A known app by name, or any app's main. */
  readonly app: ScalableAppName | AppProcess;
  /** MIN_INSTANCES..MAX_INSTANCES; DEFAULT_INSTANCES unless given. */
  readonly instances?: number;
  /** Environment for every instance, over the defaults below (MODEL_URL, KNOWLEDGE_URL, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** The server a fresh database is created on (CREATE DATABASE), dropped at close. */
  readonly adminDatabaseUrl?: string;
  /** An existing database to use instead (migrated here, left in place at close). */
  readonly databaseUrl?: string;
  /** Redis every instance shares, under a fresh REDIS_KEY_PREFIX; `null`: no Redis. */
  readonly redisUrl?: string | null;
  /** TRUST_PROXY=127.0.0.1 (HAProxy's address) on the instances unless false. */
  readonly trustProxy?: boolean;
  readonly check?: HealthCheck;
  /** The balancer's port; a free one unless given. */
  readonly port?: number;
  /** Serves HAProxy's stats page on a free port (statsUrl). */
  readonly stats?: boolean;
  /** HAProxy's `timeout server`; 30 s unless given. */
  readonly serverTimeoutMs?: number;
  /** Each instance's output as it arrives (the CLI prints it). */
  readonly onOutput?: (instance: string, chunk: string) => void;
}

export interface Instance {
  /** HAProxy's server name: `s1`, `s2`, … */
  readonly name: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>`: the instance itself, past the balancer. */
  readonly url: string;
  /** The running process, or undefined between a kill and a restart. */
  readonly process: SpawnedApp | undefined;
  /** Everything it wrote, across restarts. */
  readonly output: readonly string[];
}

export interface Scaled {
  /** The balancer: `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly statsUrl: string | undefined;
  readonly appName: string;
  readonly instances: readonly Instance[];
  /** The fresh database every instance uses. */
  readonly databaseUrl: string;
  readonly redisKeyPrefix: string | undefined;
  /** The environment the instances got (without PORT and HOST). */
  readonly env: Readonly<Record<string, string>>;
  readonly haproxyPid: number;
  /** HAProxy's view of each instance (`show stat`). */
  stats(): Promise<ServerStat[]>;
  /** Polls `show stat` until `name`'s status starts with `status`; returns the ms it took. */
  waitForStatus(name: string, status: 'UP' | 'DOWN', timeoutMs?: number): Promise<number>;
  /**
   * Takes an instance out of rotation (HAProxy's `maint` state; it keeps running) or puts it
   * back (`ready`, then its checks must pass again).
   */
  setInRotation(name: string, inRotation: boolean): Promise<void>;
  /** Sends a signal to one instance and resolves with its exit (SIGTERM: a graceful drain). */
  signal(name: string, signal: NodeJS.Signals): Promise<Exit>;
  /** Starts a stopped instance again on its port and waits for its /ready. */
  restart(name: string): Promise<void>;
  /** Stops HAProxy and every instance, drops the database, removes the Redis keys. */
  close(): Promise<void>;
}

/** Every process started here that may still run: killed, whole group, if this one exits. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A failed test, an uncaught error or process.exit still ends every child; only a SIGKILL
  // of this process leaves them, as with any parent.
  process.once('exit', () => {
    for (const c of live) {
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        c.kill('SIGKILL');
      }
    }
  });
}

export function checkInstances(n: number): number {
  if (!Number.isInteger(n) || n < MIN_INSTANCES || n > MAX_INSTANCES) {
    throw new RangeError(
      `instances must be an integer from ${MIN_INSTANCES} to ${MAX_INSTANCES}, not ${n}`,
    );
  }
  return n;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the database, the instances and HAProxy; on any failure stops what it started. */
export async function startScaled(options: ScaleOptions): Promise<Scaled> {
  const count = checkInstances(options.instances ?? DEFAULT_INSTANCES);
  const app: AppProcess =
    typeof options.app === 'string' ? SCALABLE_APPS[options.app] : options.app;
  const check = options.check ?? TEST_CHECK;
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    // One fresh database, migrated once here so that the instances start on a ready schema.
    let database: Pick<ServerDatabase, 'url'>;
    if (options.databaseUrl) database = { url: options.databaseUrl };
    else {
      const created = await createServerDatabase(options.adminDatabaseUrl ?? ADMIN_URL);
      cleanups.push(() => created.drop());
      database = created;
    }
    const migrated = await openDatabase({ url: database.url, poolSize: 1 });
    await migrated.close();

    const redisUrl = options.redisUrl === undefined ? REDIS_URL : options.redisUrl;
    const redisKeyPrefix = redisUrl ? `swy-scale:${randomBytes(4).toString('hex')}:` : undefined;
    if (redisUrl && redisKeyPrefix) cleanups.push(() => deleteKeys(redisUrl, redisKeyPrefix));

    const env: Record<string, string> = {
      LOG_LEVEL: 'warn',
      WEB_CONCURRENCY: '1',
      RATE_LIMIT_MAX: '1000000',
      ...options.env,
      DATABASE_URL: database.url,
      PGLITE_DATA_DIR: '',
      REDIS_URL: redisUrl ?? '',
      ...(redisKeyPrefix ? { REDIS_KEY_PREFIX: redisKeyPrefix } : {}),
      TRUST_PROXY: options.trustProxy === false ? '' : '127.0.0.1',
      // On SIGTERM /ready answers 503 this long before the server stops listening: long enough
      // for HAProxy's checks to take the instance out first (drainMs below).
      SHUTDOWN_DRAIN_MS: String(drainMs(check)),
    };

    const ports = await distinctPorts(count + 2);
    const balancerPort = options.port ?? ports[count]!;
    const statsPort = options.stats ? ports[count + 1] : undefined;

    const instances = ports.slice(0, count).map((port, i) => ({
      name: `s${i + 1}`,
      port,
      url: `http://127.0.0.1:${port}`,
      process: undefined as SpawnedApp | undefined,
      output: [] as string[],
    }));
    const launch = async (instance: (typeof instances)[number]) => {
      const spawned = await spawnApp({
        name: `${app.name} ${instance.name}`,
        entry: app.main,
        port: instance.port,
        // Its own process group: a Ctrl-C in the terminal reaches the CLI only, which then
        // stops each instance once (tools/start/README.md says why).
        detached: true,
        keepChunks: 2_000,
        env: { ...env, ...app.env },
        onOutput: (chunk) => {
          instance.output.push(chunk);
          if (instance.output.length > 2_000) instance.output.shift();
          options.onOutput?.(instance.name, chunk);
        },
      });
      track(spawned.child);
      instance.process = spawned;
    };
    cleanups.push(async () => {
      await Promise.all(
        instances.map((i) => i.process?.stop({ graceMs: 15_000 }) ?? Promise.resolve()),
      );
    });
    await Promise.all(instances.map(launch));

    const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-scale-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const adminSocket = path.join(dir, 'admin.sock');
    const configFile = path.join(dir, 'haproxy.cfg');
    await writeFile(
      configFile,
      haproxyConfig({
        port: balancerPort,
        servers: instances,
        check,
        adminSocket,
        statsPort,
        serverTimeoutMs: options.serverTimeoutMs ?? 30_000,
        tunnelTimeoutMs: 3_600_000,
        maxConnections: 4_096,
      }),
    );
    const haproxy = startHaproxy(configFile);
    cleanups.push(() => haproxy.stop());
    const url = `http://127.0.0.1:${balancerPort}`;
    await waitReady(url, { process: haproxy, timeoutMs: 15_000 });

    const stats = () => serverStats(adminSocket, BACKEND);
    const waitForStatus = async (name: string, status: 'UP' | 'DOWN', timeoutMs = 15_000) => {
      const began = performance.now();
      for (;;) {
        const row = (await stats()).find((s) => s.name === name);
        // "UP 1/2" is still up but failing; "DOWN 1/2" is down and passing: the first word says.
        if (row && row.status.split(' ')[0] === status) return performance.now() - began;
        if (performance.now() - began > timeoutMs) {
          throw new Error(`${name} not ${status} within ${timeoutMs} ms: ${row?.status}`);
        }
        await sleep(20);
      }
    };
    // Every instance in rotation before anyone is told the balancer is up.
    for (const instance of instances) await waitForStatus(instance.name, 'UP');

    const find = (name: string) => {
      const instance = instances.find((i) => i.name === name);
      if (!instance) throw new Error(`no instance ${name}`);
      return instance;
    };
    return {
      url,
      statsUrl: statsPort === undefined ? undefined : `http://127.0.0.1:${statsPort}`,
      appName: app.name,
      instances,
      databaseUrl: database.url,
      redisKeyPrefix,
      env,
      haproxyPid: haproxy.child.pid!,
      stats,
      waitForStatus,
      async setInRotation(name, inRotation) {
        find(name);
        const answer = await adminCommand(
          adminSocket,
          `set server ${BACKEND}/${name} state ${inRotation ? 'ready' : 'maint'}`,
        );
        if (answer.trim() !== '') throw new Error(`set server ${name}: ${answer.trim()}`);
        if (inRotation) await waitForStatus(name, 'UP');
      },
      async signal(name, signal) {
        const instance = find(name);
        const running = instance.process;
        if (!running) throw new Error(`${name} is not running`);
        running.child.kill(signal);
        const exit = await running.exited;
        instance.process = undefined;
        return exit;
      },
      async restart(name) {
        const instance = find(name);
        if (instance.process) throw new Error(`${name} is running`);
        await launch(instance);
      },
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

interface RunningHaproxy {
  readonly name: string;
  readonly child: ChildProcess;
  readonly output: string[];
  stop(): Promise<void>;
}

/** HAProxy in the foreground (-db), in a process group of its own, its output kept. */
function startHaproxy(configFile: string): RunningHaproxy {
  const child = spawn(HAPROXY, ['-db', '-f', configFile], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 500) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (error) => output.push(`spawn ${HAPROXY}: ${error.message}\n`));
  return {
    name: 'haproxy',
    child,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGUSR1 is HAProxy's soft stop; SIGTERM its hard stop: the instances stop after it.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `n` free ports, all different (freePort could hand the same one out twice). */
async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/** Removes every key under the run's prefix (the rate-limit counters, bounded by SCAN's pages). */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
