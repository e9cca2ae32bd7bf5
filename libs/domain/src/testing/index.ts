// Test support for this repo's suites and for services that reuse @switchyard/domain.
export { TEST_DATABASE_URL, databaseTargets } from './databases.js';
export type { DatabaseTarget } from './databases.js';
