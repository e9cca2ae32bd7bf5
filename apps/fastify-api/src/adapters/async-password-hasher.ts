import { hashPassword, verifyPassword, type PasswordHasher } from '@switchyard/domain';

// #region guide:sync-crypto
// MIGRATION(sync-crypto) after: scrypt runs on libuv's thread pool; see docs/case-study.md#sync-crypto
export const asyncPasswordHasher: PasswordHasher = { hash: hashPassword, verify: verifyPassword };
// #endregion guide:sync-crypto
