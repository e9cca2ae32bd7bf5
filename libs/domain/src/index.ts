// @switchyard/domain: the core. Use cases, bots and the ports they call (password hashing, the
// upstream client); no HTTP, no process, no database driver.
export * from './lib/auth/index.js';
export * from './lib/upstream/index.js';
export * from './lib/bots/index.js';
export * from './lib/use-cases/index.js';
