import { hashPasswordSync, verifyPasswordSync, type PasswordHasher } from '@switchyard/domain';

// #region guide:sync-crypto
// MIGRATION(sync-crypto) before: scrypt runs on the event loop, every other request waits; see docs/case-study.md#sync-crypto
export const syncPasswordHasher: PasswordHasher = {
  hash: async (password) => hashPasswordSync(password),
  verify: async (password, stored) => verifyPasswordSync(password, stored),
};
// #endregion guide:sync-crypto
