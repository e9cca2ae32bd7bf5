export type { Feature } from './lib/feature.js';
export { FEATURES, featureById } from './lib/features.js';
export { renderMap } from './lib/render.js';
