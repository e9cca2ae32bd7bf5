import { describe, expect, it } from 'vitest';
import { RouterErrorCode } from './errors.js';
import { checkKey, isValidKey } from './key.js';

describe('isValidKey', () => {
  it.each(['a', 'Z', '0', 'faq', 'Faq2', 'a.b', 'a_b', 'a-b', 'a'.repeat(64)])(
    'accepts %j',
    (key) => {
      expect(isValidKey(key)).toBe(true);
    },
  );

  it.each([
    '',
    ' ',
    'a b',
    'a/b',
    '/a',
    '.a',
    'a_',
    '-',
    'a'.repeat(65),
    'é',
    'a?',
    'a%20',
    'a\n',
    '\na',
  ])('rejects %j', (key) => {
    expect(isValidKey(key)).toBe(false);
  });

  it.each([42, null, undefined, ['faq'], { a: 1 }])(
    'rejects %j from plain JavaScript instead of throwing',
    (key) => {
      expect(isValidKey(key as never)).toBe(false);
    },
  );
});

describe('checkKey', () => {
  it('returns a valid key as it is', () => {
    expect(checkKey('faq')).toBe('faq');
  });

  it('throws SWY_ERR_ROUTER_INVALID_KEY naming the malformed key', () => {
    expect(() => checkKey('faq bot')).toThrow(
      expect.objectContaining({
        code: RouterErrorCode.INVALID_KEY,
        key: 'faq bot',
        message: expect.stringContaining('invalid key "faq bot"'),
      }),
    );
  });

  it('throws SWY_ERR_ROUTER_INVALID_KEY for a key with a "/": a key is one URL path segment', () => {
    expect(() => checkKey('support/faq')).toThrow(
      expect.objectContaining({ code: RouterErrorCode.INVALID_KEY, key: 'support/faq' }),
    );
  });

  it('throws SWY_ERR_ROUTER_INVALID_KEY without a key for a value that is no string', () => {
    expect(() => checkKey(['faq'] as never)).toThrow(
      expect.objectContaining({ code: RouterErrorCode.INVALID_KEY, key: undefined }),
    );
  });
});
