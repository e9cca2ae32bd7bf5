// Hand-written SVG charts, on purpose: a charting library would be the bench's heaviest
// dependency, and two chart types with axes, units and a legend fit in one small module.
import { fmt, type Summary } from './stats.js';

const COLORS = ['#c0392b', '#2471a3', '#7d8b99', '#1e8449', '#b9770e', '#7d3c98'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Round tick values for a linear axis from 0 to max. */
function linearTicks(max: number): number[] {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => max / s <= 6) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= max * 1.0001 + step; v += step) ticks.push(v);
  return ticks;
}

function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) {
    ticks.push(10 ** e);
    // Few decades: 2 and 5 between them help reading a value off the axis.
    if (hi - lo <= 2 && e < hi) ticks.push(2 * 10 ** e, 5 * 10 ** e);
  }
  return ticks;
}

/** Short tick labels: 1k, 20k, 1M. */
function tick(v: number): string {
  if (v >= 1e6) return `${fmt(v / 1e6)}M`;
  if (v >= 1e4) return `${fmt(v / 1e3)}k`;
  return fmt(v);
}

interface Scale {
  (v: number): number;
  ticks: number[];
}

function makeScale(lo: number, hi: number, px: number, log: boolean): Scale {
  if (log) {
    const ticks = logTicks(Math.max(lo, 1e-9), hi);
    const a = Math.log10(ticks[0]!);
    const b = Math.log10(ticks[ticks.length - 1]!);
    const s = ((v: number) => ((Math.log10(Math.max(v, ticks[0]!)) - a) / (b - a)) * px) as Scale;
    s.ticks = ticks;
    return s;
  }
  const ticks = linearTicks(hi || 1);
  const top = ticks[ticks.length - 1]!;
  const s = ((v: number) => (v / top) * px) as Scale;
  s.ticks = ticks;
  return s;
}

export interface BarSeries {
  readonly name: string;
  /** One per category; undefined leaves a gap. */
  readonly values: ReadonlyArray<Summary | undefined>;
}

export interface BarChart {
  readonly title: string;
  /** Axis label with the unit, e.g. "latency per request (ms, log scale)". */
  readonly axis: string;
  readonly categories: readonly string[];
  readonly series: readonly BarSeries[];
  readonly log?: boolean;
  /** Value label suffix, e.g. " ms". */
  readonly unit?: string;
}

