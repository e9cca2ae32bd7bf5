// Starts child.ts with tsx and reads what it prints, every wait bounded, for the tests that
// need Express 4's unhandled rejection in a process of its own.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Child {
  /** The app's base URL, once it listens. */
  readonly url: string;
  /** Every JSON line the child printed so far. */
  readonly events: Record<string, unknown>[];
  /** Resolves with the first event that has the key, or rejects after `ms`. */
  waitFor(key: string, ms?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code and stderr, or rejects after `ms`. */
  exited(ms?: number): Promise<{ code: number | null; stderr: string }>;
  /** Ends the child if it still runs. */
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('child.ts', import.meta.url));
const CWD = fileURLToPath(new URL('../..', import.meta.url));

export async function startChild(
  app: 'express4' | 'bridge',
  onRejection: 'crash' | 'log',
): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, app, onRejection], {
    cwd: CWD,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const events: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let buffered = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.startsWith('{')) events.push(JSON.parse(line) as Record<string, unknown>);
    }
    for (const wake of waiters) wake();
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let running = true;
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    proc.once('exit', (code) => {
      running = false;
      // stderr may still hold data: 'close' comes after the streams have ended.
      proc.once('close', () => resolve({ code, stderr }));
      for (const wake of waiters) wake();
    });
  });

  function waitFor(key: string, ms = 10_000) {
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = events.find((event) => key in event);
        if (found) {
          done();
          resolve(found);
        } else if (!running) {
          done();
          reject(new Error(`the child exited before it printed ${key}; stderr: ${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`the child printed no ${key} within ${ms} ms; stderr: ${stderr}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  const listening = await waitFor('listening', 30_000);
  return {
    url: String(listening['listening']),
    events,
    waitFor,
    exited(ms = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the child did not exit within ${ms} ms`)),
          ms,
        );
        void exit.then((result) => {
          clearTimeout(timer);
          resolve(result);
        });
      });
    },
    async stop() {
      if (!running) return;
      proc.kill('SIGTERM');
      await exit;
    },
  };
}
