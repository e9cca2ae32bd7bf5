import { runLogSecrecySuite } from '@switchyard/contract';

runLogSecrecySuite({ name: 'fastify-api', main: 'apps/fastify-api/src/main.ts' });
