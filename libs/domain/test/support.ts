import type { Database } from '@switchyard/persistence';
import { hashPassword, verifyPassword } from '../src/lib/auth/index.js';
import type { UpstreamClient } from '../src/lib/upstream/index.js';
import type { Limiter, ServiceDependencies } from '../src/lib/use-cases/index.js';

/** The echo bot calls nothing upstream: any call is a test's mistake. */
export const noUpstream: UpstreamClient = {
  json: () => Promise.reject(new Error('echo needs no upstream')),
  lines: () => {
    throw new Error('echo needs no upstream');
  },
  fanOut: () => Promise.reject(new Error('echo needs no upstream')),
};

/** No lock-out and no budget: the e2e suites test the real limiters. */
export const unlimited: Limiter = {
  consume: () => Promise.resolve({ allowed: true }),
  reset: () => Promise.resolve(),
};

/** What createServices takes in the use-case tests: small bounds, the async scrypt, no upstream. */
export function testDependencies(
  db: Database,
  overrides: Partial<ServiceDependencies> = {},
): ServiceDependencies {
  return {
    db,
    passwords: { hash: hashPassword, verify: verifyPassword },
    upstream: noUpstream,
    ensembleSources: 1,
    sessionTtlSeconds: 600,
    idempotencyTtlSeconds: 86_400,
    idempotencyLeaseMs: 120_000,
    maxReplyChars: 100_000,
    streamReplyTimeoutMs: 60_000,
    loginLimiter: unlimited,
    maxSessionsPerAccount: 10,
    sessionPurgeBatch: 100,
    sessionCacheMaxEntries: 100,
    sessionCacheTtlSeconds: 30,
    ...overrides,
  };
}
