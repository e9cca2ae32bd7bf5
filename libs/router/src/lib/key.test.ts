import { describe, expect, it } from 'vitest';
import { RouterErrorCode } from './errors.js';
import { SEPARATOR, isValidPart, joinKey, lookupKey } from './key.js';

describe('SEPARATOR', () => {
  it('is "/"', () => {
    expect(SEPARATOR).toBe('/');
  });
});

describe('isValidPart', () => {
  it.each(['a', 'Z', '0', 'faq', 'Faq2', 'a.b', 'a_b', 'a-b', 'a'.repeat(64)])(
    'accepts %j',
    (part) => {
      expect(isValidPart(part)).toBe(true);
    },
  );

  it.each([
    '',
    ' ',
    'a b',
    'a/b',
    '.a',
    'a_',
    '-',
    'a'.repeat(65),
    'é',
    'a?',
    'a%20',
    'a\n',
    '\na',
  ])('rejects %j', (part) => {
    expect(isValidPart(part)).toBe(false);
  });
});

describe('joinKey', () => {
  it('returns a valid string key as it is, composite or not', () => {
    expect(joinKey('faq')).toBe('faq');
    expect(joinKey('support/faq')).toBe('support/faq');
  });

  it('joins the parts of an array key with "/"', () => {
    expect(joinKey(['support', 'billing', 'faq'])).toBe('support/billing/faq');
    expect(joinKey(['faq'])).toBe('faq');
  });

  it('throws SWY_ERR_ROUTER_INVALID_KEY for an empty array, without a key', () => {
    expect(() => joinKey([])).toThrow(
      expect.objectContaining({ code: RouterErrorCode.INVALID_KEY, key: undefined }),
    );
  });

  it('throws SWY_ERR_ROUTER_INVALID_KEY naming the malformed part and the whole key', () => {
    expect(() => joinKey(['support', 'faq bot'])).toThrow(
      expect.objectContaining({
        code: RouterErrorCode.INVALID_KEY,
        key: 'support/faq bot',
        message: expect.stringContaining('invalid key part "faq bot" in ["support","faq bot"]'),
      }),
    );
    expect(() => joinKey('support//faq')).toThrow(
      expect.objectContaining({ code: RouterErrorCode.INVALID_KEY, key: 'support//faq' }),
    );
  });

  it('throws SWY_ERR_ROUTER_INVALID_KEY for a part that is not a string', () => {
    expect(() => joinKey(['support', null as unknown as string])).toThrow(
      expect.objectContaining({ code: RouterErrorCode.INVALID_KEY }),
    );
  });
});

describe('lookupKey', () => {
  it('joins a well-formed key the way joinKey does', () => {
    expect(lookupKey(['support', 'faq'])).toBe(joinKey(['support', 'faq']));
    expect(lookupKey('support/faq')).toBe('support/faq');
  });

  it.each([[''], ['a b'], ['a//b'], [['a/b']], [[]], [[7 as unknown as string]]])(
    'returns undefined for %j instead of throwing',
    (key) => {
      expect(lookupKey(key)).toBeUndefined();
    },
  );
});

describe('keys from plain JavaScript', () => {
  it.each([42, null, undefined, { a: 1 }])(
    'treats %s as an absent key on lookup and an invalid one on join',
    (key) => {
      expect(lookupKey(key as never)).toBeUndefined();
      expect(() => joinKey(key as never)).toThrow(
        expect.objectContaining({ code: 'SWY_ERR_ROUTER_INVALID_KEY' }),
      );
    },
  );
});
