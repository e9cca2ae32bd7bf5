import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));

export interface AppProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Output of the process, kept to show when it fails. */
  readonly output: string[];
  /** SIGTERM, then wait for the exit code (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts an app's real entry point (`src/main.ts`) as its own process, through tsx. */
export function startApp(name: string, port: number, env: Record<string, string>): AppProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@switchyard/source', `apps/${name}/src/main.ts`],
    {
      cwd: WORKSPACE,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    output,
    async stop(graceMs = 12_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `/ready` until it answers 200; fails early if the process exits. */
export async function waitReady(app: AppProcess, timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (app.child.exitCode !== null) {
      throw new Error(
        `${app.name} exited with code ${app.child.exitCode}:\n${app.output.join('')}`,
      );
    }
    try {
      const res = await fetch(`${app.url}/ready`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${app.name} was not ready within ${timeoutMs} ms:\n${app.output.join('')}`);
}
