import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalog } from '@switchyard/api-spec';
import { RouterErrorCode } from '@switchyard/router';
import { UpstreamErrorCode, upstreamErrorStatus } from '@switchyard/testing';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

/**
 * Rows of the tables in docs/errors.md: `| \`CODE\` | status | when |`, or `| \`CODE\` | when |`
 * for codes that are thrown, never answered, and so have no status (the router's).
 */
const documented = new Map(
  [...doc.matchAll(/^\|\s*`(SWY_ERR_[A-Z_]+)`\s*\|\s*(?:(\d{3})\s*\|)?/gm)].map((m) => [
    m[1]!,
    m[2] === undefined ? null : Number(m[2]),
  ]),
);

/** Code → HTTP status, or null for a code that carries none. */
const catalogues: Record<string, Record<string, number | null>> = {
  'the API (@switchyard/api-spec errorCatalog)': Object.fromEntries(
    Object.entries(errorCatalog).map(([code, { status }]) => [code, status]),
  ),
  'the router (@switchyard/router)': Object.fromEntries(
    Object.values(RouterErrorCode).map((code) => [code, null]),
  ),
  'the upstream stand-in (@switchyard/testing)': Object.fromEntries(
    Object.values(UpstreamErrorCode).map((code) => [code, upstreamErrorStatus[code]]),
  ),
};

describe('docs/errors.md', () => {
  it.each(Object.entries(catalogues))(
    'documents every code of %s, with its HTTP status where it has one',
    (_name, codes) => {
      for (const [code, status] of Object.entries(codes)) {
        expect({ code, status: documented.get(code) }).toEqual({ code, status });
      }
    },
  );

  it('documents no code that the code base does not define', () => {
    const known = new Set(Object.values(catalogues).flatMap((codes) => Object.keys(codes)));
    expect([...documented.keys()].filter((code) => !known.has(code))).toEqual([]);
  });

  it('never gives two catalogues the same code', () => {
    const all = Object.values(catalogues).flatMap((codes) => Object.keys(codes));
    expect(all.length).toBe(new Set(all).size);
  });
});
