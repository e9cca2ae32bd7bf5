import { runApiContract } from '@switchyard/contract';
import { startServer } from '../src/index.js';

// #region guide:contract
await runApiContract({
  name: 'express-api',
  start: ({ config, db }) => startServer({ config, db }),
});
// #endregion guide:contract
