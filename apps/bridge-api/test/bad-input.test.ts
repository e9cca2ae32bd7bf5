// The bad-input table against the bridge with the groups MOVED lists served natively.
import { runBadInputSuite } from '@switchyard/contract';
import { MOVED, startServer } from '../src/index.js';

await runBadInputSuite({
  name: 'bridge-api',
  start: ({ config, db }) => startServer({ config, db, moved: MOVED }),
});
