// The contract suite in two states of the migration: nothing moved (every group served by
// express-api's routers through @fastify/express) and the groups MOVED lists served natively.
import { runApiContract } from '@switchyard/contract';
import { MOVED, startServer } from '../src/index.js';

await runApiContract({
  name: 'bridge-api (nothing moved)',
  start: ({ config, db }) => startServer({ config, db, moved: [] }),
});

await runApiContract({
  name: `bridge-api (moved: ${MOVED.join(', ')})`,
  start: ({ config, db }) => startServer({ config, db, moved: MOVED }),
});
