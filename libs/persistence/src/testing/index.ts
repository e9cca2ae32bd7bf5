// Test support for this repo's suites and for services that reuse @switchyard/persistence.
export { TEST_DATABASE_URL, createServerDatabase, databaseTargets } from './databases.js';
export type { DatabaseTarget, ServerDatabase } from './databases.js';
export { buildAccount } from './factories.js';
