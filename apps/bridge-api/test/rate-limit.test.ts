import { runRateLimitSuite } from '@switchyard/contract';
import { MOVED, startServer } from '../src/index.js';

// Sign-up and log-in are not in MOVED: their limits are express-api's, inside the bridge.
await runRateLimitSuite({
  name: 'bridge-api',
  start: ({ config, db }) => startServer({ config, db, moved: MOVED }),
});
