import { describe, expect, it } from 'vitest';
import {
  SCRYPT_PARAMS,
  hashPassword,
  hashPasswordSync,
  verifyPassword,
  verifyPasswordSync,
} from './password.js';

describe('password hashing', () => {
  it('stores the scrypt parameters, a salt and the key in the hash', () => {
    const stored = hashPasswordSync('hunter2hunter2');
    const [scheme, N, r, p, salt, key] = stored.split('$');
    expect([scheme, Number(N), Number(r), Number(p)]).toEqual([
      'scrypt',
      SCRYPT_PARAMS.N,
      SCRYPT_PARAMS.r,
      SCRYPT_PARAMS.p,
    ]);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(SCRYPT_PARAMS.saltLength);
    expect(Buffer.from(key!, 'base64')).toHaveLength(SCRYPT_PARAMS.keyLength);
  });

  it('salts every hash, so one password gives two different hashes', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });

  it('verifies across the two forms: a sync hash checks async and the reverse', async () => {
    const syncHash = hashPasswordSync('correct horse');
    const asyncHash = await hashPassword('correct horse');
    expect(await verifyPassword('correct horse', syncHash)).toBe(true);
    expect(verifyPasswordSync('correct horse', asyncHash)).toBe(true);
  });

  it('rejects a wrong password in both forms', async () => {
    const stored = await hashPassword('correct horse');
    expect(await verifyPassword('correct hors', stored)).toBe(false);
    expect(verifyPasswordSync('Correct horse', stored)).toBe(false);
  });

  it('rejects malformed stored hashes instead of throwing', async () => {
    for (const stored of ['', 'plain', 'scrypt$x$8$1$c2FsdA==$a2V5', 'bcrypt$1$2$3$4$5']) {
      expect(await verifyPassword('anything', stored)).toBe(false);
      expect(verifyPasswordSync('anything', stored)).toBe(false);
    }
  });

  it('treats a stored key of another length as a mismatch', async () => {
    const stored = await hashPassword('pw-pw-pw-pw');
    const truncated =
      stored.slice(0, stored.lastIndexOf('$') + 1) + Buffer.alloc(8).toString('base64');
    expect(await verifyPassword('pw-pw-pw-pw', truncated)).toBe(false);
  });
});
