import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe. The client holds the token; the database holds its SHA-256. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The token from an `Authorization: Bearer <token>` header, or undefined. The scheme is
 * case-insensitive (RFC 9110); the token must look like one of ours.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer +([A-Za-z0-9_-]{20,200})\s*$/i.exec(header);
  return match?.[1];
}
