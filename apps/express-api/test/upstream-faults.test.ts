import { runUpstreamFaultSuite } from '@switchyard/contract';
import { startServer } from '../src/index.js';

runUpstreamFaultSuite(
  { name: 'express-api', start: ({ config, db }) => startServer({ config, db }) },
  { proxy: 'buffered', fanOut: 'serial' },
);
