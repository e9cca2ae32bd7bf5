import { databaseTargets } from '@switchyard/persistence/testing';
import { openTcpGate, startEnvironment, type Environment, type TcpGate } from '@switchyard/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../apps.js';
import { buildCredentials } from '../support.js';
import { TEST_REDIS_URL } from './rate-limit.js';
import { reportCases } from './report.js';

const CASES = 1;
/** Long enough for ioredis to try again many times (50 ms, 100 ms, … between tries). */
const OUTAGE_MS = 3_000;
const GUARD_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Redis outage is two log lines, whatever the number of reconnects: one when Redis stops
 * answering, one when it answers again. REDIS_URL points at a TCP gate in front of the test's
 * Redis; the gate is cut for a few seconds (ioredis tries again every few hundred ms) and
 * restored. Before, no app listened for the client's errors, and ioredis printed every failed
 * try on stderr ("[ioredis] Unhandled error event").
 */
export async function runRedisOutageSuite(app: App): Promise<void> {
  reportCases('redis outage', app.name, CASES);
  const target = (await databaseTargets()).find((t) => t.kind === 'pglite')!;
  const redis = new URL(TEST_REDIS_URL);

  describe(`${app.name} Redis outage`, () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const printed: string[] = [];
    let gate: TcpGate;
    let env: Environment;

    beforeAll(async () => {
      gate = await openTcpGate({ host: redis.hostname, port: Number(redis.port || 6379) });
      const logger = pino(
        { level: 'info' },
        { write: (line: string) => void lines.push(JSON.parse(line)) },
      );
      // ioredis's own "Unhandled error event" goes to console.error.
      vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
        printed.push(args.map(String).join(' '));
      });
      env = await startEnvironment(
        { name: app.name, start: ({ config, db }) => app.start({ config, db, logger }) },
        target,
        { overrides: () => ({ REDIS_URL: `redis://127.0.0.1:${gate.port}` }) },
      );
    }, 60_000);
    afterAll(async () => {
      vi.restoreAllMocks();
      await env?.close();
      await gate?.close();
    });

    it('logs the outage once when Redis goes and once when it is back, however often the client retries', async () => {
      // Counted in Redis (sign-up is rate-limited): the client is connected.
      const signUp = () =>
        fetch(`${env.app.url}/v1/accounts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(buildCredentials()),
        });
      expect((await signUp()).status).toBe(201);
      const down = () => lines.filter((l) => /Redis is unreachable/.test(l.msg));
      const back = () => lines.filter((l) => /Redis is reachable again/.test(l.msg));
      // Before the cut, every outage logged has ended. Under a loaded CI machine the app's first
      // connect can outlast its connect timeout while start-up holds the event loop (stop 25):
      // that is an outage too, logged once each way, so the cut's lines are counted from here.
      const settledAt = Date.now();
      while (down().length !== back().length && Date.now() - settledAt < GUARD_MS) await sleep(50);
      expect(back().length).toBe(down().length);
      const before = down().length;

      await gate.cut();
      await sleep(OUTAGE_MS);
      await gate.restore();
      const began = Date.now();
      while (back().length === before && Date.now() - began < GUARD_MS) await sleep(50);

      expect(
        down()
          .slice(before)
          .map((l) => l.level),
      ).toEqual([40]);
      expect(
        back()
          .slice(before)
          .map((l) => l.level),
      ).toEqual([30]);
      expect(printed.filter((p) => /ioredis/i.test(p))).toEqual([]);
      // And it counts in Redis again.
      expect((await signUp()).status).toBe(201);
    });
  });
}
