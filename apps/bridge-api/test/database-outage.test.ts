import { runDatabaseOutageSuite } from '@switchyard/contract';
import { MOVED, startServer } from '../src/index.js';

await runDatabaseOutageSuite({
  name: 'bridge-api',
  start: ({ config, db }) => startServer({ config, db, moved: MOVED }),
});
