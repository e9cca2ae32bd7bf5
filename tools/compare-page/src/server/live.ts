// Live metrics: each app's own Prometheus endpoint (METRICS_PORT), scraped once a second from
// here, turned into one point per app and second, and pushed to the pages over server-sent
// events. prom-client resets its event-loop histogram at every scrape, so each point's
// event-loop delay is that second's.
import type { ServerResponse } from 'node:http';
import { LIVE_HISTORY, MAX_LIVE_CLIENTS } from './limits.js';
import {
  gaugeOf,
  histogramDelta,
  histogramOf,
  parsePrometheus,
  quantile,
  type Histogram,
} from './prometheus.js';

export interface AppPoint {
  /** Requests per second the app answered (all routes). */
  readonly rps: number | null;
  /** p50 / p99 request duration in ms, estimated from the histogram's buckets over the second. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Event-loop delay p99 and max over the second, in ms (prom-client's monitorEventLoopDelay). */
  readonly loopP99Ms: number | null;
  readonly loopMaxMs: number | null;
  readonly rssMb: number | null;
}

export interface LivePoint {
  /** Unix time in seconds. */
  readonly t: number;
  readonly apps: Readonly<Record<string, AppPoint>>;
}

export interface MetricsTarget {
  readonly name: string;
  /** `http://127.0.0.1:<METRICS_PORT>`; undefined while the app restarts. */
  readonly metricsUrl: string | undefined;
}

const EMPTY: AppPoint = {
  rps: null,
  p50Ms: null,
  p99Ms: null,
  loopP99Ms: null,
  loopMaxMs: null,
  rssMb: null,
};
const ms = (seconds: number | undefined) =>
  seconds === undefined ? null : Math.round(seconds * 100_000) / 100;

export class LiveMetrics {
  readonly #targets: () => readonly MetricsTarget[];
  readonly #history: LivePoint[] = [];
  readonly #clients = new Set<ServerResponse>();
  readonly #previous = new Map<string, { at: number; h: Histogram }>();
  readonly #extra: Array<() => Record<string, unknown>> = [];
  #timer: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(targets: () => readonly MetricsTarget[]) {
    this.#targets = targets;
  }

  start(intervalMs = 1000): void {
    this.#timer = setInterval(() => {
      if (this.#busy) return;
      this.#busy = true;
      // A scrape that fails is an empty point (#scrape): nothing here is left to reject.
      const done = () => (this.#busy = false);
      this.tick().then(done, done);
    }, intervalMs);
    this.#timer.unref();
  }

  /** Something else each push carries (the trace store's version). */
  alsoSend(extra: () => Record<string, unknown>): void {
    this.#extra.push(extra);
  }

  get history(): readonly LivePoint[] {
    return this.#history;
  }

  /** One scrape of every app, one point, pushed to every page. */
  async tick(): Promise<LivePoint> {
    const entries = await Promise.all(
      this.#targets().map(async (t) => [t.name, await this.#scrape(t)] as const),
    );
    const point: LivePoint = { t: Date.now() / 1000, apps: Object.fromEntries(entries) };
    this.#history.push(point);
    if (this.#history.length > LIVE_HISTORY) this.#history.shift();
    this.#broadcast('point', point);
    return point;
  }

  async #scrape(target: MetricsTarget): Promise<AppPoint> {
    if (!target.metricsUrl) {
      this.#previous.delete(target.name);
      return EMPTY;
    }
    try {
      const res = await fetch(`${target.metricsUrl}/metrics`, { signal: AbortSignal.timeout(900) });
      if (!res.ok) throw new Error(`status ${res.status}`);
      const samples = parsePrometheus(await res.text());
      const now = performance.now();
      const h = histogramOf(samples, 'http_server_request_duration_seconds');
      const before = this.#previous.get(target.name);
      this.#previous.set(target.name, { at: now, h });
      const delta = before ? histogramDelta(h, before.h) : undefined;
      const seconds = before ? (now - before.at) / 1000 : 0;
      const rssBytes = gaugeOf(samples, 'process_resident_memory_bytes');
      return {
        rps: delta && seconds > 0 ? Math.round((delta.count / seconds) * 10) / 10 : null,
        p50Ms: delta ? ms(quantile(delta, 0.5)) : null,
        p99Ms: delta ? ms(quantile(delta, 0.99)) : null,
        loopP99Ms: ms(gaugeOf(samples, 'nodejs_eventloop_lag_p99_seconds')),
        loopMaxMs: ms(gaugeOf(samples, 'nodejs_eventloop_lag_max_seconds')),
        rssMb: rssBytes === undefined ? null : Math.round(rssBytes / 1024 / 1024),
      };
    } catch {
      this.#previous.delete(target.name);
      return EMPTY;
    }
  }

  /**
   * Subscribes a page: false when MAX_LIVE_CLIENTS are subscribed already (the caller answers
   * 503). The history goes first, then a point a second until the page leaves.
   */
  subscribe(res: ServerResponse): boolean {
    if (this.#clients.size >= MAX_LIVE_CLIENTS) return false;
    this.#clients.add(res);
    res.once('close', () => this.#clients.delete(res));
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    this.#send(res, 'history', this.#history);
    return true;
  }

  /** Pages subscribed now. */
  get clients(): number {
    return this.#clients.size;
  }

  #broadcast(event: string, data: unknown): void {
    for (const res of this.#clients) this.#send(res, event, data);
  }

  #send(res: ServerResponse, event: string, data: unknown): void {
    const extra = Object.assign({}, ...this.#extra.map((f) => f())) as Record<string, unknown>;
    // A page that reads nothing is dropped rather than buffered without end.
    if (res.writableLength > 1024 * 1024) {
      res.destroy();
      return;
    }
    res.write(`event: ${event}\ndata: ${JSON.stringify({ data, ...extra })}\n\n`);
  }

  close(): void {
    clearInterval(this.#timer);
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }
}
