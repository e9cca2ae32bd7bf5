export { Router } from './lib/router.js';
export type { IncludeOptions, Registrable, RouterOptions } from './lib/router.js';
export { RouterError, RouterErrorCode, routerErrorStatus } from './lib/errors.js';
export { SEPARATOR, isValidPart, joinKey } from './lib/key.js';
export type { Key } from './lib/key.js';
