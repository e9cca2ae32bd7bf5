import { describe, expect, it } from 'vitest';
import {
  inFreeformClass,
  inIdentifierClass,
  opaqueString,
  usernameCaseMapped,
  usernameCasePreserved,
} from './precis.js';
import { isCommonPassword } from './common-passwords.js';

const value = (result: ReturnType<typeof opaqueString>) => (result.ok ? result.value : undefined);

describe('IdentifierClass and FreeformClass (RFC 8264)', () => {
  it('takes letters, digits, combining marks and printable ASCII in both', () => {
    for (const c of ['a', 'Z', '7', '_', '~', '\u00e9', '\u05d0', '\u0301', '\u00df']) {
      expect(inIdentifierClass(c), c).toBe(true);
      expect(inFreeformClass(c), c).toBe(true);
    }
  });

  it('refuses compatibility forms, spaces, symbols and non-ASCII punctuation in identifiers only', () => {
    // U+212A KELVIN SIGN decomposes to K; U+FB01 is the fi ligature; U+2460 a circled digit.
    for (const c of [
      '\u212a',
      '\ufb01',
      '\u2460',
      ' ',
      '\u00a0',
      '\u20ac',
      '\u2014',
      '\u{1f600}',
    ]) {
      expect(inIdentifierClass(c), c).toBe(false);
      expect(inFreeformClass(c), c).toBe(true);
    }
  });

  it('refuses controls, ignorables, joiners, unassigned code points and old jamo in both', () => {
    for (const c of [
      '\u0000',
      '\u001f',
      '\u007f',
      '\u0085',
      '\u00ad',
      '\u200d',
      '\u200b',
      '\ufe0f',
      '\ufdd0',
      '\u{10ffff}',
      '\u0378',
      '\u1100',
      '\ue000',
    ]) {
      expect(inIdentifierClass(c), c).toBe(false);
      expect(inFreeformClass(c), c).toBe(false);
    }
  });

  it('follows the exceptions table: U+00DF is valid, U+0640 and context-only U+00B7 are not', () => {
    expect(inIdentifierClass('\u00df')).toBe(true);
    expect(inIdentifierClass('\u0640')).toBe(false);
    expect(inFreeformClass('\u00b7')).toBe(false);
  });
});

describe('UsernameCaseMapped and UsernameCasePreserved (RFC 8265 section 3)', () => {
  it('maps fullwidth forms to ASCII, then lower-cases for comparison', () => {
    expect(value(usernameCaseMapped('\uff21\uff4c\uff49\uff43\uff45-1'))).toBe('alice-1');
    expect(value(usernameCasePreserved('\uff21\uff4c\uff49\uff43\uff45-1'))).toBe('Alice-1');
    expect(value(usernameCaseMapped('Alice'))).toBe('alice');
  });

  it('refuses the Kelvin sign instead of folding it to k', () => {
    const result = usernameCaseMapped('\u212aelvin');
    expect(result).toEqual({ ok: false, reason: 'must not contain the character U+212A' });
  });

  it('composes to NFC, so the decomposed and composed forms compare equal', () => {
    expect(value(usernameCaseMapped('Jose\u0301'))).toBe('jos\u00e9');
  });

  it('refuses spaces, emoji, NUL and the empty string', () => {
    for (const name of ['a b', '\u{1f600}', 'a\u0000b', ''])
      expect(usernameCaseMapped(name).ok, name).toBe(false);
  });
});

describe('OpaqueString (RFC 8265 section 4)', () => {
  it('maps non-ASCII spaces to U+0020 and composes to NFC, keeping case and width', () => {
    expect(value(opaqueString('Caf\u0065\u0301\u3000\u00a0X\uff21'))).toBe('Caf\u00e9  X\uff21');
  });

  it('keeps symbols, punctuation and emoji without variation selectors', () => {
    expect(value(opaqueString('\u{1f510}\u{1f511} \u2014 \u20ac!'))).toBe(
      '\u{1f510}\u{1f511} \u2014 \u20ac!',
    );
  });

  it('refuses controls (NUL, tab), variation selectors and the empty string', () => {
    for (const pw of ['pass\u0000word', 'tab\there', '\u{1f6e1}\ufe0f shield', '']) {
      expect(opaqueString(pw).ok, JSON.stringify(pw)).toBe(false);
    }
  });
});

describe('the common-password list', () => {
  it('knows leaked passwords in any letter case, and not a generated one', () => {
    expect(isCommonPassword('password123')).toBe(true);
    expect(isCommonPassword('QWERTYUIOP')).toBe(true);
    expect(isCommonPassword('correct horse battery')).toBe(false);
    expect(isCommonPassword('hunter2 in a long phrase')).toBe(false);
  });
});
