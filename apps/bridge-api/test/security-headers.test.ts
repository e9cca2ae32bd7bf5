import { runSecurityHeadersSuite } from '@switchyard/contract';
import { MOVED, startServer } from '../src/index.js';

runSecurityHeadersSuite({
  name: 'bridge-api',
  start: ({ config, db }) => startServer({ config, db, moved: MOVED }),
});
