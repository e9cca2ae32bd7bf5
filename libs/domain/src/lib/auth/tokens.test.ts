import { describe, expect, it } from 'vitest';
import { bearerToken, hashToken, newSessionToken } from './tokens.js';

describe('session tokens', () => {
  it('makes URL-safe tokens of 256 bits that differ each time', () => {
    const a = newSessionToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSessionToken()).not.toBe(a);
  });

  it('hashes a token to its SHA-256 hex digest', () => {
    expect(hashToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('reads the token from a Bearer header, scheme in any case', () => {
    const token = newSessionToken();
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`bearer ${token}`)).toBe(token);
  });

  it('returns undefined for a missing, other-scheme or malformed header', () => {
    for (const header of [
      undefined,
      '',
      'Basic dXNlcjpwdw==',
      'Bearer',
      'Bearer short',
      'Bearer a b c d e f g h i j k l m n o p q r s t',
      `Bearer ${'x'.repeat(30)}\u0000`,
    ]) {
      expect(bearerToken(header)).toBeUndefined();
    }
  });
});
