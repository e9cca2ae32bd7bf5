import { runDatabaseOutageSuite } from '@switchyard/contract';
import { startServer } from '../src/index.js';

await runDatabaseOutageSuite({
  name: 'express-api',
  start: ({ config, db }) => startServer({ config, db }),
});
