import { runRateLimitSuite } from '@switchyard/contract';
import { startServer } from '../src/index.js';

await runRateLimitSuite({
  name: 'fastify-api',
  start: ({ config, db }) => startServer({ config, db }),
});
