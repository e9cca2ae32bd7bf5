import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RouterError, RouterErrorCode, routerErrorStatus } from './errors.js';

const codes = Object.values(RouterErrorCode);

describe('RouterErrorCode', () => {
  it('has distinct codes, each shaped SWY_ERR_ROUTER_<PROBLEM> with the problem as its key', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const [problem, code] of Object.entries(RouterErrorCode)) {
      expect(code).toBe(`SWY_ERR_ROUTER_${problem}`);
    }
  });
});

describe('routerErrorStatus', () => {
  it('answers 404 for an unknown key and 500 for the programming errors', () => {
    expect(routerErrorStatus).toEqual({
      SWY_ERR_ROUTER_DUPLICATE_KEY: 500,
      SWY_ERR_ROUTER_INVALID_KEY: 500,
      SWY_ERR_ROUTER_INCLUDE_CYCLE: 500,
      SWY_ERR_ROUTER_UNKNOWN_KEY: 404,
    });
  });
});

describe('RouterError', () => {
  it('is an Error carrying the code, the status for that code, and the key', () => {
    const error = new RouterError(RouterErrorCode.UNKNOWN_KEY, 'bots: nothing under "faq"', 'faq');

    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(RouterError);
    expect(error.name).toBe('RouterError');
    expect(error.message).toBe('bots: nothing under "faq"');
    expect(error.code).toBe('SWY_ERR_ROUTER_UNKNOWN_KEY');
    expect(error.status).toBe(404);
    expect(error.key).toBe('faq');
  });

  it('leaves the key undefined when none is given', () => {
    expect(new RouterError(RouterErrorCode.INCLUDE_CYCLE, 'cycle').key).toBeUndefined();
  });

  it.each(codes)('takes its status from routerErrorStatus for %s', (code) => {
    expect(new RouterError(code, 'message').status).toBe(routerErrorStatus[code]);
  });
});

describe('README error table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it.each(codes)('documents %s with its status', (code) => {
    expect(readme).toMatch(
      new RegExp(`^\\| \`${code}\` +\\| ${routerErrorStatus[code]} +\\|`, 'm'),
    );
  });
});
