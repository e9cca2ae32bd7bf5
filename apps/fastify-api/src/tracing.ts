import type { TracingOptions } from '@switchyard/runtime/tracing';

/**
 * @fastify/otel, registered on every Fastify instance as it is created (Fastify's
 * initialization diagnostics channel), so buildApp needs no tracing code: a request span and a
 * span per hook and handler, below the HTTP instrumentation's server span.
 */
export const fastifyInstrumentations: NonNullable<
  TracingOptions['instrumentations']
> = async () => {
  const { FastifyOtelInstrumentation } = await import('@fastify/otel');
  return [new FastifyOtelInstrumentation({ registerOnInitialization: true })];
};
