import { runShutdownSuite } from '@switchyard/contract';

await runShutdownSuite({ name: 'bridge-api', main: 'apps/bridge-api/src/main.ts' });
