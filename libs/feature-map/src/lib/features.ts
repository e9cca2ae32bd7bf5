import type { Feature } from './feature.js';
import { bodies } from './rows/bodies.js';
import { bridge } from './rows/bridge.js';
import { express4 } from './rows/express4.js';
import { routing } from './rows/routing.js';
import { security } from './rows/security.js';
import { validation } from './rows/validation.js';

/** Every row, in the order the guide's table shows them: by group, then as each group lists. */
export const FEATURES: readonly Feature[] = [
  ...routing,
  ...bodies,
  ...security,
  ...validation,
  ...express4,
  ...bridge,
];

/** The row with that id; throws for an unknown one. */
export function featureById(id: string): Feature {
  const feature = FEATURES.find((f) => f.id === id);
  if (!feature) throw new Error(`no feature-map row with id ${JSON.stringify(id)}`);
  return feature;
}
