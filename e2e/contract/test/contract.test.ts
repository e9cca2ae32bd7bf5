import { runApiContract } from '../src/index.js';
import { apps, bridgeNothingMoved } from '../src/apps.js';

// #region guide:contract
for (const app of apps) await runApiContract(app);
// #endregion guide:contract

// The bridge in its first state too: nothing moved, every group through @fastify/express.
await runApiContract(bridgeNothingMoved);
