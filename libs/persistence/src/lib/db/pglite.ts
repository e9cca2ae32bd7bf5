import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

// PGlite's exports map hides its package.json; find it next to the resolved entry point.
const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
const PGLITE_VERSION: string = (
  JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** Where the initdb template is cached; override with SWITCHYARD_PGLITE_TEMPLATE_DIR. */
export function templateDir(): string {
  return process.env['SWITCHYARD_PGLITE_TEMPLATE_DIR'] ?? path.join(tmpdir(), 'switchyard-pglite');
}

let template: Promise<Blob> | undefined;

/**
 * A freshly initialised PGlite data directory as a tarball. `new PGlite()` runs initdb, which
 * costs seconds and close to 1 GB of memory; loading a saved template costs about half a
 * second. The template is made once per machine and PGlite version and cached on disk (written
 * to a temporary name, then renamed, so parallel test workers never read half a file).
 */
export function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const dir = templateDir();
    const file = path.join(dir, `initdb-${PGLITE_VERSION}.tar.gz`);
    if (existsSync(file)) return new Blob([await readFile(file)]);
    const fresh = new PGlite();
    await fresh.waitReady;
    const blob = await fresh.dumpDataDir('gzip');
    await fresh.close();
    await mkdir(dir, { recursive: true });
    const partial = `${file}.${process.pid}.${Date.now()}.partial`;
    await writeFile(partial, Buffer.from(await blob.arrayBuffer()));
    await rename(partial, file);
    return blob;
  })();
  template.catch(() => {
    template = undefined;
  });
  return template;
}

function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/**
 * Opens embedded Postgres. With `dataDir` the database persists there (a new directory is
 * seeded from the template); without it, or with `memory://`, it lives in memory (tests).
 */
export async function openPglite(dir?: string): Promise<PGlite> {
  // PGlite's own spelling of "in memory"; as a path it would make a directory named `memory:`.
  const dataDir = dir?.startsWith('memory://') ? undefined : dir;
  if (dataDir !== undefined && !isEmptyDir(dataDir)) {
    const existing = new PGlite(dataDir);
    await existing.waitReady;
    return existing;
  }
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const db = new PGlite(dataDir, { loadDataDir: await pgliteTemplate() });
  await db.waitReady;
  return db;
}
