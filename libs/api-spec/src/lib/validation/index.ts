export { RequestValidator, detailsOf } from './validator.js';
export type { RequestPart, Validate } from './validator.js';
