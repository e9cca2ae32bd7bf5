import type { AppProcess } from '@switchyard/testing';

/** The apps the environment can run, by name: their main.ts, as the e2e suites run them. */
export const SCALABLE_APPS = {
  'express-api': { name: 'express-api', main: 'apps/express-api/src/main.ts' },
  'fastify-api': { name: 'fastify-api', main: 'apps/fastify-api/src/main.ts' },
  'bridge-api': { name: 'bridge-api', main: 'apps/bridge-api/src/main.ts' },
} as const satisfies Record<string, AppProcess>;

export type ScalableAppName = keyof typeof SCALABLE_APPS;

export function isScalableApp(name: string): name is ScalableAppName {
  return Object.hasOwn(SCALABLE_APPS, name);
}
