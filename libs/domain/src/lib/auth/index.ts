export {
  SCRYPT_PARAMS,
  hashPassword,
  hashPasswordSync,
  verifyPassword,
  verifyPasswordSync,
} from './password.js';
export type { PasswordHasher } from './password.js';
export { bearerToken, hashToken, newSessionToken } from './tokens.js';
export { isCommonPassword } from './common-passwords.js';
export {
  inFreeformClass,
  inIdentifierClass,
  opaqueString,
  usernameCaseMapped,
  usernameCasePreserved,
} from './precis.js';
export type { Precis } from './precis.js';
