// Reading finished OpenTelemetry spans (an InMemorySpanExporter's) for the apps' tracing tests,
// by structure only: parent and child, which started before which ended. Structural types, so
// that this library needs none of the SDK.

/** `[seconds, nanoseconds]`, OpenTelemetry's HrTime. */
export type HrTime = readonly [number, number];

export interface FinishedSpan {
  readonly name: string;
  /** SpanKind: 1 SERVER, 2 CLIENT. */
  readonly kind: number;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly attributes: Readonly<Record<string, unknown>>;
  spanContext(): { readonly traceId: string; readonly spanId: string };
  readonly parentSpanContext?: { readonly spanId: string } | undefined;
}

const SERVER = 1;
const CLIENT = 2;

const nanos = (t: HrTime): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

/** The client spans of calls whose URL contains `fragment`, in the order they started. */
export function clientSpansTo<S extends FinishedSpan>(spans: readonly S[], fragment: string): S[] {
  return spans
    .filter((s) => s.kind === CLIENT && String(s.attributes['url.full'] ?? '').includes(fragment))
    .sort((a, b) => (nanos(a.startTime) < nanos(b.startTime) ? -1 : 1));
}

/** The server span of the app's request to `path` (the stand-in's own server spans excluded). */
export function serverSpanOf<S extends FinishedSpan>(spans: readonly S[], path: string): S[] {
  return spans.filter((s) => s.kind === SERVER && s.attributes['url.path'] === path);
}

/** Each span started after the one before it ended. */
export function oneAfterAnother(spans: readonly FinishedSpan[]): boolean {
  return spans.every((s, i) => i === 0 || nanos(s.startTime) >= nanos(spans[i - 1]!.endTime));
}

/** Every span started before any of them ended: all were in flight at once. */
export function allAtOnce(spans: readonly FinishedSpan[]): boolean {
  const lastStart = spans.reduce((m, s) => (nanos(s.startTime) > m ? nanos(s.startTime) : m), 0n);
  return spans.every((s) => nanos(s.endTime) > lastStart);
}

/** Whether `ancestor` is `span`'s parent, or its parent's, and so on, within `spans`. */
export function descendsFrom(
  span: FinishedSpan,
  ancestor: FinishedSpan,
  spans: readonly FinishedSpan[],
): boolean {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const target = ancestor.spanContext().spanId;
  for (let parent = span.parentSpanContext?.spanId; parent;) {
    if (parent === target) return true;
    parent = byId.get(parent)?.parentSpanContext?.spanId;
  }
  return false;
}
