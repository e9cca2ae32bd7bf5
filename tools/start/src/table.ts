export interface Row {
  readonly step: string;
  readonly same: boolean;
  readonly status: string;
  readonly expressMs: number | undefined;
  readonly fastifyMs: number | undefined;
  readonly note?: string;
}

const ms = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(1)} ms`);

/** A plain-text table that reads the same in a terminal and in a CI log. */
export function renderTable(rows: readonly Row[]): string {
  const header = ['step', 'same', 'status', 'express', 'fastify'];
  const body = rows.map((r) => [
    r.step,
    r.same ? '✓' : '✗',
    r.status,
    ms(r.expressMs),
    ms(r.fastifyMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)];
  for (const r of rows) if (r.note) out.push(`  ✗ ${r.step}: ${r.note}`);
  return out.join('\n');
}
