// The tracing preload: `node --import tsx --import ./src/instrument.ts src/main.ts` (the serve
// target). A preload and not main.ts's first import, because ES modules are all loaded before
// any of them runs: by the time main.ts's first import ran, fastify and pg would be loaded
// unpatched. Off (nothing loaded) unless the OTEL_* settings ask for traces
// (docs/observability.md#tracing).
import { startTracingFromEnv } from '@switchyard/runtime/tracing';
import { fastifyInstrumentations } from './tracing.js';

await startTracingFromEnv({
  serviceName: 'fastify-api',
  instrumentations: fastifyInstrumentations,
});
