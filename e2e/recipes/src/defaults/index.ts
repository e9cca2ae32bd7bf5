export { buildBareExpress } from './express.js';
export { buildBareFastify } from './fastify.js';
