export { ILL_FORMED, RequestValidator, detailsOf } from './validator.js';
export { illFormedPaths, isWellFormed } from './well-formed.js';
export type { RequestPart, Validate } from './validator.js';
