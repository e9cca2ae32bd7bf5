import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  openPglite,
  PGLITE_DEFAULT_SHARED_BUFFERS_MB,
  pgliteStartParams,
  templateDir,
} from '../src/lib/db/pglite.js';
import type * as pglite from '../src/lib/db/pglite.js';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-pglite-test-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const sharedBuffers = async (db: Awaited<ReturnType<typeof openPglite>>) =>
  (await db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]?.shared_buffers;

describe('openPglite: shared_buffers', () => {
  it(`defaults to ${PGLITE_DEFAULT_SHARED_BUFFERS_MB}MB instead of initdb's 128MB`, async () => {
    const db = await openPglite();
    try {
      expect(await sharedBuffers(db)).toBe(`${PGLITE_DEFAULT_SHARED_BUFFERS_MB}MB`);
    } finally {
      await db.close();
    }
  });

  it('takes the size it is given, down to 1 MB, in memory and on disk', async () => {
    const inMemory = await openPglite('memory://', { sharedBuffersMb: 1 });
    try {
      expect(await sharedBuffers(inMemory)).toBe('1MB');
    } finally {
      await inMemory.close();
    }
    const onDisk = await openPglite(path.join(await tempDir(), 'db'), { sharedBuffersMb: 24 });
    try {
      expect(await sharedBuffers(onDisk)).toBe('24MB');
    } finally {
      await onDisk.close();
    }
  });

  it('refuses a size below 1 MB or not a whole number', () => {
    expect(() => pgliteStartParams({ sharedBuffersMb: 0 })).toThrow(RangeError);
    expect(() => pgliteStartParams({ sharedBuffersMb: 1.5 })).toThrow(RangeError);
    expect(pgliteStartParams({ sharedBuffersMb: 1 })).toContain('shared_buffers=1MB');
  });
});

describe('openPglite: data directories', () => {
  it('copies a new data dir from the unpacked template and reopens it with its data', async () => {
    const dir = path.join(await tempDir(), 'db');
    const first = await openPglite(dir);
    await first.exec('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
    await first.close();
    expect(existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);
    const again = await openPglite(dir);
    try {
      expect((await again.query<{ n: number }>('SELECT n FROM kept')).rows).toEqual([{ n: 7 }]);
    } finally {
      await again.close();
    }
  });
});

describe('openPglite: the cached template', () => {
  it('is made on a machine without one, both unpacked and as a tarball', async () => {
    const cache = await tempDir();
    vi.stubEnv('SWITCHYARD_PGLITE_TEMPLATE_DIR', cache);
    vi.resetModules();
    try {
      const fresh: typeof pglite = await import('../src/lib/db/pglite.js');
      expect(fresh.templateDir()).toBe(cache);
      const db = await fresh.openPglite(path.join(await tempDir(), 'db'));
      try {
        expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await db.close();
      }
      const files = await readdir(cache);
      expect(files.some((f) => /^initdb-.+\.tar\.gz$/.test(f))).toBe(true);
      expect(files.some((f) => /^initdb-[^.]+\.[^.]+\.[^.]+$/.test(f) && !f.endsWith('.gz'))).toBe(
        true,
      );
      // Nothing half-written is left behind.
      expect(files.filter((f) => f.endsWith('.partial'))).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
    expect(templateDir()).not.toBe(cache);
  }, 180_000);
});

describe('openPglite: a template that cannot be made', () => {
  it('rejects with one line naming the template dir and the cause', async () => {
    vi.stubEnv('SWITCHYARD_PGLITE_TEMPLATE_DIR', '/dev/null/template');
    vi.resetModules();
    try {
      const fresh: typeof pglite = await import('../src/lib/db/pglite.js');
      const error = await fresh.openPglite(path.join(await tempDir(), 'db')).catch((e) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(
        /^cannot make the PGlite template in \/dev\/null\/template: Error: ENOTDIR/,
      );
      expect((error as Error).message).not.toContain('\n');
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  }, 60_000);
});

describe('openDatabase with PGlite on a worker thread', () => {
  it('answers queries, keeps transactions and reports PostgreSQL errors with their codes', async () => {
    const { openDatabase } = await import('../src/lib/db/database.js');
    const db = await openDatabase({ pgliteThread: 'worker', migrate: false });
    try {
      expect(db.kind).toBe('pglite');
      await db.query('CREATE TABLE t (id int PRIMARY KEY, s text)');
      await db.query('INSERT INTO t VALUES ($1, $2)', [1, 'one']);
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO t VALUES ($1, $2)', [2, 'two']);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      // In a transaction: pool.query would discard its client after an error, and PGlite's
      // node-postgres adapter hands the next client that same, ended connection.
      const error = await db
        .transaction((tx) => tx.query('INSERT INTO t VALUES (1, $1)', ['again']))
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: '23505' });
      expect((await db.query('SELECT id, s FROM t ORDER BY id')).rows).toEqual([
        { id: 1, s: 'one' },
      ]);
      expect((await db.query('SHOW shared_buffers')).rows).toEqual([
        { shared_buffers: `${PGLITE_DEFAULT_SHARED_BUFFERS_MB}MB` },
      ]);
    } finally {
      await db.close();
    }
  });

  it('keeps its data in a data dir across a reopen on the main thread', async () => {
    const { openDatabase } = await import('../src/lib/db/database.js');
    const dir = path.join(await tempDir(), 'db');
    const onWorker = await openDatabase({ dataDir: dir, pgliteThread: 'worker', migrate: false });
    await onWorker.query('CREATE TABLE kept (n int)');
    await onWorker.query('INSERT INTO kept VALUES (9)');
    await onWorker.close();
    const onMain = await openDatabase({ dataDir: dir, migrate: false });
    try {
      expect((await onMain.query('SELECT n FROM kept')).rows).toEqual([{ n: 9 }]);
    } finally {
      await onMain.close();
    }
  });
});
