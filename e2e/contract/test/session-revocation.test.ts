import { runSessionRevocationSuite } from '../src/index.js';
import { apps } from '../src/apps.js';

for (const app of apps) await runSessionRevocationSuite(app);
