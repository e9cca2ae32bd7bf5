import { runDatabaseOutageSuite } from '@switchyard/contract';
import { startServer } from '../src/index.js';

await runDatabaseOutageSuite({
  name: 'fastify-api',
  start: ({ config, db }) => startServer({ config, db }),
});
