// @switchyard/persistence: PostgreSQL through pg, or embedded PGlite, behind one Database; the
// migrations and the repositories the use cases call.
export * from './lib/db/index.js';
export * from './lib/repositories/index.js';
