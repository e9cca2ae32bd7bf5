// The shadow worker when the bridge runs from its TypeScript sources (tsx, Vitest): a worker
// thread does not inherit the module runner that loaded its parent, so this registers tsx in it
// and then loads worker.ts. The build runs dist/shadow/worker.js directly. Not in production.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
