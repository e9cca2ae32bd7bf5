import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';

const FIXTURE = new URL('./fixtures/cluster-main.ts', import.meta.url).pathname;

interface Run {
  readonly code: number | null;
  readonly output: string;
  /** Milliseconds from the signal (or the start, without one) to the exit. */
  readonly tookMs: number;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs the fixture's primary; with `signal`, sends it once both workers listen. */
async function run(env: Record<string, string>, signal?: NodeJS.Signals): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, PORT: String(await freePort()), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let from = performance.now();
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  if (signal) {
    const began = Date.now();
    while (!output.includes('2 workers listening')) {
      if (Date.now() - began > 30_000) throw new Error(`workers did not listen:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    from = performance.now();
    child.kill(signal);
  }
  const code = await exited;
  return { code, output, tookMs: performance.now() - from };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('runPrimary (WEB_CONCURRENCY=2)', () => {
  describe('on SIGTERM', () => {
    let result: Run;
    beforeAll(async () => {
      result = await run({ FIXTURE_MODE: 'serve' }, 'SIGTERM');
    });

    it('forwards the signal to every worker and exits 0 once both have exited cleanly', () => {
      expect(result.code, result.output).toBe(0);
      expect(count(result.output, 'exited (code 0)'), result.output).toBe(2);
    });

    it('warns once that without REDIS_URL each worker counts rate limits on its own', () => {
      expect(count(result.output, 'without REDIS_URL'), result.output).toBe(1);
      expect(result.output).toContain('2 × RATE_LIMIT_MAX = 40');
    });
  });

  describe('when workers keep crashing', () => {
    let result: Run;
    beforeAll(async () => {
      result = await run({ FIXTURE_MODE: 'crash', REDIS_URL: 'redis://127.0.0.1:6379' });
    });

    it('starts another worker after a backoff, then gives up on the crash loop with 1', () => {
      expect(result.code, result.output).toBe(1);
      expect(result.output).toContain('starting another in 100 ms');
      expect(result.output).toContain('giving up');
      expect(result.output).not.toContain('without REDIS_URL');
    });
  });

  describe('when a worker ignores SIGTERM', () => {
    let result: Run;
    beforeAll(async () => {
      result = await run({ FIXTURE_MODE: 'hang', SHUTDOWN_TIMEOUT_MS: '0' }, 'SIGTERM');
    });

    it('kills it shutdownBudgetMs (drain + SHUTDOWN_TIMEOUT_MS + 5 s) after the signal and exits 1', () => {
      expect(result.code, result.output).toBe(1);
      expect(result.output).toContain('killing them');
      expect(result.tookMs).toBeGreaterThanOrEqual(5_000);
    });
  });
});
