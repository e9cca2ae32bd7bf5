import { apps } from '../src/apps.js';
import { runDrainSuite } from '../src/suites/drain.js';

for (const app of apps) runDrainSuite(app);
