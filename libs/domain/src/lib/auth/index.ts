export {
  SCRYPT_PARAMS,
  hashPassword,
  hashPasswordSync,
  verifyPassword,
  verifyPasswordSync,
} from './password.js';
export type { PasswordHasher } from './password.js';
export { bearerToken, hashToken, newSessionToken } from './tokens.js';
