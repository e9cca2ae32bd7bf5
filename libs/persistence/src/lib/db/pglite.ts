import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type * as PgliteModule from '@electric-sql/pglite';
import type { PGlite } from '@electric-sql/pglite';
import { PgliteWorker } from './pglite-worker.js';

// PGlite is loaded on first use, never at import: a process on the PostgreSQL server (a Lambda
// function, whose bundle leaves PGlite out: docs/lambda.md) imports this module through the
// barrel and must not need the package.
let loaded: Promise<typeof PgliteModule> | undefined;
const loadPglite = () => (loaded ??= import('@electric-sql/pglite'));

let resolved: Promise<{ entry: string; version: string }> | undefined;
/** PGlite's entry point (for the worker and the template child) and its version. */
function pgliteEntry(): Promise<{ entry: string; version: string }> {
  resolved ??= (async () => {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    // PGlite's exports map hides its package.json; find it next to the resolved entry point.
    const { version } = JSON.parse(
      await readFile(path.join(path.dirname(entry), '..', 'package.json'), 'utf8'),
    ) as { version: string };
    return { entry, version };
  })();
  return resolved;
}

/**
 * PostgreSQL's shared buffer pool inside PGlite, in MB, unless the caller says otherwise.
 * initdb writes 128MB into postgresql.conf, and PGlite touches all of it in its WASM heap at
 * start: about 120 MB of resident memory before the first query. The apps' tables fit in a
 * few MB, and a page that is not in the pool is one read from the OS page cache away.
 */
export const PGLITE_DEFAULT_SHARED_BUFFERS_MB = 16;

export interface PgliteOptions {
  /** shared_buffers in MB (PostgreSQL's minimum is 128kB, so at least 1). Default 16. */
  readonly sharedBuffersMb?: number | undefined;
}

/** Where PGlite runs: on the app's thread, or on a worker thread (openPgliteOnWorker). */
export type PgliteThread = 'main' | 'worker';

/**
 * Our start parameters, which go after PGlite's own (withStartParams): `-c` on the command
 * line wins over postgresql.conf. Checked before PGlite is loaded.
 */
export function pgliteStartParams(options: PgliteOptions = {}): string[] {
  const sharedBuffersMb = options.sharedBuffersMb ?? PGLITE_DEFAULT_SHARED_BUFFERS_MB;
  if (!Number.isInteger(sharedBuffersMb) || sharedBuffersMb < 1)
    throw new RangeError(
      `sharedBuffersMb must be a whole number of MB ≥ 1, got ${sharedBuffersMb}`,
    );
  return ['-c', `shared_buffers=${sharedBuffersMb}MB`];
}

/** PGlite's own start parameters plus ours, and PGlite itself, loaded. */
async function withStartParams(options: PgliteOptions) {
  const ours = pgliteStartParams(options);
  const { PGlite } = await loadPglite();
  return { PGlite, startParams: [...PGlite.defaultStartParams, ...ours] };
}

/** Where the initdb template is cached; override with SWITCHYARD_PGLITE_TEMPLATE_DIR. */
export function templateDir(): string {
  return process.env['SWITCHYARD_PGLITE_TEMPLATE_DIR'] ?? path.join(tmpdir(), 'switchyard-pglite');
}

async function templatePaths() {
  const dir = templateDir();
  const PGLITE_VERSION = (await pgliteEntry()).version;
  return {
    /** The freshly initialised data directory as a tarball: what an in-memory PGlite loads. */
    tarball: path.join(dir, `initdb-${PGLITE_VERSION}.tar.gz`),
    /** The same, unpacked: what a new data dir on disk is copied from. */
    dataDir: path.join(dir, `initdb-${PGLITE_VERSION}`),
  };
}

