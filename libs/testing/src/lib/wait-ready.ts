/** What a readiness wait watches besides the URL: a spawned process, to fail once it exits. */
export interface Watched {
  readonly name: string;
  readonly child: { readonly exitCode: number | null; readonly signalCode: NodeJS.Signals | null };
  /** What the process has written so far, shown when the wait fails. */
  readonly output: readonly string[];
}

export interface WaitReadyOptions {
  /** Polled with GET until it answers 200; `/ready` unless given. */
  readonly path?: string;
  /** 60 s unless given. */
  readonly timeoutMs?: number;
  /** Pause between two polls; 50 ms unless given. */
  readonly intervalMs?: number;
  /** Fails at once, with its output, when this process exits first. */
  readonly process?: Watched;
  /**
   * Must also hold for the process's output (needs `process`), e.g. a cluster's primary has
   * logged that every worker listens.
   */
  readonly output?: (text: string) => boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const exited = (p: Watched) => p.child.exitCode !== null || p.child.signalCode !== null;
const describe = (p: Watched | undefined) => (p ? `${p.name}:\n${p.output.join('')}` : '');

/**
 * Polls `url` + `path` (`/ready` by default) until it answers 200 and `output` holds; returns the
 * milliseconds it waited. Throws when `process` exits first or the time runs out.
 */
export async function waitReady(url: string, options: WaitReadyOptions = {}): Promise<number> {
  const { path = '/ready', timeoutMs = 60_000, intervalMs = 50, process: proc } = options;
  const began = performance.now();
  for (;;) {
    if (proc && exited(proc)) {
      throw new Error(
        `exited (${proc.child.exitCode ?? proc.child.signalCode}) before ready: ${describe(proc)}`,
      );
    }
    const ok = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(1_000) }).then(
      async (res) => {
        await res.arrayBuffer();
        return res.status === 200;
      },
      () => false,
    );
    if (ok && (!options.output || !proc || options.output(proc.output.join('')))) {
      return performance.now() - began;
    }
    if (performance.now() - began > timeoutMs) {
      throw new Error(`${url}${path} not ready within ${timeoutMs} ms ${describe(proc)}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Readiness by a log line: waits until what `process` has written matches `until`; returns the
 * milliseconds it waited. Throws when the process exits first or the time runs out.
 */
export async function waitForOutput(
  proc: Watched,
  until: RegExp | string | ((text: string) => boolean),
  options: { readonly timeoutMs?: number; readonly intervalMs?: number } = {},
): Promise<number> {
  const { timeoutMs = 60_000, intervalMs = 20 } = options;
  const matches =
    typeof until === 'function'
      ? until
      : typeof until === 'string'
        ? (text: string) => text.includes(until)
        : (text: string) => until.test(text);
  const began = performance.now();
  for (;;) {
    if (matches(proc.output.join(''))) return performance.now() - began;
    if (exited(proc)) {
      throw new Error(
        `exited (${proc.child.exitCode ?? proc.child.signalCode}) before ${String(until)}: ${describe(proc)}`,
      );
    }
    if (performance.now() - began > timeoutMs) {
      throw new Error(`no ${String(until)} within ${timeoutMs} ms from ${describe(proc)}`);
    }
    await sleep(intervalMs);
  }
}
