import { spawn, type ChildProcess } from 'node:child_process';

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

export interface SpawnedApp {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Every chunk the process wrote to stdout and stderr, in order. */
  readonly output: string[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

export const WORKSPACE = new URL('../../../../', import.meta.url).pathname;

const START_TIMEOUT_MS = 60_000;

/**
 * Runs an app's main.ts as its own process on 127.0.0.1:`port`, with the test's environment,
 * then `env`, then the app's own `env` on top, and waits until GET /health answers 200 and
 * `ready(output)` holds (e.g. a cluster's primary has logged that every worker listens).
 * Throws with the output if the process exits first or is not ready within 60 s.
 */
export async function spawnApp(
  app: AppProcess,
  port: number,
  env: Record<string, string>,
  ready: (output: string) => boolean = () => true,
): Promise<SpawnedApp> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@switchyard/source', app.main],
    {
      cwd: WORKSPACE,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env, ...app.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const spawned: SpawnedApp = {
    url,
    child,
    output,
    exited,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };

  const began = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app.name} exited:\n${output.join('')}`);
    const up = await fetch(`${url}/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (up && ready(output.join(''))) break;
    if (Date.now() - began > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`${app.name} did not start:\n${output.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return spawned;
}
