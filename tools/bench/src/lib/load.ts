// The bench's side of the load generator: autocannon runs in a child process of its own
// (load-worker.ts), never in the bench's event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadJob {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  /** A warm-up of this many requests instead, with nothing measured (see load-worker.ts). */
  readonly amount?: number;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Requests per second over all connections; unset means as fast as possible. */
  readonly overallRate?: number;
}

export interface LoadResult {
  /** 2xx responses per second. */
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
  readonly non2xx: number;
  readonly errors: number;
  /** The load generator's CPU over the run, in cores (1 = one core busy all the time). */
  readonly clientCpu: number;
}

/** Above this the client, not the server, is probably the limit. */
export const CLIENT_SATURATED = 0.85;

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

export class LoadGenerator {
  readonly #child: ChildProcess;
  #next = 0;
  readonly #pending = new Map<number, (m: { result?: LoadResult; error?: string }) => void>();

  constructor() {
    this.#child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (m: { id: number; result?: LoadResult; error?: string }) => {
      this.#pending.get(m.id)?.(m);
      this.#pending.delete(m.id);
    });
  }

  run(job: LoadJob): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const id = this.#next++;
      this.#pending.set(id, (m) => (m.result ? resolve(m.result) : reject(new Error(m.error))));
      this.#child.send({ id, job });
    });
  }

  close(): void {
    this.#child.kill();
  }
}
