import { runSecurityHeadersSuite } from '@switchyard/contract';
import { startServer } from '../src/index.js';

runSecurityHeadersSuite({
  name: 'fastify-api',
  start: ({ config, db }) => startServer({ config, db }),
});
