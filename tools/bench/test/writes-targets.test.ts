// Target 3's rows come from the Markdown that before-after.ts wrote: a change to its table that
// the parser no longer reads must fail here, not drop the targets from the report.
import { describe, expect, it } from 'vitest';
import { writesTargets } from '../src/scenarios/throughput.js';

const fragment = [
  '#### Before and after on v20.20.2',
  '',
  '| app | route | client | before req/s | after req/s | after ÷ before | p99 before | p99 after | client CPU (cores): before, after |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  '| express-api | POST /v1/bots/echo/messages | autocannon | 1,042 (596–1,063) | 2,378 (1,814–2,430) | 2.33× (2.24×–3.04×) | 173 ms | 89 ms | 0.077, 0.11 |',
  '| express-api | GET /v1/bots | wrk | 3,725 | 5,911 | 1.71× | 94 ms | 208 ms | 0.069, 0.14 |',
  '| fastify-api | POST /v1/bots/echo/messages | autocannon | 1,348 | 2,000 | 1.48× (1.4×–1.5×) | 118 ms | 48 ms | 0.085, 0.18 |',
].join('\n');

describe('writesTargets()', () => {
  it('reads one target per app from the POST rows, met at 2× and missed below', () => {
    expect(writesTargets(fragment).map((t) => [t.text, t.met, t.figure])).toEqual([
      [
        'Writes (PostgreSQL server, Node v20.20.2): express-api ≥ 2 × the req/s of ba4a861 (before issue 13)',
        true,
        '2.33× ("Writes before and after" below)',
      ],
      [
        'Writes (PostgreSQL server, Node v20.20.2): fastify-api ≥ 2 × the req/s of ba4a861 (before issue 13)',
        false,
        '1.48× ("Writes before and after" below)',
      ],
    ]);
  });

  it('reads nothing from a fragment without such a table', () => {
    expect(writesTargets('### PGlite\n\nText.')).toEqual([]);
  });
});
