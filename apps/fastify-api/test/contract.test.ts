import { runApiContract } from '@switchyard/contract';
import { startServer } from '../src/index.js';

await runApiContract({
  name: 'fastify-api',
  start: ({ config, db }) => startServer({ config, db }),
});
