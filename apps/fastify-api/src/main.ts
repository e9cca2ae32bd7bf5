// Runs the Fastify API: `node --import tsx --conditions=@switchyard/source apps/fastify-api/src/main.ts`.
import { runMain } from './run.js';
import { startServer } from './server.js';

await runMain('@switchyard/fastify-api', startServer);
