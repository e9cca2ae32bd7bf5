import { runLogSecrecySuite } from '@switchyard/contract';

runLogSecrecySuite({ name: 'express-api', main: 'apps/express-api/src/main.ts' });
