// The OTLP receiver's store: the apps export their spans here (OTLP over HTTP, JSON encoding,
// POST /v1/traces), and the page asks for the last ensemble request's trace of each app. Only
// what a waterfall needs is kept, at most MAX_SPANS spans, the oldest out first.
import { MAX_SPANS, MAX_WATERFALL_ROWS } from './limits.js';

export interface StoredSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** OTLP's SpanKind: 1 INTERNAL, 2 SERVER, 3 CLIENT (one more than the SDK's enum). */
  readonly kind: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly path: string | undefined;
  readonly url: string | undefined;
}

export interface WaterfallRow {
  readonly name: string;
  readonly kind: 'server' | 'client' | 'internal' | 'other';
  readonly depth: number;
  /** Nanoseconds from the request's SERVER span's start. */
  readonly startNs: number;
  readonly endNs: number;
  /** A call to a knowledge source (`/sources/`): the fan-out. */
  readonly upstream: boolean;
  readonly detail: string | undefined;
}

export interface Waterfall {
  readonly service: string;
  readonly traceId: string;
  readonly durationNs: number;
  readonly rows: readonly WaterfallRow[];
  /** Spans of the trace not shown (past MAX_WATERFALL_ROWS). */
  readonly hidden: number;
}

const ENSEMBLE_PATH = '/v1/bots/ensemble/messages';
const KINDS = { 1: 'internal', 2: 'server', 3: 'client' } as const;

type AnyValue = { stringValue?: unknown; intValue?: unknown };
type KeyValue = { key?: unknown; value?: AnyValue };

function attribute(attrs: unknown, ...keys: string[]): string | undefined {
  if (!Array.isArray(attrs)) return undefined;
  for (const key of keys) {
    const kv = (attrs as KeyValue[]).find((a) => a?.key === key);
    const v = kv?.value?.stringValue ?? kv?.value?.intValue;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return undefined;
}

/** OTLP/JSON writes 64-bit times as decimal strings; numbers are accepted too. */
function nanos(value: unknown): bigint | undefined {
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

const HEX = /^[0-9a-f]{8,32}$/i;

function pathOf(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

export class SpanStore {
  readonly #spans: StoredSpan[] = [];
  #version = 0;
  #dropped = 0;

  /** Changes whenever an ensemble request's SERVER span arrives: the page then asks again. */
  get version(): number {
    return this.#version;
  }

  get size(): number {
    return this.#spans.length;
  }

  /** Spans let go to keep MAX_SPANS. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Takes an ExportTraceServiceRequest in OTLP's JSON encoding. Spans it cannot read are left
   * out; the count of those kept is returned.
   */
  ingest(body: unknown): number {
    let kept = 0;
    const resourceSpans = (body as { resourceSpans?: unknown })?.resourceSpans;
    if (!Array.isArray(resourceSpans)) return 0;
    for (const rs of resourceSpans as Array<Record<string, unknown>>) {
      const resource = rs?.['resource'] as { attributes?: unknown } | undefined;
      const service = attribute(resource?.attributes, 'service.name') ?? 'unknown';
      const scopes = rs?.['scopeSpans'];
      if (!Array.isArray(scopes)) continue;
      for (const scope of scopes as Array<{ spans?: unknown }>) {
        if (!Array.isArray(scope?.spans)) continue;
        for (const s of scope.spans as Array<Record<string, unknown> | null>) {
          const span = this.#read(service, s);
          if (!span) continue;
          this.#spans.push(span);
          kept += 1;
          if (span.kind === 2 && span.path === ENSEMBLE_PATH) this.#version += 1;
        }
      }
    }
    const over = this.#spans.length - MAX_SPANS;
    if (over > 0) {
      this.#spans.splice(0, over);
      this.#dropped += over;
    }
    return kept;
  }

  #read(service: string, s: Record<string, unknown> | null): StoredSpan | undefined {
    if (!s || typeof s !== 'object') return undefined;
    const { traceId, spanId, parentSpanId, name, kind } = s;
    const start = nanos(s['startTimeUnixNano']);
    const end = nanos(s['endTimeUnixNano']);
    if (typeof traceId !== 'string' || !HEX.test(traceId)) return undefined;
    if (typeof spanId !== 'string' || !HEX.test(spanId)) return undefined;
    if (start === undefined || end === undefined || end < start) return undefined;
    return {
      service: service.slice(0, 64),
      traceId,
      spanId,
      parentSpanId:
        typeof parentSpanId === 'string' && HEX.test(parentSpanId) ? parentSpanId : undefined,
      name: typeof name === 'string' ? name.slice(0, 120) : '(unnamed)',
      kind: typeof kind === 'number' ? kind : 0,
      start,
      end,
      path: attribute(s['attributes'], 'url.path', 'http.target')?.split('?')[0]?.slice(0, 200),
      url: attribute(s['attributes'], 'url.full', 'http.url')?.slice(0, 300),
    };
  }

  /** The trace of `service`'s last ensemble request (the SERVER span that ended last). */
  lastEnsemble(service: string): Waterfall | undefined {
    let root: StoredSpan | undefined;
    for (const s of this.#spans) {
      if (s.service !== service || s.kind !== 2 || s.path !== ENSEMBLE_PATH) continue;
      if (!root || s.end > root.end) root = s;
    }
    if (!root) return undefined;
    const trace = this.#spans.filter((s) => s.traceId === root.traceId && s.service === service);
    const children = new Map<string, StoredSpan[]>();
    for (const s of trace) {
      if (s === root || !s.parentSpanId) continue;
      const list = children.get(s.parentSpanId) ?? [];
      list.push(s);
      children.set(s.parentSpanId, list);
    }
    const rows: WaterfallRow[] = [];
    let hidden = 0;
    // Depth first, each span's children in the order they started.
    const visit = (span: StoredSpan, depth: number) => {
      if (rows.length >= MAX_WATERFALL_ROWS) hidden += 1;
      else {
        const upstream = span.kind === 3 && (span.url ?? '').includes('/sources/');
        rows.push({
          name: span.name,
          kind: KINDS[span.kind as 1 | 2 | 3] ?? 'other',
          depth,
          startNs: Number(span.start - root.start),
          endNs: Number(span.end - root.start),
          upstream,
          detail: span.kind === 3 && span.url ? pathOf(span.url) : span.path,
        });
      }
      const next = (children.get(span.spanId) ?? []).sort((a, b) => (a.start < b.start ? -1 : 1));
      for (const c of next) visit(c, depth + 1);
    };
    visit(root, 0);
    return {
      service,
      traceId: root.traceId,
      durationNs: Number(root.end - root.start),
      rows,
      hidden,
    };
  }
}
