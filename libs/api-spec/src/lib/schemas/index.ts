export * from './common.schema.js';
export * from './accounts.schema.js';
export * from './bots.schema.js';
export * from './conversations.schema.js';
export * from './stream.schema.js';
