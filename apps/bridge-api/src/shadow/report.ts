import type { RouteCounts } from './counters.js';

/** One route's line of the report. */
export interface ReportRow extends RouteCounts {
  readonly route: string;
  readonly verdict: string;
  /** The paths of the last mismatch logged for the route, e.g. `body.bots[0].name`. */
  readonly lastDiff: readonly string[];
}

export interface ShadowReport {
  readonly rows: readonly ReportRow[];
  /** Processes (shadow runs) whose summaries were added up. */
  readonly runs: number;
  /** Lines that were not JSON, skipped. */
  readonly skipped: number;
}

interface SummaryLine {
  readonly shadowSummary: { readonly run: string; readonly routes: Record<string, RouteCounts> };
}
interface MismatchLine {
  readonly shadowMismatch: { readonly route: string; readonly diff: readonly { path: string }[] };
}

function isSummary(line: unknown): line is SummaryLine {
  const summary = (line as Partial<SummaryLine> | null)?.shadowSummary;
  return typeof summary?.run === 'string' && typeof summary.routes === 'object';
}

function isMismatch(line: unknown): line is MismatchLine {
  const mismatch = (line as Partial<MismatchLine> | null)?.shadowMismatch;
  return typeof mismatch?.route === 'string' && Array.isArray(mismatch.diff);
}

/**
 * Reads a bridge's log, one pino JSON line at a time. Each process's counters are cumulative, so
 * its last "shadow summary" line counts (a summary per SHADOW_SUMMARY_INTERVAL_MS and one at
 * shutdown); the processes (cluster workers, restarts) are added up.
 */
export class ShadowLogReader {
  readonly #lastSummary = new Map<string, Record<string, RouteCounts>>();
  readonly #lastDiff = new Map<string, readonly string[]>();
  #skipped = 0;

  add(text: string): void {
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch {
      if (text.trim() !== '') this.#skipped += 1;
      return;
    }
    if (isSummary(line)) this.#lastSummary.set(line.shadowSummary.run, line.shadowSummary.routes);
    else if (isMismatch(line)) {
      const { route, diff } = line.shadowMismatch;
      this.#lastDiff.set(
        route,
        diff.map((d) => d.path),
      );
    }
  }

  // #region guide:shadow-verdict
  /** "ready to move" once a route has `minMatches` matches and no mismatch and no shadow error. */
  report(minMatches: number): ShadowReport {
    const totals = new Map<string, RouteCounts>();
    for (const routes of this.#lastSummary.values()) {
      for (const [route, counts] of Object.entries(routes)) {
        const sum = totals.get(route) ?? { matches: 0, mismatches: 0, dropped: 0, errors: 0 };
        for (const key of ['matches', 'mismatches', 'dropped', 'errors'] as const) {
          sum[key] += Number(counts[key]) || 0;
        }
        totals.set(route, sum);
      }
    }
    const rows = [...totals].map(([route, counts]): ReportRow => {
      const verdict =
        counts.mismatches > 0
          ? `not yet: ${counts.mismatches} mismatches`
          : counts.errors > 0
            ? `not yet: ${counts.errors} shadow errors`
            : counts.matches < minMatches
              ? `not yet: ${counts.matches} of ${minMatches} matches`
              : 'ready to move';
      return { route, ...counts, verdict, lastDiff: this.#lastDiff.get(route) ?? [] };
    });
    return { rows, runs: this.#lastSummary.size, skipped: this.#skipped };
  }
  // #endregion guide:shadow-verdict
}

/** The report as a plain-text table, one line per route. */
export function formatReport({ rows, runs, skipped }: ShadowReport): string {
  const header = ['route', 'matches', 'mismatches', 'dropped', 'shadow errors', 'verdict'];
  const table = rows.map((row) => [
    row.route,
    String(row.matches),
    String(row.mismatches),
    String(row.dropped),
    String(row.errors),
    row.verdict +
      (row.lastDiff.length ? ` (last diff: ${row.lastDiff.slice(0, 3).join(', ')})` : ''),
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...table.map((r) => r[i]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i > 0 && i < 5 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...table.map(line)];
  if (rows.length === 0) out.push('(no "shadow summary" line in the log: was SHADOW_GROUPS set?)');
  out.push(
    '',
    `${runs} process${runs === 1 ? '' : 'es'} counted${skipped ? `, ${skipped} lines that are not JSON skipped` : ''}`,
  );
  return out.join('\n');
}
