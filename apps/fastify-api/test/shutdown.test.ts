import { runShutdownSuite } from '@switchyard/contract';

await runShutdownSuite({ name: 'fastify-api', main: 'apps/fastify-api/src/main.ts' });
