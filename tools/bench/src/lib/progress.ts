// The live task list: one line per step on stderr with its elapsed time. On a terminal the
// running step's line is redrawn every second; elsewhere (CI, a pipe) each step prints once
// when it ends, so logs stay short.
const tty = process.stderr.isTTY === true;
const startedAt = performance.now();

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export interface Task {
  done(note?: string): void;
  fail(error: unknown): void;
}

export function task(label: string): Task {
  const began = performance.now();
  const line = (mark: string, note = '') =>
    `${mark} ${label} ${secs(performance.now() - began)}${note ? ` — ${note}` : ''}  [total ${secs(performance.now() - startedAt)}]`;
  let timer: NodeJS.Timeout | undefined;
  if (tty) {
    process.stderr.write(line('…'));
    timer = setInterval(() => process.stderr.write(`\r\x1b[2K${line('…')}`), 1000);
    timer.unref();
  }
  const end = (text: string) => {
    if (timer) clearInterval(timer);
    process.stderr.write(tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
  };
  return {
    done: (note) => end(line('✓', note)),
    fail: (error) => end(line('✗', error instanceof Error ? error.message : String(error))),
  };
}

/** Runs `fn` as one step of the task list. */
export async function step<T>(label: string, fn: () => Promise<T>, note?: (r: T) => string) {
  const t = task(label);
  try {
    const result = await fn();
    t.done(note?.(result));
    return result;
  } catch (error) {
    t.fail(error);
    throw error;
  }
}

export function log(text: string): void {
  process.stderr.write(`${text}\n`);
}
