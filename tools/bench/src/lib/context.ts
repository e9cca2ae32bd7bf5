import type { AppSpec, Fleet } from './fleet.js';
import type { NodeBinary } from './node-versions.js';
import type { DataDirs } from './processes.js';
import type { ClientName } from './wrk.js';

export type Mode = 'full' | 'quick' | 'smoke';

export interface Options {
  readonly mode: Mode;
  /** Scenario ids to run; empty means all. */
  readonly only: readonly string[];
  /** Where benchmarks.md and benchmarks/*.svg go. */
  readonly out: string;
  /** Interleaved runs per figure. */
  readonly rounds: number;
  /** Seconds per autocannon run (autocannon counts whole seconds). */
  readonly durationS: number;
  /**
   * The uncounted warm-up before a contender's first measured run: this many requests, or
   * (0) one second of load, the shortest autocannon run by time.
   */
  readonly warmupRequests: number;
  /** The command line, as the report shows it. */
  readonly command: string;
  /** The Node binaries the node scenario measures (resolved only when it runs). */
  readonly nodes: readonly NodeBinary[];
  /** `--client`: the load client by scenario id, `*` for every scenario not named. */
  readonly clients: Readonly<Record<string, ClientName>>;
}

export interface Context {
  readonly options: Options;
  readonly dataDirs: DataDirs;
  /** The upstream stand-in with no added latency, for the scenarios that need no other. */
  readonly upstreamUrl: string;
  /** A second stand-in that adds SLOW_UPSTREAM_MS to every call (the fan-out's sources). */
  readonly slowUpstreamUrl: string;
  /** The long-lived apps under test, started once (see fleet.ts). */
  readonly fleet: Fleet;
  /** A PostgreSQL server URL that answered, or undefined. */
  readonly postgresUrl: string | undefined;
}

export interface Target {
  readonly text: string;
  readonly met: boolean;
  readonly figure: string;
  /** Why, when it is missed (or a caveat when met). */
  readonly note?: string;
}

export interface Chart {
  /** File name under benchmarks/, e.g. "fanout.svg". */
  readonly file: string;
  readonly alt: string;
  readonly svg: string;
}

/** What a scenario hands to the report. */
export interface Section {
  readonly id: string;
  readonly title: string;
  /** What is measured and how, in a few sentences. */
  readonly method: string;
  /** Markdown tables (and notes). */
  readonly tables: string;
  readonly charts: readonly Chart[];
  readonly targets: readonly Target[];
  /** The reading, written from the numbers. */
  readonly reading: readonly string[];
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** The fleet apps it will ask for, so that main can start them all before measuring. */
  needs?(context: Pick<Context, 'options' | 'postgresUrl'>): readonly AppSpec[];
  run(context: Context): Promise<Section>;
}

/** The slow upstream's latency per call: the issue's "100 GETs at 50 ms". */
export const SLOW_UPSTREAM_MS = 50;

/** The warm-up part of a load job (see Options.warmupRequests). */
export const warmup = (options: Options) =>
  options.warmupRequests ? { durationS: 1, amount: options.warmupRequests } : { durationS: 1 };

/** Markdown table. */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
