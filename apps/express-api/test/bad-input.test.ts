import { runBadInputSuite } from '@switchyard/contract';
import { startServer } from '../src/index.js';

await runBadInputSuite({
  name: 'express-api',
  start: ({ config, db }) => startServer({ config, db }),
});
