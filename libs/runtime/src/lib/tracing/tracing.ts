// OpenTelemetry tracing for an app's process (docs/observability.md#tracing). Only type imports
// at the top: with tracing off (the default) the preload that calls startTracing loads nothing
// of the SDK.
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { NodeSDK, tracing } from '@opentelemetry/sdk-node';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Whether the standard OTEL_* settings ask for traces: an OTEL_TRACES_EXPORTER other than
 * `none`, or an OTLP endpoint. Off by default, and OTEL_SDK_DISABLED=true wins over both.
 */
export function tracingRequested(env: Env = process.env): boolean {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return false;
  const exporters = (env['OTEL_TRACES_EXPORTER'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (exporters.length > 0) return exporters.some((name) => name !== 'none');
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
}

/**
 * The CommonJS packages the apps' ES modules import directly: import-in-the-middle wraps these
 * and no other module, so that the instrumentations see them however they are loaded.
 */
const ESM_HOOKED = ['express', 'pg', 'fastify', 'http', 'https', 'node:http', 'node:https'];

export interface TracingOptions {
  /** `service.name` of every span, unless OTEL_SERVICE_NAME says otherwise. */
  readonly serviceName: string;
  /** The app's own: Express's or @fastify/otel. HTTP, undici (fetch too) and pg are added here. */
  readonly instrumentations?: () => Promise<Instrumentation[]>;
  /**
   * Where spans go. Unset: the exporter the OTEL_* settings name (OTLP by default). Tests pass an
   * in-memory exporter behind a SimpleSpanProcessor.
   */
  readonly spanProcessors?: tracing.SpanProcessor[];
  /**
   * Register import-in-the-middle's loader hook (a process's preload does; a test whose module
   * runner loads the packages itself does not need it). Default true.
   */
  readonly esmHooks?: boolean;
}

export interface Tracing {
  /** Flushes the spans still buffered and stops the SDK. */
  shutdown(): Promise<void>;
}

/**
 * Starts the Node SDK with the instrumentations. Must run before the instrumented packages are
 * loaded: they are patched as they are imported, so the apps call it from a `--import` preload.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (options.esmHooks ?? true) {
    const { register } = await import('node:module');
    register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
      data: { include: ESM_HOOKED },
    });
  }
  const [{ NodeSDK }, { HttpInstrumentation }, { UndiciInstrumentation }, { PgInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-undici'),
      import('@opentelemetry/instrumentation-pg'),
    ]);
  const own = (await options.instrumentations?.()) ?? [];
  const sdk: NodeSDK = new NodeSDK({
    serviceName: process.env['OTEL_SERVICE_NAME'] ?? options.serviceName,
    instrumentations: [
      new HttpInstrumentation(),
      new UndiciInstrumentation(),
      // requireParentSpan: a query outside any request (start-up, migrations) is not a trace.
      new PgInstrumentation({ requireParentSpan: true }),
      ...own,
    ],
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
    // Traces only: the SDK would also export metrics and logs over OTLP when their own
    // OTEL_*_EXPORTER is unset. Metrics are Prometheus's (METRICS_PORT) and the logs pino's;
    // setting OTEL_METRICS_EXPORTER or OTEL_LOGS_EXPORTER still turns the SDK's on.
    ...(process.env['OTEL_METRICS_EXPORTER'] ? {} : { metricReaders: [] }),
    ...(process.env['OTEL_LOGS_EXPORTER'] ? {} : { logRecordProcessors: [] }),
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/**
 * A preload's whole work: tracing when the OTEL_* settings ask for it, else nothing. The SDK
 * flushes on SIGTERM/SIGINT through the process's own exit (beforeExit is not reached on a
 * signal), so the apps' shutdown ends with the spans sent.
 */
export async function startTracingFromEnv(
  options: Omit<TracingOptions, 'spanProcessors'>,
): Promise<Tracing | undefined> {
  if (!tracingRequested()) return undefined;
  const started = await startTracing(options);
  tracingStarted = started;
  return started;
}

let tracingStarted: Tracing | undefined;

/** The tracing a preload started, for the main's shutdown to flush; undefined when off. */
export function activeTracing(): Tracing | undefined {
  return tracingStarted;
}