// Runs in a child process (see makeTemplate). Each file is written under a temporary name and
// then renamed, so parallel test workers and two apps starting at once never read half of one;
// whoever renames last loses nothing, the two copies being equivalent.
const MAKE_TEMPLATE = `
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
const [entry, tarball, dataDir] = process.argv.slice(1);
const { PGlite } = await import(entry);
const partial = (file) => file + '.' + process.pid + '.' + Date.now() + '.partial';
await mkdir((await import('node:path')).dirname(tarball), { recursive: true });
if (!existsSync(tarball)) {
  const fresh = new PGlite();
  await fresh.waitReady;
  const blob = await fresh.dumpDataDir('gzip');
  await fresh.close();
  const file = partial(tarball);
  await writeFile(file, Buffer.from(await blob.arrayBuffer()));
  await rename(file, tarball);
}
if (!existsSync(dataDir)) {
  const dir = partial(dataDir);
  const db = new PGlite(dir, { loadDataDir: new Blob([await readFile(tarball)]) });
  await db.waitReady;
  await db.close();
  try {
    await rename(dir, dataDir);
  } catch (error) {
    if (!existsSync(dataDir)) throw error;
    await rm(dir, { recursive: true, force: true });
  }
}
`;

let made: Promise<void> | undefined;

/**
 * Makes the cached template once per machine and PGlite version. `new PGlite()` runs initdb,
 * which costs seconds and close to 1 GB of memory, and unpacking a tarball into PGlite's file
 * system costs about 60 MB more than opening a directory: both happen in a short-lived child
 * process, so the app's own process never grows to that size (its RSS would not shrink back).
 */
function makeTemplate(): Promise<void> {
  made ??= (async () => {
    const paths = await templatePaths();
    if (existsSync(paths.tarball) && existsSync(paths.dataDir)) return;
    await promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        MAKE_TEMPLATE,
        pathToFileURL((await pgliteEntry()).entry).href,
        paths.tarball,
        paths.dataDir,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: Error & { stderr?: string }) => {
      // execFile's own message repeats the whole script; say where, and the child's last words.
      const lines = error.stderr?.split('\n') ?? [];
      const reason = lines.find((l) => /^\w*Error\b/.test(l)) ?? error.message.split('\n')[0];
      throw new Error(`cannot make the PGlite template in ${templateDir()}: ${reason}`, {
        cause: error,
      });
    });
  })();
  made.catch(() => {
    made = undefined;
  });
  return made;
}

let template: Promise<Blob> | undefined;

/** A freshly initialised PGlite data directory as a tarball (made once, see makeTemplate). */
export function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    await makeTemplate();
    return new Blob([await readFile((await templatePaths()).tarball)]);
  })();
  template.catch(() => {
    template = undefined;
  });
  return template;
}

function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/** A new (missing or empty) data dir becomes a copy of the unpacked template. */
async function seed(dataDir: string): Promise<void> {
  if (!isEmptyDir(dataDir)) return;
  await makeTemplate();
  await mkdir(dataDir, { recursive: true });
  await cp((await templatePaths()).dataDir, dataDir, { recursive: true });
}

/**
 * Opens embedded Postgres. With `dataDir` the database persists there (a new directory is
 * copied from the unpacked template); without it, or with `memory://`, it lives in memory
 * (tests), loaded from the template's tarball.
 */
export async function openPglite(dir?: string, options: PgliteOptions = {}): Promise<PGlite> {
  const { PGlite, startParams } = await withStartParams(options);
  // PGlite's own spelling of "in memory"; as a path it would make a directory named `memory:`.
  const dataDir = dir?.startsWith('memory://') ? undefined : dir;
  if (dataDir === undefined) {
    const db = new PGlite({ loadDataDir: await pgliteTemplate(), startParams });
    await db.waitReady;
    return db;
  }
  await seed(dataDir);
  const db = new PGlite(dataDir, { startParams });
  await db.waitReady;
  return db;
}

/**
 * The same database as openPglite, with PGlite on a worker thread: its queries run in WASM
 * synchronously, so on the app's own thread each one holds the event loop for its whole length.
 */
export async function openPgliteOnWorker(
  dir?: string,
  options: PgliteOptions = {},
): Promise<PgliteWorker> {
  const { startParams } = await withStartParams(options);
  const dataDir = dir?.startsWith('memory://') ? undefined : dir;
  if (dataDir !== undefined) await seed(dataDir);
  const worker = new PgliteWorker({
    entry: pathToFileURL((await pgliteEntry()).entry).href,
    dataDir,
    startParams,
    ...(dataDir === undefined ? { loadDataDir: await (await pgliteTemplate()).arrayBuffer() } : {}),
  });
  try {
    await worker.waitReady;
  } catch (error) {
    await worker.close().catch(() => undefined);
    throw error;
  }
  return worker;
}
