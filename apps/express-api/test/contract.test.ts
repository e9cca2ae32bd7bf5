import { runApiContract } from '@switchyard/contract';
import { startServer } from '../src/index.js';

await runApiContract({
  name: 'express-api',
  start: ({ config, db }) => startServer({ config, db }),
});
