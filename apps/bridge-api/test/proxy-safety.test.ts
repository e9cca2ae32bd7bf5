import { runProxySafetySuite } from '@switchyard/contract';
import { MOVED, startServer } from '../src/index.js';

// The proxy is not in MOVED: express-api's buffered proxy, inside the bridge.
await runProxySafetySuite({
  name: 'bridge-api',
  start: ({ config, db }) => startServer({ config, db, moved: MOVED }),
});
