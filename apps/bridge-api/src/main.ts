// Runs the bridge: `node --import tsx --conditions=@switchyard/source apps/bridge-api/src/main.ts`.
import { runMain } from '@switchyard/fastify-api';
import { startServer } from './server.js';

await runMain('@switchyard/bridge-api', startServer);
