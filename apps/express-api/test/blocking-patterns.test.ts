import { request as httpRequest } from 'node:http';
import { hashPassword, verifyPasswordSync } from '@switchyard/domain';
import { openDatabase } from '@switchyard/persistence';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncPasswordHasher } from '../src/adapters/sync-password-hasher.js';
import { signedIn, startStack, type Stack } from './support.js';

// The "before" app keeps four blocking patterns on purpose (docs/migration-guide.md). These
// tests show each one is really there, so the Fastify app's gains are measured against them.

const LATENCY_MS = 100;
const SOURCES = 5;

/** True when the promise had already settled when it was returned: the work ran in the call. */
async function settledOnReturn(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([promise, Promise.resolve(pending)])) !== pending;
}

/** Status and the epoch ms at which the response head reached the client. */
function headAt(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; at: number; body: Promise<string> }>((resolve, reject) => {
    httpRequest(url, { headers, agent: false }, (res) => {
      const at = Date.now();
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const body = new Promise<string>((done) => res.on('end', () => done(text)));
      resolve({ status: res.statusCode ?? 0, at, body });
    })
      .on('error', reject)
      .end();
  });
}

describe('the blocking patterns of the Express app', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      openDb: () => openDatabase(),
      upstream: { latencyMs: LATENCY_MS },
      env: { ENSEMBLE_SOURCES: String(SOURCES) },
      proxyServices: { impatient: { timeoutMs: 200 } },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  describe('MIGRATION(fan-out)', () => {
    it('asks the ensemble sources one after another, each once the previous has answered', async () => {
      const { auth } = await signedIn(stack.api.url);
      stack.upstream.requests.clear();

      await request(stack.api.url)
        .post('/v1/bots/ensemble/messages')
        .set(auth)
        .send({ text: 'in turn' })
        .expect(201);

      const calls = stack.upstream.requests.all().filter((r) => r.url.startsWith('/sources/'));
      expect(calls.map((r) => r.url.split('/')[2])).toEqual(['0', '1', '2', '3', '4']);
      for (let i = 1; i < calls.length; i += 1) {
        // Each source waits LATENCY_MS before it answers; the next call cannot start sooner.
        // (A concurrent fan-out starts all five within a few milliseconds.)
        expect(calls[i]!.time - calls[i - 1]!.time).toBeGreaterThanOrEqual(LATENCY_MS - 5);
      }
    });
  });

  describe('a client that hangs up', () => {
    it('stops the fan-out: the sources after the hang-up are never asked', async () => {
      const { auth } = await signedIn(stack.api.url);
      stack.upstream.requests.clear();

      const req = httpRequest(`${stack.api.url}/v1/bots/ensemble/messages`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        agent: false,
      });
      req.on('error', () => undefined);
      req.end(JSON.stringify({ text: 'never mind' }));
      // Hang up while the second source is being asked.
      await new Promise((resolve) => setTimeout(resolve, LATENCY_MS * 1.5));
      req.destroy();
      // Long enough for the remaining sources, had they been asked.
      await new Promise((resolve) => setTimeout(resolve, LATENCY_MS * SOURCES));

      const calls = stack.upstream.requests.all().filter((r) => r.url.startsWith('/sources/'));
      expect(calls.length).toBeGreaterThanOrEqual(1);
      expect(calls.length).toBeLessThan(SOURCES);
    });
  });

  describe('MIGRATION(sync-crypto)', () => {
    it('computes the scrypt hash before hash() returns, on the event loop', async () => {
      const hashing = syncPasswordHasher.hash('a password long enough');
      expect(await settledOnReturn(hashing)).toBe(true);
      expect(verifyPasswordSync('a password long enough', await hashing)).toBe(true);
      // The async form, on the thread pool, is still pending when it returns: the probe can tell.
      expect(await settledOnReturn(hashPassword('a password long enough'))).toBe(false);
    });

    it('verifies the password before verify() returns, on the event loop', async () => {
      const stored = await syncPasswordHasher.hash('a password long enough');
      const verifying = syncPasswordHasher.verify('a password long enough', stored);
      expect(await settledOnReturn(verifying)).toBe(true);
      expect(await verifying).toBe(true);
    });
  });

  describe('MIGRATION(buffered-proxy)', () => {
    it('sends nothing to the client until the whole upstream body has arrived', async () => {
      const { auth } = await signedIn(stack.api.url);
      const slowMs = 600;
      stack.upstream.requests.clear();

      const res = await headAt(
        `${stack.api.url}/v1/proxy/httpbin/get?fault=slow&slowMs=${slowMs}`,
        auth,
      );

      expect(res.status).toBe(200);
      expect(JSON.parse(await res.body)).toMatchObject({ url: expect.stringContaining('/get') });
      const upstreamStart = stack.upstream.requests.last()!.time;
      // The stand-in sends its head at once and the last body piece slowMs later; a streaming
      // proxy would pass the head on within milliseconds.
      expect(res.at - upstreamStart).toBeGreaterThanOrEqual(slowMs - 50);
    });

    it('answers 504 when the body takes longer than the service timeout', async () => {
      const { auth } = await signedIn(stack.api.url);
      const res = await request(stack.api.url)
        .get('/v1/proxy/impatient/get?fault=slow&slowMs=1000')
        .set(auth)
        .expect(504);
      expect(res.body.error.code).toBe('SWY_ERR_UPSTREAM_TIMEOUT');
    });
  });
});
