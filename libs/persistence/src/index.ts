// @switchyard/persistence: PostgreSQL through pg, or embedded PGlite, behind one Database; the
// migrations, the repositories the use cases call, and the session events between processes.
export * from './lib/db/index.js';
export * from './lib/repositories/index.js';
export * from './lib/sessions/index.js';
