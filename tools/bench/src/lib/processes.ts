// Starts the processes under test: the apps from their build output (`node dist/main.js`, as
// they run in production; the bench target builds them first), helpers written in TypeScript
// through tsx, each with the probe preloaded and an IPC slot to talk to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@switchyard/persistence';
import type { ProbeReading } from './probe-reading.js';

export const WORKSPACE = fileURLToPath(new URL('../../../../', import.meta.url));
// Plain JavaScript, so that preloading it brings no TypeScript loader into a measured app.
const PROBE = fileURLToPath(new URL('./probe.mjs', import.meta.url));

/** The app's build output, relative to the workspace. */
export const appEntry = (name: AppName) => `apps/${name}/dist/main.js`;

export type AppName = 'express-api' | 'fastify-api';
export const APPS: readonly AppName[] = ['express-api', 'fastify-api'];
export const label = (name: string) =>
  ({ 'express-api': 'Express', 'fastify-api': 'Fastify' })[name] ?? name;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface Proc {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** performance.now() when it was spawned. */
  readonly spawnedAt: number;
  readonly output: string[];
  probe(kind: 'reset'): Promise<void>;
  probe(kind: 'read'): Promise<ProbeReading>;
  stop(): Promise<number | null>;
}

/**
 * Spawns `node [--import tsx --conditions=@switchyard/source] --import probe <entry>` with
 * PORT/HOST set and an IPC channel; tsx only for a `.ts` entry. `entry` is relative to the
 * workspace.
 */
export async function spawnProc(
  name: string,
  entry: string,
  env: Record<string, string>,
): Promise<Proc> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...(entry.endsWith('.ts') ? ['--import', 'tsx', '--conditions=@switchyard/source'] : []),
      '--import',
      PROBE,
      entry,
    ],
    {
      cwd: WORKSPACE,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  child.channel?.unref();
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 100) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  let nextId = 0;
  const pending = new Map<number, (m: { reading?: ProbeReading }) => void>();
  child.on('message', (m: { id?: number; reading?: ProbeReading }) => {
    if (typeof m?.id === 'number') pending.get(m.id)?.(m);
    if (typeof m?.id === 'number') pending.delete(m.id);
  });
  const probe = (kind: 'reset' | 'read') =>
    new Promise<ProbeReading | undefined>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`${name}: probe did not answer`)), 10_000);
      pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m.reading);
      });
      child.send({ probe: kind, id });
    });
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    spawnedAt,
    output,
    probe: probe as Proc['probe'],
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `path` until it answers 200; returns ms since spawn. Fails early if the process exits. */
export async function waitReady(proc: Proc, urlPath = '/ready', timeoutMs = 90_000) {
  while (performance.now() - proc.spawnedAt < timeoutMs) {
    if (proc.child.exitCode !== null) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode}):\n${proc.output.join('')}`);
    }
    try {
      const res = await fetch(`${proc.url}${urlPath}`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - proc.spawnedAt;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${proc.name} not ready within ${timeoutMs} ms:\n${proc.output.join('')}`);
}

/** Temp folders for PGlite data dirs, and a template so that each app skips initdb. */
export class DataDirs {
  #root: string | undefined;
  #template: Promise<string> | undefined;
  #n = 0;

  async root(): Promise<string> {
    this.#root ??= await mkdtemp(path.join(tmpdir(), 'switchyard-bench-'));
    return this.#root;
  }

  /** A new, empty data dir: the app runs initdb and the migrations. */
  async fresh(): Promise<string> {
    return path.join(await this.root(), `db-${this.#n++}`);
  }

  /**
   * A data dir that has been through initdb and the migrations and is closed again: what an
   * app finds on its second start. Made once, in this process, with the apps' own
   * openDatabase().
   */
  template(): Promise<string> {
    this.#template ??= (async () => {
      const dir = await this.fresh();
      const db = await openDatabase({ dataDir: dir });
      await db.close();
      return dir;
    })();
    return this.#template;
  }

  /** A copy of the template. */
  async copy(): Promise<string> {
    const template = await this.template();
    const dir = await this.fresh();
    await cp(template, dir, { recursive: true });
    return dir;
  }

  async cleanup(): Promise<void> {
    if (this.#root) await rm(this.#root, { recursive: true, force: true });
  }
}

export interface AppOptions {
  /** Env on top of the shared one (ENSEMBLE_SOURCES, FANOUT_CONCURRENCY, ...). */
  readonly env?: Record<string, string>;
  /** A DATABASE_URL; else a PGlite data dir. */
  readonly databaseUrl?: string;
  readonly dataDir?: string;
}

/** Starts the app's build output and waits for /ready. */
export async function startApp(
  name: AppName,
  shared: Record<string, string>,
  options: AppOptions,
): Promise<Proc & { readyMs: number }> {
  const db: Record<string, string> = options.databaseUrl
    ? { DATABASE_URL: options.databaseUrl }
    : options.dataDir
      ? { PGLITE_DATA_DIR: options.dataDir }
      : {};
  const proc = await spawnProc(name, appEntry(name), {
    ...shared,
    ...db,
    ...options.env,
  });
  try {
    const readyMs = await waitReady(proc);
    return Object.assign(proc, { readyMs });
  } catch (error) {
    await proc.stop();
    throw error;
  }
}
