import { runProxySafetySuite } from '@switchyard/contract';
import { startServer } from '../src/index.js';

await runProxySafetySuite({
  name: 'express-api',
  start: ({ config, db }) => startServer({ config, db }),
});
