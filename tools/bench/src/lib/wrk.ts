// The second load client: Debian's `wrk`, a C program that spends far less CPU per request than
// autocannon, for the figures where autocannon itself is the ceiling (bare hello-worlds, where
// it used 0.85–0.9 of a core). wrk runs as a child process; its figures come from its own text
// output (`--latency`), its CPU from the kernel's accounting of the shell that waited for it.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { LoadGenerator, type LoadJob, type LoadResult } from './load.js';

const run = promisify(execFile);

/** What a load client does: autocannon's LoadGenerator and WrkClient both fit. */
export interface LoadClient {
  run(job: LoadJob): Promise<LoadResult>;
  close(): void;
}

export type ClientName = 'autocannon' | 'wrk';

let wrkFound: boolean | undefined;

/** True when a `wrk` binary is on PATH (it prints its usage and exits 1 when run bare). */
export function wrkInstalled(): boolean {
  // Asked once per run: the scenarios and the report ask it several times.
  if (wrkFound === undefined) {
    try {
      execFileSync('wrk', ['--version'], { stdio: 'pipe' });
      wrkFound = true;
    } catch (error) {
      wrkFound = (error as { status?: number }).status === 1;
    }
  }
  return wrkFound;
}

export interface WrkFigures {
  /** All responses, whatever their status. */
  readonly requests: number;
  /** The run's own measured length, in seconds ("1742 requests in 2.02s"). */
  readonly seconds: number;
  /** Responses outside 2xx and 3xx ("Non-2xx or 3xx responses: N"). */
  readonly non2xx: number;
  /** Socket errors of every kind (connect, read, write, timeout). */
  readonly errors: number;
  /** Latency percentiles in ms from the "Latency Distribution" block. */
  readonly p50: number;
  readonly p99: number;
}

const UNIT_MS: Record<string, number> = { us: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** wrk's durations ("80.36ms", "1.38s", "912.00us") in milliseconds. */
export function parseWrkDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`not a wrk duration: ${JSON.stringify(text)}`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** The figures of one `wrk --latency` run, from what it printed. */
export function parseWrk(output: string): WrkFigures {
  const done = /^\s*(\d+) requests in ([\d.]+\w+), /m.exec(output);
  if (!done) throw new Error(`wrk printed no request count:\n${output}`);
  const percentile = (p: number) => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)\\s*$`, 'm').exec(output);
    if (!m) throw new Error(`wrk printed no ${p}% latency (was --latency given?):\n${output}`);
    return parseWrkDuration(m[1]!);
  };
  const sockets = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  return {
    requests: Number(done[1]),
    seconds: parseWrkDuration(done[2]!) / 1000,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    errors: sockets ? sockets.slice(1).reduce((n, v) => n + Number(v), 0) : 0,
    p50: percentile(50),
    p99: percentile(99),
  };
}

/**
 * wrk's CPU: the shell runs wrk, waits for it, then prints its own /proc stat, whose fields 16
 * and 17 (cutime, cstime) count the CPU of the children it has waited for, which is wrk alone.
 * Reading wrk's own /proc/<pid>/stat instead would race its exit and miss its last moments.
 */
const WRAPPER = 'wrk "$@"; s=$?; echo; echo "wrk-shell-stat: $(cat /proc/$$/stat)"; exit $s';

/** Clock ticks per second, for the /proc stat times (100 on every Linux this runs on). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Children's user + system CPU seconds from the wrapper's stat line. */
export function childCpuSeconds(output: string): number {
  const line = /^wrk-shell-stat: (.*)$/m.exec(output);
  if (!line) throw new Error('the wrk wrapper printed no stat line');
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = line[1]!.slice(line[1]!.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / CLK_TCK;
}

/**
 * Runs load jobs with wrk (one thread, as many connections as the job asks). wrk has no request
 * rate, so a job with `overallRate` goes to autocannon, and so do the warm-ups (`amount`), which
 * wrk cannot count either; autocannon's process starts only if one of those comes.
 */
export class WrkClient implements LoadClient {
  #fallback: LoadGenerator | undefined;

  async run(job: LoadJob): Promise<LoadResult> {
    if (job.amount || job.overallRate) {
      this.#fallback ??= new LoadGenerator();
      return this.#fallback.run(job);
    }
    const headers = Object.entries(job.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
    if (job.method && job.method !== 'GET')
      throw new Error('WrkClient sends GET only (a body needs a Lua script)');
    const args = [
      '-t1',
      `-c${job.connections}`,
      `-d${job.durationS}s`,
      '--timeout',
      '30s',
      '--latency',
      ...headers,
      job.url,
    ];
    const { stdout } = await run('sh', ['-c', WRAPPER, 'sh', ...args], {
      maxBuffer: 1024 * 1024,
    });
    const f = parseWrk(stdout);
    return {
      rps: (f.requests - f.non2xx) / f.seconds,
      p50: f.p50,
      p99: f.p99,
      total: f.requests,
      non2xx: f.non2xx,
      errors: f.errors,
      clientCpu: childCpuSeconds(stdout) / f.seconds,
    };
  }

  close(): void {
    this.#fallback?.close();
  }
}

/**
 * Parses `--client wrk` or `--client node=wrk,throughput=autocannon` into a map by scenario id,
 * `*` standing for every scenario the flag does not name.
 */
export function parseClients(value: string | undefined): Record<string, ClientName> {
  const out: Record<string, ClientName> = {};
  for (const part of (value ?? '').split(',').filter((p) => p.trim())) {
    const [id, name] = part.includes('=') ? part.split('=') : ['*', part];
    if (name !== 'autocannon' && name !== 'wrk')
      throw new Error(`--client wants autocannon or wrk, got ${JSON.stringify(part)}`);
    out[id!.trim()] = name;
  }
  return out;
}

/** The client a scenario uses: the flag's choice for it, else for `*`, else its own default. */
export const clientFor = (
  clients: Readonly<Record<string, ClientName>>,
  id: string,
  fallback: ClientName,
): ClientName => clients[id] ?? clients['*'] ?? fallback;

/** A new client of that name. */
export const loadClient = (name: ClientName): LoadClient =>
  name === 'wrk' ? new WrkClient() : new LoadGenerator();
