// Starts the processes under test: the apps from their build output (`node dist/main.js`, as
// they run in production; the bench target builds them first), helpers written in TypeScript
// through tsx, each with the probe preloaded and an IPC slot to talk to it.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@switchyard/persistence';
import { spawnApp, type SpawnedApp } from '@switchyard/testing';
import type { ProbeReading } from './probe-reading.js';

import { WORKSPACE } from '@switchyard/testing';

export { WORKSPACE };
// Plain JavaScript, so that preloading it brings no TypeScript loader into a measured app.
const PROBE = fileURLToPath(new URL('./probe.mjs', import.meta.url));

/** The app's build output, relative to the workspace. */
export const appEntry = (name: AppName) => `apps/${name}/dist/main.js`;

export type AppName = 'express-api' | 'fastify-api';
export const APPS: readonly AppName[] = ['express-api', 'fastify-api'];
export const label = (name: string) =>
  ({ 'express-api': 'Express', 'fastify-api': 'Fastify' })[name] ?? name;

export type Proc = SpawnedApp & {
  probe(kind: 'reset'): Promise<void>;
  probe(kind: 'read'): Promise<ProbeReading>;
};

/**
 * Spawns `node [--import tsx --conditions=@switchyard/source] --import probe <entry>` (tsx only
 * for a `.ts` entry, relative to the workspace) through the shared spawner, with PORT/HOST set
 * and an IPC channel to the probe, and waits until `readyPath` answers 200 (polled every 20 ms,
 * which is the startup benchmark's resolution); `readyMs` counts from the spawn. With `node`,
 * another Node binary runs it (the node scenario); the entry must then be plain JavaScript.
 * With `cwd`, the entry is relative to it instead: another checkout's build (before-after.ts).
 */
export async function spawnProc(
  name: string,
  entry: string,
  env: Record<string, string>,
  readyPath = '/ready',
  node?: string,
  cwd?: string,
): Promise<Proc> {
  const options = {
    name,
    entry,
    ...(cwd ? { cwd } : {}),
    nodeArgs: ['--import', PROBE],
    env: { LOG_LEVEL: 'warn', ...env },
    ipc: true,
    keepChunks: 100,
    ready: { path: readyPath, timeoutMs: 90_000, intervalMs: 20 },
  } as const;
  // Another Node binary runs the same build output (the node scenario); tsx would run on it too.
  const proc = await spawnApp(node ? { ...options, execPath: node } : options);
  return withProbe(proc);
}

/** The probe's reset and read over the process's IPC channel. */
function withProbe(proc: SpawnedApp): Proc {
  const { child, name } = proc;
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
  return Object.assign(proc, { probe: probe as Proc['probe'] });
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
): Promise<Proc> {
  const db: Record<string, string> = options.databaseUrl
    ? { DATABASE_URL: options.databaseUrl }
    : options.dataDir
      ? { PGLITE_DATA_DIR: options.dataDir }
      : {};
  return spawnProc(name, appEntry(name), { ...shared, ...db, ...options.env });
}
