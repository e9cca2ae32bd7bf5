export { servePair, type RecipePair, type ServedPair, type Side } from './harness.js';
export { buildBareExpress, buildBareFastify } from './defaults/index.js';
