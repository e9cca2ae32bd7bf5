import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt parameters, in one place. N = 2^14, r = 8, p = 1 is the interactive-login cost that
 * node:crypto defaults to (tens of milliseconds per call, all of it on the calling thread;
 * scenario 2 of docs/benchmarks.md times one call, as wall time, on its machine); the hash stores them, so
 * raising them later keeps old hashes valid.
 */
export const SCRYPT_PARAMS = { N: 16_384, r: 8, p: 1, keyLength: 64, saltLength: 16 } as const;

// 128 * N * r bytes is what scrypt needs; leave headroom over Node's 32 MiB default.
const maxmem = (N: number, r: number) => 256 * N * r;

const PREFIX = 'scrypt';

interface Parsed {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function format(params: { N: number; r: number; p: number }, salt: Buffer, hash: Buffer): string {
  return [
    PREFIX,
    params.N,
    params.r,
    params.p,
    salt.toString('base64'),
    hash.toString('base64'),
  ].join('$');
}

function parse(stored: string): Parsed | undefined {
  const [prefix, N, r, p, salt, hash] = stored.split('$');
  if (prefix !== PREFIX || !N || !r || !p || !salt || !hash) return undefined;
  const parsed = { N: Number(N), r: Number(r), p: Number(p) };
  if (![parsed.N, parsed.r, parsed.p].every((n) => Number.isSafeInteger(n) && n > 0))
    return undefined;
  return { ...parsed, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

function options(p: { N: number; r: number; p: number }): ScryptOptions {
  return { N: p.N, r: p.r, p: p.p, maxmem: maxmem(p.N, p.r) };
}

function scryptAsync(password: string, salt: Buffer, keyLength: number, opts: ScryptOptions) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, keyLength, opts, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Compares in constant time; a length mismatch is a plain "no". */
function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

// #region guide:scrypt-sync
/** Blocks the event loop for the whole computation: the "before" form (guide: sync crypto). */
export function hashPasswordSync(password: string): string {
  const salt = randomBytes(SCRYPT_PARAMS.saltLength);
  const hash = scryptSync(password, salt, SCRYPT_PARAMS.keyLength, options(SCRYPT_PARAMS));
  return format(SCRYPT_PARAMS, salt, hash);
}

/** Blocks the event loop for the whole computation: the "before" form (guide: sync crypto). */
export function verifyPasswordSync(password: string, stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return false;
  return same(scryptSync(password, parsed.salt, parsed.hash.length, options(parsed)), parsed.hash);
}
// #endregion guide:scrypt-sync

// #region guide:scrypt-async
/** Runs on libuv's thread pool; the event loop keeps serving: the "after" form. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT_PARAMS.saltLength);
  const hash = await scryptAsync(password, salt, SCRYPT_PARAMS.keyLength, options(SCRYPT_PARAMS));
  return format(SCRYPT_PARAMS, salt, hash);
}

/** Runs on libuv's thread pool; the event loop keeps serving: the "after" form. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  return same(
    await scryptAsync(password, parsed.salt, parsed.hash.length, options(parsed)),
    parsed.hash,
  );
}
// #endregion guide:scrypt-async

/**
 * What the use cases need; each app supplies one form. Express wraps the sync functions (the
 * await returns at once, but the hashing has already blocked the loop); Fastify passes the
 * async ones.
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}
