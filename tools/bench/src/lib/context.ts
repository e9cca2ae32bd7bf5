import type { DataDirs } from './processes.js';

export type Mode = 'full' | 'quick' | 'smoke';

export interface Options {
  readonly mode: Mode;
  /** Scenario ids to run; empty means all. */
  readonly only: readonly string[];
  /** Where benchmarks.md and benchmarks/*.svg go. */
  readonly out: string;
  /** Interleaved runs per figure. */
  readonly rounds: number;
  /** Seconds per autocannon run. */
  readonly durationS: number;
  /** The command line, as the report shows it. */
  readonly command: string;
}

export interface Context {
  readonly options: Options;
  readonly dataDirs: DataDirs;
  /** The upstream stand-in with no added latency, for the scenarios that need no other. */
  readonly upstreamUrl: string;
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
  run(context: Context): Promise<Section>;
}

/** Markdown table. */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
