export { Router } from './lib/router.js';
export type { Registrable, RouterOptions } from './lib/router.js';
export { RouterError, RouterErrorCode } from './lib/errors.js';
export { isValidKey } from './lib/key.js';
