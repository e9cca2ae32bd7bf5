// The one process spawner of the workspace: the e2e suites that run an app from its main, the
// benchmarks and the load run (an app's build output), and `npm start` all start processes here.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';
import { waitReady, type WaitReadyOptions } from './wait-ready.js';

/** An app the suites run as a process: its main.ts, with the source condition. */
export interface AppProcess {
  /** Shown in test names. */
  readonly name: string;
  /** The app's main.ts, relative to the workspace root, run with tsx and the source condition. */
  readonly main: string;
  /** Extra environment (the bridge's state is its own, in src/moved.ts). */
  readonly env?: Record<string, string>;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** performance.now() when the process exited. */
  readonly at: number;
}

export interface SpawnOptions {
  /** Shown in errors. */
  readonly name: string;
  /** The script, relative to `cwd`; a `.ts` file runs through tsx with the source condition. */
  readonly entry: string;
  /**
   * The Node binary: this process's unless given. The bench runs the same servers on several
   * Node versions from one orchestrating process (tools/bench, scenario `node`).
   */
  readonly execPath?: string;
  /** Arguments after the entry. */
  readonly args?: readonly string[];
  /** Node options before the entry (after tsx's), e.g. `['--import', probe]`. */
  readonly nodeArgs?: readonly string[];
  /** On top of `baseEnv`. */
  readonly env?: Readonly<Record<string, string>>;
  /** The environment the process starts from: this process's unless given. */
  readonly baseEnv?: NodeJS.ProcessEnv;
  /** The workspace root unless given. */
  readonly cwd?: string;
  /**
   * Starts the process in a process group of its own (`detached`): a signal to this process's
   * group (Ctrl-C in a terminal) does not reach it, and `process.kill(-pid)` reaches its group.
   */
  readonly detached?: boolean;
  /** Opens an IPC channel (`child.send`), unref'd so that it keeps nobody alive. */
  readonly ipc?: boolean;
  /** `capture` (default) keeps stdout and stderr in `output`; `inherit` passes them through. */
  readonly stdio?: 'capture' | 'inherit';
  /** Keeps only the last so many chunks of output (a long-lived process); all unless given. */
  readonly keepChunks?: number;
  /** Sees every chunk of stdout and stderr as it arrives. */
  readonly onOutput?: (chunk: string) => void;
}

export interface SpawnedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The chunks written to stdout and stderr, in order (empty with `stdio: 'inherit'`). */
  readonly output: string[];
  /** performance.now() when it was spawned. */
  readonly spawnedAt: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  /**
   * Sends `signal` (SIGTERM unless given), then SIGKILL after `graceMs` (10 s unless given), and
   * resolves with the exit; at once when the process has exited already.
   */
  stop(options?: { readonly signal?: NodeJS.Signals; readonly graceMs?: number }): Promise<Exit>;
}

export interface AppSpawnOptions extends SpawnOptions {
  /** Sets PORT and HOST=127.0.0.1 (over `env`); a free port unless given. */
  readonly port?: number;
  /**
   * Waits until the app is ready before resolving: GET /ready unless told otherwise, failing
   * early if it exits, and stopping it if it never gets ready. `false` resolves at once.
   */
  readonly ready?: Omit<WaitReadyOptions, 'process'> | false;
}

export interface SpawnedApp extends SpawnedProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Milliseconds from the spawn to the first ready answer; NaN with `ready: false`. */
  readonly readyMs: number;
}

export const WORKSPACE = new URL('../../../../', import.meta.url).pathname;

const TSX = ['--import', 'tsx', '--conditions=@switchyard/source'];

/** Starts `node <entry>` as a child process; see SpawnOptions. */
export function spawnProcess(options: SpawnOptions): SpawnedProcess {
  const { name, entry, stdio = 'capture', keepChunks = Infinity } = options;
  const spawnedAt = performance.now();
  const child = spawn(
    options.execPath ?? process.execPath,
    [
      ...(entry.endsWith('.ts') ? TSX : []),
      ...(options.nodeArgs ?? []),
      entry,
      ...(options.args ?? []),
    ],
    {
      cwd: options.cwd ?? WORKSPACE,
      detached: options.detached ?? false,
      env: { ...(options.baseEnv ?? process.env), ...options.env },
      stdio: [
        'ignore',
        stdio === 'capture' ? 'pipe' : 'inherit',
        stdio === 'capture' ? 'pipe' : 'inherit',
        ...(options.ipc ? (['ipc'] as const) : []),
      ],
    },
  );
  child.channel?.unref();
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output.push(text);
    if (output.length > keepChunks) output.shift();
    options.onOutput?.(text);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return {
    name,
    child,
    output,
    spawnedAt,
    exited,
    async stop({ signal = 'SIGTERM', graceMs = 10_000 } = {}) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}

/**
 * Runs an app (its main.ts through tsx, or its build output) on 127.0.0.1:`port` and, unless
 * `ready` is false, waits until it is ready. Throws with the app's output if it exits first or
 * is not ready in time, after stopping it.
 */
export async function spawnApp(options: AppSpawnOptions): Promise<SpawnedApp> {
  const port = options.port ?? (await freePort());
  const spawned = spawnProcess({
    ...options,
    // In memory unless the caller names a directory: an app's main otherwise keeps its PGlite
    // in .data/<app> under the working directory, which a test must not share or leave behind.
    env: { PGLITE_DATA_DIR: 'memory://', ...options.env, HOST: '127.0.0.1', PORT: String(port) },
  });
  const url = `http://127.0.0.1:${port}`;
  let readyMs = NaN;
  if (options.ready !== false) {
    try {
      await waitReady(url, { ...options.ready, process: spawned });
      readyMs = performance.now() - spawned.spawnedAt;
    } catch (error) {
      await spawned.stop({ graceMs: 2_000 });
      throw error;
    }
  }
  return { ...spawned, url, port, readyMs };
}
