import { runLogSecrecySuite } from '@switchyard/contract';

runLogSecrecySuite({ name: 'bridge-api', main: 'apps/bridge-api/src/main.ts' });
