import { runBadInputSuite } from '@switchyard/contract';
import { startServer } from '../src/index.js';

await runBadInputSuite({
  name: 'fastify-api',
  start: ({ config, db }) => startServer({ config, db }),
});
