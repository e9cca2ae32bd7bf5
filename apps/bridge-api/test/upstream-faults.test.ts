import { runUpstreamFaultSuite } from '@switchyard/contract';
import { MOVED, startServer } from '../src/index.js';

// The bots are in MOVED (Fastify's concurrent fan-out); the proxy is not (Express's buffered one).
runUpstreamFaultSuite(
  { name: 'bridge-api', start: ({ config, db }) => startServer({ config, db, moved: MOVED }) },
  { proxy: 'buffered', fanOut: 'concurrent' },
);
