import { openDatabase } from '@switchyard/persistence';
import { contractConfig, startUpstream, type AppUnderTest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { reportCases } from './report.js';

/** Long enough to see both answers on a loaded machine, short for the suite. */
const DRAIN_MS = 1_500;

interface Poll {
  readonly path: string;
  readonly at: number;
  readonly status: number | 'refused';
  readonly code?: string;
}

/** One GET on a new connection (no keep-alive), as a balancer's health check makes it. */
async function poll(url: string, path: string, began: number): Promise<Poll> {
  try {
    const res = await fetch(`${url}${path}`, { headers: { connection: 'close' } });
    const body = (await res.json()) as { error?: { code?: string } };
    return {
      path,
      at: performance.now() - began,
      status: res.status,
      ...(body.error?.code ? { code: body.error.code } : {}),
    };
  } catch {
    return { path, at: performance.now() - began, status: 'refused' };
  }
}

/**
 * SHUTDOWN_DRAIN_MS: from the stop (the server's close(), which the signal handler calls) the
 * app answers `/ready` with 503 for the drain while it serves the rest, new connections included,
 * and only then stops listening: a balancer's health checks take it out before any client's
 * connection is refused.
 */
export function runDrainSuite(subject: AppUnderTest): void {
  reportCases('shutdown drain', subject.name, 2);
  describe(`${subject.name} drain before shutdown (SHUTDOWN_DRAIN_MS=${DRAIN_MS})`, () => {
    let polls: Poll[] = [];
    let closedAt = 0;

    it('answers /ready with 503 SWY_ERR_NOT_READY and everything else as before during the drain', async () => {
      const upstream = await startUpstream({ latencyMs: 0 });
      const db = await openDatabase();
      try {
        const config = contractConfig(upstream, { SHUTDOWN_DRAIN_MS: String(DRAIN_MS) });
        const app = await subject.start({ config, db });
        expect((await poll(app.url, '/ready', 0)).status).toBe(200);
        const began = performance.now();
        const closing = app.close().then(() => (closedAt = performance.now() - began));
        while (closedAt === 0 && performance.now() - began < DRAIN_MS + 10_000) {
          polls.push(await poll(app.url, '/ready', began), await poll(app.url, '/health', began));
        }
        await closing;
        polls = [...polls, await poll(app.url, '/health', began)];
      } finally {
        await db.close();
        await upstream.close();
      }
      const during = polls.filter((p) => p.status !== 'refused');
      expect(during.filter((p) => p.path === '/ready').map((p) => [p.status, p.code])).toEqual(
        during.filter((p) => p.path === '/ready').map(() => [503, 'SWY_ERR_NOT_READY']),
      );
      expect(during.filter((p) => p.path === '/health').map((p) => p.status)).toContain(200);
      expect(during.filter((p) => p.path === '/ready').length).toBeGreaterThan(1);
    }, 60_000);

    it('stops listening only after the drain', () => {
      const firstRefused = polls.find((p) => p.status === 'refused');
      expect(firstRefused, JSON.stringify(polls)).toBeDefined();
      const lastServed = polls.filter((p) => p.status !== 'refused').at(-1)!;
      expect(lastServed.at).toBeGreaterThanOrEqual(DRAIN_MS * 0.9);
      expect(closedAt).toBeGreaterThanOrEqual(DRAIN_MS);
    });
  });
}
