import type { BlockingKind } from './schema.js';

/** Where each kind is replaced, from the repository root. */
export const GUIDE: Readonly<Record<BlockingKind, string>> = {
  'sync-crypto': 'docs/case-study.md#sync-crypto',
  'sync-io': 'docs/migration-guide.md#blocking-patterns',
  'await-in-loop': 'docs/case-study.md#fan-out',
  'buffered-proxy': 'docs/case-study.md#buffered-proxy',
  upgrade: 'docs/case-study.md#websocket',
  'dynamic-import': 'docs/case-study.md#registry',
};
