// @switchyard/compare-page: the page npm start serves beside the two apps (tools/compare-page/README.md).
export { ensureBuilt, staleReason } from './server/build.js';
export { startComparePage } from './server/server.js';
export type { ComparePage, ComparePageOptions, ParityRow } from './server/server.js';
export type { AppControl, ScenarioApp, ScenarioResult } from './server/scenarios.js';
export type { MetricsTarget } from './server/live.js';
export * as limits from './server/limits.js';
