import { runStartupSuite } from '../src/index.js';
import { apps } from '../src/apps.js';

for (const app of apps) await runStartupSuite(app);
