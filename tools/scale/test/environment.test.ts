// The environment's own promises: the HAProxy configuration is one HAProxy accepts, the
// instance count is bounded, and no child outlives the process that started it.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { WORKSPACE } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import {
  HAPROXY,
  MAX_INSTANCES,
  MIN_INSTANCES,
  TEST_CHECK,
  checkInstances,
  haproxyConfig,
  startScaled,
} from '../src/index.js';

const run = promisify(execFile);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the HAProxy configuration', () => {
  it('is accepted by HAProxy (haproxy -c) with the most instances and the stats page', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-scale-test-'));
    try {
      const file = path.join(dir, 'haproxy.cfg');
      await writeFile(
        file,
        haproxyConfig({
          port: 18_000,
          servers: Array.from({ length: MAX_INSTANCES }, (_, i) => ({
            name: `s${i + 1}`,
            port: 18_001 + i,
          })),
          check: TEST_CHECK,
          adminSocket: path.join(dir, 'admin.sock'),
          statsPort: 18_100,
          serverTimeoutMs: 30_000,
          tunnelTimeoutMs: 3_600_000,
          maxConnections: 4_096,
        }),
      );
      const { stdout, stderr } = await run(HAPROXY, ['-c', '-f', file]);
      expect(`${stdout}${stderr}`).toMatch(/Configuration file is valid/);
      // No warning either: a misplaced keyword is a warning, not an error.
      expect(`${stdout}${stderr}`).not.toMatch(/\[WARNING\]/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the instance count', () => {
  it(`takes ${MIN_INSTANCES} to ${MAX_INSTANCES}`, () => {
    expect(checkInstances(MIN_INSTANCES)).toBe(MIN_INSTANCES);
    expect(checkInstances(MAX_INSTANCES)).toBe(MAX_INSTANCES);
  });

  it(`refuses 0, ${MAX_INSTANCES + 1} and 2.5 before starting anything`, async () => {
    for (const n of [0, MAX_INSTANCES + 1, 2.5])
      expect(() => checkInstances(n)).toThrow(RangeError);
    // Refused before a database is created or a process spawned: it rejects at once.
    await expect(startScaled({ app: 'fastify-api', instances: MAX_INSTANCES + 1 })).rejects.toThrow(
      /instances must be an integer from 1 to 8/,
    );
  });
});

describe('the children', () => {
  it('are all killed when the process that started them exits without closing them', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@switchyard/source',
        'tools/scale/test/fixtures/exit-without-close.ts',
        '1',
      ],
      { cwd: WORKSPACE, timeout: 90_000 },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const pids = JSON.parse(/pids (\[[\d,]+\])/.exec(stdout)?.[1] ?? '[]') as number[];
    expect(pids).toHaveLength(2);
    // SIGKILL is sent in the exit hook; the kernel may take a moment to reap.
    for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
    // What it left behind is the database (a killed process drops nothing): drop it here.
    const database = /database (\S+)/.exec(stdout)?.[1];
    if (database) {
      const name = new URL(database).pathname.slice(1);
      const { default: pg } = await import('pg');
      const admin = new pg.Client({ connectionString: database.replace(`/${name}`, '/test') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 120_000);
});
