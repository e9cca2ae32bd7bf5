// The tracing preload: `node --import tsx --import ./src/instrument.ts src/main.ts` (the serve
// target). A preload and not main.ts's first import, because ES modules are all loaded before
// any of them runs: by the time main.ts's first import ran, express and pg would be loaded
// unpatched. Off (nothing loaded) unless the OTEL_* settings ask for traces
// (docs/observability.md#tracing).
import { startTracingFromEnv } from '@switchyard/runtime/tracing';

await startTracingFromEnv({
  serviceName: 'express-api',
  instrumentations: async () => {
    const { ExpressInstrumentation } = await import('@opentelemetry/instrumentation-express');
    return [new ExpressInstrumentation()];
  },
});
