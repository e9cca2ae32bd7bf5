import { describe, expect, it } from 'vitest';
import { runApiContract } from '../src/index.js';
import { apps, bridgeNothingMoved } from '../src/apps.js';

// #region guide:contract
for (const app of apps) await runApiContract(app);
// #endregion guide:contract

// The bridge in its first state too: nothing moved, every group through @fastify/express, with
// shadow traffic on: the contract passes while every read of bots and conversations also runs
// through Fastify's routes, and the two sides agreed on each.
const nothingMoved = bridgeNothingMoved();
await runApiContract(nothingMoved);
describe(`${nothingMoved.name}: the shadow over the whole run`, () => {
  it('compared reads and found no mismatch and no shadow error', () => {
    const totals = { matches: 0, mismatches: 0, dropped: 0, errors: 0 };
    for (const snapshot of nothingMoved.snapshots) {
      for (const counts of Object.values(snapshot.routes)) {
        for (const key of Object.keys(totals) as (keyof typeof totals)[])
          totals[key] += counts[key];
      }
    }
    // 20 reads per database target in the contract today (40 with the PostgreSQL server).
    expect(totals.matches, JSON.stringify(totals)).toBeGreaterThanOrEqual(20);
    expect({ mismatches: totals.mismatches, errors: totals.errors }).toEqual({
      mismatches: 0,
      errors: 0,
    });
  });
});
