// A small reader of Prometheus's text format, for the few families the page charts. npm has
// `parse-prometheus-text-format` (1.1.1), one release in years and a dependency of its own; the
// page reads only what prom-client writes for the apps (docs/observability.md#metrics), so these
// lines are simpler to keep than a package: `name{label="value",…} value` samples, comments and
// blank lines skipped, label values unescaped (\\, \", \n), no timestamps (prom-client writes none).

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)\s*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

function labelsOf(text: string | undefined): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  LABEL.lastIndex = 0;
  let read = 0;
  for (let m = LABEL.exec(text); m; m = LABEL.exec(text)) {
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    read = LABEL.lastIndex;
  }
  return read === text.length ? labels : undefined;
}

function valueOf(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Every sample of the exposition; a line it cannot read is left out. */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels = labelsOf(m[2]);
    const value = valueOf(m[3]!);
    if (!labels || Number.isNaN(value)) continue;
    samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}

/** A histogram's buckets, summed over every series: upper bound → cumulative count. */
export interface Histogram {
  readonly buckets: ReadonlyMap<number, number>;
  readonly sum: number;
  readonly count: number;
}

/** Sums one histogram family over all its series (every route and status, say). */
export function histogramOf(samples: readonly Sample[], family: string): Histogram {
  const buckets = new Map<number, number>();
  let sum = 0;
  let count = 0;
  for (const s of samples) {
    if (s.name === `${family}_bucket`) {
      const le = valueOf(s.labels['le'] ?? 'NaN');
      if (!Number.isNaN(le)) buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    } else if (s.name === `${family}_sum`) sum += s.value;
    else if (s.name === `${family}_count`) count += s.value;
  }
  return { buckets, sum, count };
}

/** `after` less `before`, bucket by bucket: what was observed between two scrapes. */
export function histogramDelta(after: Histogram, before: Histogram | undefined): Histogram {
  if (!before) return after;
  const buckets = new Map<number, number>();
  for (const [le, n] of after.buckets)
    buckets.set(le, Math.max(0, n - (before.buckets.get(le) ?? 0)));
  return {
    buckets,
    sum: Math.max(0, after.sum - before.sum),
    count: Math.max(0, after.count - before.count),
  };
}

/**
 * The q-quantile of a histogram, interpolated linearly inside its bucket as Prometheus's
 * histogram_quantile does: an estimate no finer than the buckets. A quantile in the +Inf bucket
 * is the highest finite bound. Undefined when nothing was observed.
 */
export function quantile(h: Histogram, q: number): number | undefined {
  const bounds = [...h.buckets.keys()].sort((a, b) => a - b);
  const total = h.buckets.get(Infinity) ?? h.count;
  if (!total) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const le of bounds) {
    const n = h.buckets.get(le)!;
    if (n >= rank) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(n - below, 1e-12);
    }
    lower = le === Infinity ? lower : le;
    below = n;
  }
  return lower;
}

/** The first sample of a gauge, or undefined. */
export function gaugeOf(samples: readonly Sample[], name: string): number | undefined {
  return samples.find((s) => s.name === name)?.value;
}
