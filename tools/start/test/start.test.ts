import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `npm start`'s entry point, presses Ctrl-C once it says it keeps serving, and waits. */
function runUntilServing(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@switchyard/source', 'tools/start/src/main.ts'],
      {
        cwd: root,
        env: { ...process.env, ...env, FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let interrupted = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (!interrupted && output.includes('Press Ctrl-C')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => resolve({ code, output }));
  });
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
