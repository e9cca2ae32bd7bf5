// @switchyard/api-spec: the wire contract both apps serve. The error catalog and envelope, the
// TypeBox schemas, the route table and its groups, the OpenAPI document and the request validator.
export * from './lib/errors/index.js';
export * from './lib/schemas/index.js';
export * from './lib/api/index.js';
export * from './lib/validation/index.js';
