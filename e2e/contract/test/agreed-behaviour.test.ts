import { runAgreedBehaviourSuite } from '../src/suites/agreed-behaviour.js';
import { apps } from '../src/apps.js';

for (const app of apps) await runAgreedBehaviourSuite(app);
