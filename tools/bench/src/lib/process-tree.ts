// Memory and workers of an app seen from outside, through /proc (Linux): a cluster primary's
// workers are its child processes, and their RSS is not in the primary's own figure.
import { readFile, readdir } from 'node:fs/promises';

/** Direct children of `pid`, from /proc/<pid>/task/<tid>/children; [] once it has exited. */
export async function childPids(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const children = new Set<number>();
  for (const tid of tasks) {
    const text = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '');
    for (const word of text.split(/\s+/)) if (word) children.add(Number(word));
  }
  return [...children];
}

/** `pid` and all its descendants. */
export async function processTree(pid: number): Promise<number[]> {
  const all: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const next = queue.shift()!;
    all.push(next);
    queue.push(...(await childPids(next)));
  }
  return all;
}

/** VmRSS of one process in bytes; 0 when it has gone (or is a zombie, which has no VmRSS). */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

/** The process exists and is not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const state = /^State:\s+(\S)/m.exec(status)?.[1];
  return state !== undefined && state !== 'Z' && state !== 'X';
}

export interface RssReading {
  /** Highest sum over the tree seen by any sample. */
  readonly peak: number;
  /** The sum at the last sample. */
  readonly end: number;
  /** The most processes seen in the tree at one sample. */
  readonly maxProcesses: number;
  readonly samples: number;
}

/** Samples the RSS summed over a process and its descendants every `everyMs` until stopped. */
export class RssSampler {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  #peak = 0;
  #end = 0;
  #maxProcesses = 0;
  #samples = 0;
  #running: Promise<void> = Promise.resolve();

  constructor(pid: number, everyMs = 500) {
    this.#pid = pid;
    this.#running = this.#sample();
    this.#timer = setInterval(() => {
      this.#running = this.#running.then(() => this.#sample());
    }, everyMs).unref();
  }

  async #sample(): Promise<void> {
    const pids = await processTree(this.#pid);
    const values = await Promise.all(pids.map(rssBytes));
    const sum = values.reduce((a, b) => a + b, 0);
    if (sum === 0) return;
    this.#samples++;
    this.#end = sum;
    this.#peak = Math.max(this.#peak, sum);
    this.#maxProcesses = Math.max(this.#maxProcesses, pids.length);
  }

  /** Takes one last sample and stops. */
  async stop(): Promise<RssReading> {
    clearInterval(this.#timer);
    await this.#running;
    await this.#sample();
    return {
      peak: this.#peak,
      end: this.#end,
      maxProcesses: this.#maxProcesses,
      samples: this.#samples,
    };
  }
}