/** Horizontal grouped bars (median) with min–max whiskers and the value at the end of each bar. */
export function barChart(c: BarChart): string {
  const labelW = Math.max(120, 8 * Math.max(...c.categories.map((s) => s.length)));
  const plotW = 520;
  const valueW = 120;
  const width = labelW + plotW + valueW + 30;
  const barH = 20;
  const groupGap = 14;
  const groupH = c.series.length * barH + groupGap;
  const top = 70;
  const plotH = c.categories.length * groupH;
  const height = top + plotH + 60;
  const all = c.series.flatMap((s) => s.values.flatMap((v) => (v && v.n ? [v.min, v.max] : [])));
  const positive = all.filter((v) => v > 0);
  const x = makeScale(Math.min(...positive), Math.max(...all, 1e-9), plotW, c.log === true);
  const x0 = labelW + 10;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${esc(c.title)}</text>`,
  );
  // legend
  let lx = x0;
  c.series.forEach((s, i) => {
    out.push(
      `<rect x="${lx}" y="38" width="14" height="14" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${lx + 20}" y="50">${esc(s.name)}</text>`,
    );
    lx += 30 + 8 * s.name.length;
  });
  // grid and ticks
  for (const t of x.ticks) {
    const px = x0 + x(t);
    out.push(
      `<line x1="${px}" y1="${top - 4}" x2="${px}" y2="${top + plotH}" stroke="#dddddd"/>`,
      `<text x="${px}" y="${top + plotH + 18}" text-anchor="middle" fill="#444">${tick(t)}</text>`,
    );
  }
  out.push(
    `<text x="${x0 + plotW / 2}" y="${top + plotH + 42}" text-anchor="middle" fill="#222">${esc(c.axis)}</text>`,
  );
  c.categories.forEach((cat, gi) => {
    const gy = top + gi * groupH;
    out.push(
      `<text x="${labelW}" y="${gy + (c.series.length * barH) / 2 + 5}" text-anchor="end" fill="#222">${esc(cat)}</text>`,
    );
    c.series.forEach((s, si) => {
      const v = s.values[gi];
      const y = gy + si * barH;
      if (!v || v.n === 0) {
        out.push(`<text x="${x0 + 4}" y="${y + 15}" fill="#888">not run</text>`);
        return;
      }
      const w = Math.max(1, x(v.median));
      out.push(
        `<rect x="${x0}" y="${y + 2}" width="${w}" height="${barH - 4}" fill="${COLORS[si % COLORS.length]}"/>`,
      );
      if (v.n > 1) {
        const a = x0 + x(v.min);
        const b = x0 + x(v.max);
        const cy = y + barH / 2;
        out.push(
          `<line x1="${a}" y1="${cy}" x2="${b}" y2="${cy}" stroke="#111" stroke-width="1.5"/>`,
          `<line x1="${a}" y1="${cy - 5}" x2="${a}" y2="${cy + 5}" stroke="#111" stroke-width="1.5"/>`,
          `<line x1="${b}" y1="${cy - 5}" x2="${b}" y2="${cy + 5}" stroke="#111" stroke-width="1.5"/>`,
        );
      }
      const end = x0 + Math.max(w, v.n > 1 ? x(v.max) : 0) + 6;
      out.push(
        `<text x="${end}" y="${y + 15}" fill="#222">${fmt(v.median)}${esc(c.unit ?? '')}</text>`,
      );
    });
  });
  out.push(
    `<line x1="${x0}" y1="${top - 4}" x2="${x0}" y2="${top + plotH}" stroke="#444"/>`,
    `<text x="${width - 10}" y="${height - 6}" text-anchor="end" font-size="11" fill="#666">bar: median; whisker: min–max</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

export interface LineSeries {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface LineChart {
  readonly title: string;
  readonly xAxis: string;
  readonly yAxis: string;
  readonly series: readonly LineSeries[];
  readonly logX?: boolean;
  readonly logY?: boolean;
}

/** Lines with point markers; x and y on linear or log scales. */
export function lineChart(c: LineChart): string {
  const width = 760;
  const height = 460;
  const left = 80;
  const right = 200;
  const top = 50;
  const bottom = 60;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const xs = c.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = c.series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  const x = makeScale(Math.min(...xs), Math.max(...xs), plotW, c.logX === true);
  const y = makeScale(
    Math.min(...ys.filter((v) => v > 0)),
    Math.max(...ys),
    plotH,
    c.logY === true,
  );
  const px = (v: number) => left + x(v);
  const py = (v: number) => top + plotH - y(v);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${left + plotW / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${esc(c.title)}</text>`,
  ];
  for (const t of x.ticks) {
    out.push(
      `<line x1="${px(t)}" y1="${top}" x2="${px(t)}" y2="${top + plotH}" stroke="#e3e3e3"/>`,
      `<text x="${px(t)}" y="${top + plotH + 18}" text-anchor="middle" fill="#444">${tick(t)}</text>`,
    );
  }
  for (const t of y.ticks) {
    out.push(
      `<line x1="${left}" y1="${py(t)}" x2="${left + plotW}" y2="${py(t)}" stroke="#e3e3e3"/>`,
      `<text x="${left - 6}" y="${py(t) + 4}" text-anchor="end" fill="#444">${tick(t)}</text>`,
    );
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`,
    `<text x="${left + plotW / 2}" y="${height - 18}" text-anchor="middle">${esc(c.xAxis)}</text>`,
    `<text transform="translate(18 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(c.yAxis)}</text>`,
  );
  c.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2.5" points="${pts.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ')}"/>`,
      ...pts.map(
        (p) =>
          `<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="4" fill="${color}"/>`,
      ),
      `<rect x="${left + plotW + 16}" y="${top + 10 + i * 24}" width="14" height="14" fill="${color}"/>`,
      `<text x="${left + plotW + 36}" y="${top + 22 + i * 24}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
