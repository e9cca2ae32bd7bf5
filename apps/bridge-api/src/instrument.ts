// The tracing preload, as fastify-api's (apps/fastify-api/src/instrument.ts): Fastify's
// instrumentation for the moved groups and Express's for the routers it still mounts.
import { startTracingFromEnv } from '@switchyard/runtime/tracing';

await startTracingFromEnv({
  serviceName: 'bridge-api',
  instrumentations: async () => {
    const [{ FastifyOtelInstrumentation }, { ExpressInstrumentation }] = await Promise.all([
      import('@fastify/otel'),
      import('@opentelemetry/instrumentation-express'),
    ]);
    return [
      new FastifyOtelInstrumentation({ registerOnInitialization: true }),
      new ExpressInstrumentation(),
    ];
  },
});
