import { runUpstreamFaultSuite } from '@switchyard/contract';
import { startServer } from '../src/index.js';

runUpstreamFaultSuite(
  { name: 'fastify-api', start: ({ config, db }) => startServer({ config, db }) },
  { proxy: 'streamed', fanOut: 'concurrent' },
);
