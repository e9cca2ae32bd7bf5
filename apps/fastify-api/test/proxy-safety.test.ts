import { runProxySafetySuite } from '@switchyard/contract';
import { startServer } from '../src/index.js';

await runProxySafetySuite({
  name: 'fastify-api',
  start: ({ config, db }) => startServer({ config, db }),
});
