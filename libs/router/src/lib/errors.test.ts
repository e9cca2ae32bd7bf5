import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RouterError, RouterErrorCode } from './errors.js';

const codes = Object.values(RouterErrorCode);

describe('RouterErrorCode', () => {
  it('has distinct codes, each shaped SWY_ERR_ROUTER_<PROBLEM> with the problem as its key', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const [problem, code] of Object.entries(RouterErrorCode)) {
      expect(code).toBe(`SWY_ERR_ROUTER_${problem}`);
    }
  });
});

describe('RouterError', () => {
  it('is an Error carrying the code and the key, and no HTTP status', () => {
    const error = new RouterError(RouterErrorCode.UNKNOWN_KEY, 'bots: nothing under "faq"', 'faq');

    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(RouterError);
    expect(error.name).toBe('RouterError');
    expect(error.message).toBe('bots: nothing under "faq"');
    expect(error.code).toBe('SWY_ERR_ROUTER_UNKNOWN_KEY');
    expect(error).not.toHaveProperty('status');
    expect(error.key).toBe('faq');
  });

  it('leaves the key undefined when none is given', () => {
    expect(new RouterError(RouterErrorCode.INCLUDE_CYCLE, 'cycle').key).toBeUndefined();
  });
});

describe('README error table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it.each(codes)('documents %s', (code) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${code}\` +\\| `, 'm'));
  });
});
