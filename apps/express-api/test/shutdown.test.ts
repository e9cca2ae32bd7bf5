import { runShutdownSuite } from '@switchyard/contract';

await runShutdownSuite({ name: 'express-api', main: 'apps/express-api/src/main.ts' });
