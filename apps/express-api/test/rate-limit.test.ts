import { runRateLimitSuite } from '@switchyard/contract';
import { startServer } from '../src/index.js';

await runRateLimitSuite({
  name: 'express-api',
  start: ({ config, db }) => startServer({ config, db }),
});
