import { Worker } from 'node:worker_threads';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { Parser } from 'pg-protocol/dist/parser.js';

// PGlite runs PostgreSQL in WASM, synchronously: on the app's thread every query stalls the event
// loop for as long as it runs. Here it runs on a worker thread instead, and only the wire
// protocol's bytes cross: a request's messages go in, the backend's answer comes back whole.
// Plain JavaScript evaluated as CommonJS (a worker cannot load the TypeScript source, and the
// build copies no other files); it imports PGlite by the URL the main thread resolved.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { entry, dataDir, startParams, loadDataDir } = workerData;
const opened = import(entry).then(async ({ PGlite }) => {
  const options = { startParams, ...(loadDataDir ? { loadDataDir: new Blob([loadDataDir]) } : {}) };
  const db = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await db.waitReady;
  return db;
});
opened.then(
  () => parentPort.postMessage({ ready: true }),
  (error) => parentPort.postMessage({ ready: false, error: String(error?.stack ?? error) }),
);
parentPort.on('message', async ({ id, op, bytes }) => {
  try {
    const db = await opened;
    if (op === 'close') {
      await db.close();
      parentPort.postMessage({ id });
      parentPort.close();
      return;
    }
    const out = await db.execProtocolRaw(bytes);
    parentPort.postMessage({ id, out }, [out.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.stack ?? error) });
  }
});
`;

interface Reply {
  readonly id?: number;
  readonly ready?: boolean;
  readonly out?: Uint8Array;
  readonly error?: string;
}

export interface PgliteWorkerOptions {
  /** PGlite's `import()` URL (file:). */
  readonly entry: string;
  /** A prepared data directory, or undefined for in memory (then `loadDataDir` is required). */
  readonly dataDir: string | undefined;
  readonly startParams: readonly string[];
  /** The template tarball for an in-memory database. */
  readonly loadDataDir?: ArrayBuffer;
}

/**
 * The part of PGlite that `@electric-sql/pglite/node-postgres` uses (`waitReady`,
 * `execProtocolStream`), plus `close`, with PGlite on a worker thread.
 */
export class PgliteWorker {
  readonly waitReady: Promise<void>;
  readonly #worker: Worker;
  readonly #pending = new Map<number, (reply: Reply) => void>();
  #nextId = 0;
  #closed = false;
  #failure: Error | undefined;

  constructor(options: PgliteWorkerOptions) {
    this.#worker = new Worker(WORKER, {
      eval: true,
      workerData: { ...options, startParams: [...options.startParams] },
      ...(options.loadDataDir ? { transferList: [options.loadDataDir] } : {}),
    });
    this.waitReady = new Promise<void>((resolve, reject) => {
      this.#worker.once('message', (reply: Reply) => {
        if (reply.ready) resolve();
        else reject(new Error(`PGlite worker did not start: ${reply.error}`));
        this.#worker.on('message', (next: Reply) => this.#settle(next));
      });
      this.#worker.once('error', reject);
    });
    // A worker that dies fails whatever waits on it, now and later, instead of hanging.
    const fail = (error: Error) => {
      this.#failure ??= error;
      for (const settle of this.#pending.values()) settle({ error: String(error) });
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`PGlite worker exited (code ${code})`)));
    this.waitReady.catch(() => undefined);
  }

  get closed(): boolean {
    return this.#closed;
  }

  #settle(reply: Reply): void {
    if (reply.id === undefined) return;
    this.#pending.get(reply.id)?.(reply);
    this.#pending.delete(reply.id);
  }

  #call(op: 'exec' | 'close', bytes?: Uint8Array): Promise<Reply> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.#pending.set(id, (reply) =>
        reply.error === undefined ? resolve(reply) : reject(new Error(reply.error)),
      );
      this.#worker.postMessage({ id, op, bytes });
    });
  }

  /** The wire-protocol messages PostgreSQL answers to `message`, parsed on this thread. */
  async execProtocolStream(message: Uint8Array): Promise<BackendMessage[]> {
    await this.waitReady;
    const { out } = await this.#call('exec', message);
    const messages: BackendMessage[] = [];
    if (out && out.byteLength > 0)
      new Parser().parse(Buffer.from(out.buffer, out.byteOffset, out.byteLength), (m) =>
        messages.push(m),
      );
    return messages;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.waitReady;
      await this.#call('close');
    } finally {
      await this.#worker.terminate();
    }
  }
}
