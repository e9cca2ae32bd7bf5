import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, spawnProcess, waitForOutput } from '@switchyard/testing';
import { afterAll, describe, expect, it } from 'vitest';

/** Runs `npm start`'s entry point, presses Ctrl-C once it says it keeps serving, and waits. */
async function runUntilServing(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const start = spawnProcess({
    name: 'npm start',
    entry: 'tools/start/src/main.ts',
    env: { ...env, FORCE_COLOR: '0' },
  });
  // Once it has exited with an error, the output says why; the assertions below show it.
  await waitForOutput(start, 'Press Ctrl-C', { timeoutMs: 170_000 }).catch(() => undefined);
  const { code } = await start.stop({ signal: 'SIGINT', graceMs: 30_000 });
  return { code, output: start.output.join('') };
}

describe('npm start', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('starts both apps on embedded Postgres, prints a table with every row ✓ and stops cleanly on Ctrl-C', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-start-'));
    dirs.push(dataDir);
    const { code, output } = await runUntilServing({
      SWITCHYARD_DATA_DIR: dataDir,
      EXPRESS_PORT: String(await freePort()),
      FASTIFY_PORT: String(await freePort()),
      UPSTREAM_PORT: String(await freePort()),
      PROXIED_PORT: String(await freePort()),
      COMPARE_PORT: String(await freePort()),
      DATABASE_URL: '',
    });
    expect(output).toContain('express-api');
    expect(output).toMatch(/step\s+same\s+status\s+express\s+fastify/);
    const rows = output.split('\n').filter((line) => /\s[✓✗]\s/.test(line));
    expect(rows.length).toBeGreaterThanOrEqual(16);
    expect(rows.filter((line) => line.includes('✗'))).toEqual([]);
    expect(output).toMatch(/(\d+)\/\1 steps gave the same status and body/);
    expect(output).toContain('Stopped cleanly.');
    expect(code).toBe(0);
  }, 180_000);
});
