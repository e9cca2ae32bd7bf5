import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, spawnProcess, waitForOutput } from '@switchyard/testing';
import { afterAll, describe, expect, it } from 'vitest';

const TRIES = 5;

/**
 * Ctrl-C as a terminal sends it: SIGINT to the whole foreground process group, `npm start` and
 * everything it started. Before, each app got SIGINT from the terminal and then SIGTERM from
 * `npm start` stopping it, took the second signal as "exit now" (code 1), and the tool printed
 * "An app did not stop cleanly." in 3 of 5 tries.
 */
describe('npm start, Ctrl-C to its process group', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it(`stops every app cleanly and says so, ${TRIES} times out of ${TRIES}`, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-ctrl-c-'));
    dirs.push(dataDir);
    const results: Array<{ code: number | null; clean: boolean }> = [];
    for (let i = 0; i < TRIES; i += 1) {
      const start = spawnProcess({
        name: 'npm start',
        entry: 'tools/start/src/main.ts',
        args: ['--no-session'],
        // Its own process group, as a shell gives a foreground job: the group is what Ctrl-C signals.
        detached: true,
        env: {
          FORCE_COLOR: '0',
          SWITCHYARD_DATA_DIR: dataDir,
          EXPRESS_PORT: String(await freePort()),
          FASTIFY_PORT: String(await freePort()),
          UPSTREAM_PORT: String(await freePort()),
          COMPARE_PORT: String(await freePort()),
          DATABASE_URL: '',
          LOG_LEVEL: 'warn',
        },
      });
      const pid = start.child.pid!;
      try {
        await waitForOutput(start, 'Press Ctrl-C', { timeoutMs: 120_000 });
        process.kill(-pid, 'SIGINT');
        // A hang guard only: the apps' own deadline is 10 s.
        const timer = setTimeout(() => start.child.kill('SIGKILL'), 60_000);
        const exit = await start.exited;
        clearTimeout(timer);
        const output = start.output.join('');
        results.push({ code: exit.code, clean: output.includes('Stopped cleanly.') });
      } finally {
        if (start.child.exitCode === null && start.child.signalCode === null) {
          process.kill(-pid, 'SIGKILL');
        }
      }
    }
    expect(results).toEqual(Array.from({ length: TRIES }, () => ({ code: 0, clean: true })));
  }, 600_000);
});
